"""Merge the files of a config folder by top-level key, in time linear in the number of values.

Lists are joined (``accounts`` in two files), mappings are united (a phase set per file); a key
defined in two files, or a plain value set differently, names both places.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from socialseed.config.marks import KEY, Document, Loc, Mark
from socialseed.errors import ConfigError

_Entries = list[tuple[Loc, Mark]]


def merge(docs: list[Document]) -> tuple[dict[str, Any], dict[Loc, Mark]]:
    """Merge files by top-level key; a duplicate id or key names both places."""
    data: dict[str, Any] = {}
    marks: dict[Loc, Mark] = {}
    for doc in docs:
        if data.keys().isdisjoint(doc.data):  # nothing to merge: take the file as it is
            data.update(doc.data)
            marks.update(doc.marks)
            continue
        grouped = _by_top_key(doc.marks)
        for key, value in doc.data.items():
            entries = grouped.get(key, [])
            if key not in data:
                data[key] = value
                marks.update(entries)
            else:
                _merge_key(data, marks, key, value, doc, entries)
    if docs:
        marks[()] = docs[0].marks[()]
    return data, marks


def _by_top_key(marks: dict[Loc, Mark]) -> dict[str | int, _Entries]:
    """The marks of a document, grouped by their first step (one pass)."""
    grouped: dict[str | int, _Entries] = defaultdict(list)
    for loc, mark in marks.items():
        if loc:
            grouped[loc[0]].append((loc, mark))
    return grouped


def _merge_key(
    data: dict[str, Any],
    marks: dict[Loc, Mark],
    key: str,
    value: Any,
    doc: Document,
    entries: _Entries,
) -> None:
    current = data[key]
    if isinstance(current, list) and isinstance(value, list):
        _join_lists(current, value, marks, entries)
    elif isinstance(current, dict) and isinstance(value, dict):
        _unite_mappings(current, value, marks, key, doc)
        marks.update((loc, mark) for loc, mark in entries if len(loc) > 1 and loc[1] != KEY)
    elif current != value:
        raise ConfigError(
            [f"{doc.marks[(key,)]}: {key}: set differently in two files (also at {marks[(key,)]})"],
            hint="keep the value in one file only",
        )


def _join_lists(
    current: list[Any], value: list[Any], marks: dict[Loc, Mark], entries: _Entries
) -> None:
    offset = len(current)
    current.extend(value)
    for loc, mark in entries:
        if len(loc) > 1 and isinstance(loc[1], int):
            marks[(loc[0], offset + loc[1], *loc[2:])] = mark


def _unite_mappings(
    current: dict[str, Any], value: dict[str, Any], marks: dict[Loc, Mark], key: str, doc: Document
) -> None:
    for sub, sub_value in value.items():
        if sub in current:
            here = doc.marks.get((key, sub, KEY), doc.marks[(key, sub)])
            there = marks.get((key, sub, KEY), marks[(key, sub)])
            raise ConfigError(
                [f"{here}: {key}.{sub}: defined twice (also at {there})"],
                hint="keep one definition, or rename one of them",
            )
        current[sub] = sub_value

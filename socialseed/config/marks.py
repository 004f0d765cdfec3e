"""Where each value of a config came from: file, line and column, keyed by its path.

A ``Loc`` is the path of a value in the data (``("accounts", 0, "handle")``); the mark of a
mapping key is stored under ``(*loc, KEY)``. Every error message starts with a ``Mark``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

Loc = tuple[str | int, ...]
KEY = "__key__"  # the last step of the loc under which a mapping key's own mark is kept


class Mark(NamedTuple):
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, column {self.column}"


@dataclass
class Document:
    """One parsed file: plain data, and the mark of every value in it."""

    data: Any
    marks: dict[Loc, Mark]
    file: str


def find_mark(marks: dict[Loc, Mark], loc: Loc, fallback: Mark, *, key: bool = False) -> Mark:
    """The mark of ``loc``, else of its nearest parent that has one."""
    if key and (*loc, KEY) in marks:
        return marks[(*loc, KEY)]
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return fallback


def path_text(loc: Loc, limit: int = 12) -> str:
    """``accounts[0].handle`` for ``("accounts", 0, "handle")``; a deep path is cut short."""
    if len(loc) > limit:
        return f"{path_text(loc[: limit // 2])}...({len(loc) - limit // 2} levels more)"
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters (values can be a megabyte long)."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]  # never build the repr of a huge string
    text = repr(value) if not isinstance(value, dict | list) else _shallow(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shallow(value: dict[Any, Any] | list[Any]) -> str:
    items = list(value.items())[:5] if isinstance(value, dict) else value[:5]
    return repr(items if isinstance(value, list) else dict(items))

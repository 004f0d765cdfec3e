"""Edit config YAML text with comments and formatting kept (ruamel.yaml round-trip).

Text in, text out: no files. Used by ``socialseed tune`` to turn its changes into a diff.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping, Sequence
from typing import Any

SOURCE_KINDS = ("hashtag", "search", "followers_of", "likers_of", "commenters")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def has_targeting(text: str, name: str) -> bool:
    data = _yaml().load(text)
    return isinstance(data, dict) and name in (data.get("targeting") or {})


def _key(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    for kind in SOURCE_KINDS:
        if kind in entry:
            return f"{kind}:{entry[kind]}"
    return None


def edit_targeting(
    text: str,
    name: str,
    drop: Sequence[str] = (),
    limits: Mapping[str, int] | None = None,
    filters: Mapping[str, float] | None = None,
    keywords: Sequence[str] = (),
) -> str:
    """``text`` with targeting ``name``'s sources in ``drop`` removed, source ``limits`` set
    ``filters`` bounds set (by path: ``followers.min``, ``min_posts``) and ``keywords``
    removed; only the blocks
    that change are taken from the dump, the rest of the file stays byte for byte."""
    limits, filters = dict(limits or {}), dict(filters or {})
    yaml = _yaml()
    data = yaml.load(text)
    targeting = data["targeting"][name]
    sources = targeting["sources"]
    for index in range(len(sources) - 1, -1, -1):
        key = _key(sources[index])
        if key in drop:
            del sources[index]
        elif key in limits:
            sources[index]["limit"] = limits[key]
    for path, value in filters.items():
        _set_filter(targeting, path, value)
    for keyword in keywords:
        targeting["keywords"].remove(keyword)
    out = io.StringIO()
    yaml.dump(data, out)
    dumped = out.getvalue()
    if "filters" in _yaml().load(text)["targeting"][name] or not filters:
        changed = (("sources", drop or limits), ("filters", filters), ("keywords", keywords))
        keys = [k for k, on in changed if on]
        for key in keys:
            text = _splice(text, dumped, name, key)
        return text
    return _splice_targeting(text, dumped, name)


def _set_filter(targeting: Any, path: str, value: float) -> None:
    from ruamel.yaml.comments import CommentedMap

    number: float | int = int(value) if float(value).is_integer() else value
    if "filters" not in targeting or targeting["filters"] is None:
        targeting["filters"] = CommentedMap()
    filters = targeting["filters"]
    head, _, tail = path.partition(".")
    if not tail:
        filters[head] = number
        return
    if head not in filters or filters[head] is None:
        inner = CommentedMap()
        inner.fa.set_flow_style()
        filters[head] = inner
    filters[head][tail] = number


def _key_lines(text: str, name: str, key: str) -> tuple[int, int]:
    """The 0-based [start, end) line range of targeting ``name``'s ``key`` block, from the
    line after the key (its value's lines) to the next key of the targeting or the file."""
    data = _yaml().load(text)
    targeting = data["targeting"][name]
    keys = list(targeting.keys())
    start = targeting.lc.key(key)[0]
    after = keys.index(key) + 1
    if after < len(keys):
        return start, targeting.lc.key(keys[after])[0]
    return start, _targeting_end(text, data, name)


def _targeting_end(text: str, data: Any, name: str) -> int:
    names = list(data["targeting"].keys())
    nxt = names.index(name) + 1
    top = list(data.keys())
    if nxt < len(names):
        return int(data["targeting"].lc.key(names[nxt])[0])
    if top.index("targeting") + 1 < len(top):
        return int(data.lc.key(top[top.index("targeting") + 1])[0])
    return len(text.splitlines())


def _splice(before: str, dumped: str, name: str, key: str) -> str:
    """``before`` with only targeting ``name``'s ``key`` block taken from ``dumped``: the rest
    of the file (comments, line breaks, flow style) stays byte for byte."""
    old, new = before.splitlines(keepends=True), dumped.splitlines(keepends=True)
    a, b = _key_lines(before, name, key)
    c, d = _key_lines(dumped, name, key)
    return "".join([*old[:a], *new[c:d], *old[b:]])


def _splice_targeting(before: str, dumped: str, name: str) -> str:
    """``before`` with targeting ``name``'s whole block taken from ``dumped`` (a key added)."""
    old, new = before.splitlines(keepends=True), dumped.splitlines(keepends=True)
    a = _yaml().load(before)["targeting"].lc.key(name)[0]
    c = _yaml().load(dumped)["targeting"].lc.key(name)[0]
    b = _targeting_end(before, _yaml().load(before), name)
    d = _targeting_end(dumped, _yaml().load(dumped), name)
    return "".join([*old[:a], *new[c:d], *old[b:]])


def unified_diff(before: str, after: str, path: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )

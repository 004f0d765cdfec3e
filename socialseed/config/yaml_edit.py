"""Edit config YAML text with comments and formatting kept (ruamel.yaml round-trip).

Text in, text out: no files. Used by ``socialseed tune`` to turn its changes into a diff.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
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


def edit_sources(text: str, name: str, drop: Sequence[str], limits: dict[str, int]) -> str:
    """``text`` with targeting ``name``'s sources in ``drop`` removed and ``limits`` set."""
    yaml = _yaml()
    data = yaml.load(text)
    sources = data["targeting"][name]["sources"]
    for index in range(len(sources) - 1, -1, -1):
        key = _key(sources[index])
        if key in drop:
            del sources[index]
        elif key in limits:
            sources[index]["limit"] = limits[key]
    out = io.StringIO()
    yaml.dump(data, out)
    return _splice(text, out.getvalue(), name)


def _sources_lines(text: str, name: str) -> tuple[int, int]:
    """The 0-based [start, end) line range of targeting ``name``'s sources list items."""
    data = _yaml().load(text)
    targeting = data["targeting"][name]
    keys = list(targeting.keys())
    start = targeting.lc.key("sources")[0] + 1
    after = keys.index("sources") + 1
    if after < len(keys):
        end = targeting.lc.key(keys[after])[0]
    else:
        names = list(data["targeting"].keys())
        nxt = names.index(name) + 1
        top = list(data.keys())
        if nxt < len(names):
            end = data["targeting"].lc.key(names[nxt])[0]
        elif top.index("targeting") + 1 < len(top):
            end = data.lc.key(top[top.index("targeting") + 1])[0]
        else:
            end = len(text.splitlines())
    return start, end


def _splice(before: str, dumped: str, name: str) -> str:
    """``before`` with only the sources block taken from ``dumped``: the rest of the file
    (comments, line breaks, flow style) stays byte for byte."""
    old, new = before.splitlines(keepends=True), dumped.splitlines(keepends=True)
    a, b = _sources_lines(before, name)
    c, d = _sources_lines(dumped, name)
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

"""Parse one YAML text into plain data plus the mark of every value, within budgets.

The text is read as a stream of events (libyaml when available) and the data is built here,
without recursion, so that every limit is checked where it is crossed and reported there:

- nesting deeper than ``MAX_DEPTH`` levels, at the list or mapping that crosses it;
- aliases that together expand to more than ``MAX_ALIAS_VALUES`` values ("billion laughs"),
  and an alias inside the value it names (``a: &a [*a]``), at the alias;
- keys that are not plain words, duplicate keys, and a second document in one file;
- scalars that are not plain data (see ``scalars``).

YAML errors are mapped to ``ConfigError`` here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from socialseed.config.marks import KEY, Document, Loc, Mark, path_text
from socialseed.config.scalars import (
    TAG_HINT,
    YAML_TAG,
    ScalarProblem,
    build_scalar,
    shown_tag,
)
from socialseed.config.source import byte_position
from socialseed.errors import ConfigError

MAX_DEPTH = 64
MAX_ALIAS_VALUES = 100_000
MAX_KEY_CHARS = 256
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIBYAML = _Loader is not yaml.SafeLoader  # libyaml reports reader errors at byte offsets
_COLLECTION_TAGS: dict[type[Event], tuple[str | None, ...]] = {
    MappingStartEvent: (None, "!", YAML_TAG + "map"),
    SequenceStartEvent: (None, "!", YAML_TAG + "seq"),
}
_BUILDING = None  # an anchor whose list or mapping is not finished yet


@dataclass
class _Frame:
    """A list or mapping being built."""

    loc: Loc
    value: dict[str, Any] | list[Any]
    anchor: str | None
    first: int  # index in ``order`` of the first mark inside it
    deepest: int  # the longest loc inside it so far
    key: str | None = None  # a mapping's key whose value comes next


@dataclass(frozen=True)
class _Anchor:
    value: Any
    loc: Loc
    first: int  # the marks inside the anchored value: order[first:end]
    end: int
    depth: int  # levels below the anchored value


@dataclass
class _Builder:
    name: str
    order: list[tuple[Loc, Mark]] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, _Anchor | None] = field(default_factory=dict)
    expanded: int = 0
    documents: int = 0
    root: list[Any] = field(default_factory=list)

    def feed(self, event: Event) -> None:
        if isinstance(event, NodeEvent):
            self._node(event)
        elif isinstance(event, CollectionEndEvent):
            self._end()
        elif isinstance(event, DocumentStartEvent):
            self._document(event)

    def _document(self, event: Event) -> None:
        self.documents += 1
        if self.documents > 1:
            raise ConfigError(
                [f"{self.mark(event)}: a second YAML document (---) in one file"],
                hint="keep one document per file; put the rest in another file of the folder",
            )

    def mark(self, event: Event) -> Mark:
        start = event.start_mark
        return Mark(self.name, start.line + 1, start.column + 1) if start else Mark(self.name, 1, 1)

    # --- nodes --------------------------------------------------------------------------

    def _node(self, event: NodeEvent) -> None:
        frame = self.stack[-1] if self.stack else None
        if isinstance(frame, _Frame) and isinstance(frame.value, dict) and frame.key is None:
            self._key(frame, event)
            return
        loc = self._child_loc(frame)
        mark = self.mark(event)
        if isinstance(event, AliasEvent):
            self._alias(frame, loc, mark, str(event.anchor))
        elif isinstance(event, ScalarEvent):
            value = self._scalar(event, loc, mark)
            self._attach(frame, loc, mark, value)
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(value, loc, 0, 0, 0)
        else:
            self._start(frame, loc, mark, event)

    def _child_loc(self, frame: _Frame | None) -> Loc:
        if frame is None:
            return ()
        if isinstance(frame.value, list):
            return (*frame.loc, len(frame.value))
        assert frame.key is not None
        return (*frame.loc, frame.key)

    def _attach(self, frame: _Frame | None, loc: Loc, mark: Mark, value: Any) -> None:
        self.order.append((loc, mark))
        if frame is None:
            self.root.append(value)
            return
        frame.deepest = max(frame.deepest, len(loc))
        if isinstance(frame.value, list):
            frame.value.append(value)
        else:
            assert frame.key is not None
            frame.value[frame.key] = value
            frame.key = None

    def _start(self, frame: _Frame | None, loc: Loc, mark: Mark, event: NodeEvent) -> None:
        kind = type(event)
        if getattr(event, "tag", None) not in _COLLECTION_TAGS.get(kind, ()):
            raise _tag_error(mark, loc, str(getattr(event, "tag", "")))
        if len(loc) >= MAX_DEPTH:
            raise ConfigError(
                [f"{mark}: {path_text(loc)}: nested deeper than {MAX_DEPTH} levels"],
                hint="a config needs a few levels of nesting; check for unclosed [ or {",
            )
        value: dict[str, Any] | list[Any] = {} if kind is MappingStartEvent else []
        self._attach(frame, loc, mark, value)
        anchor = event.anchor
        if anchor is not None:
            self.anchors[anchor] = _BUILDING
        self.stack.append(_Frame(loc, value, anchor, len(self.order), len(loc)))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            depth = frame.deepest - len(frame.loc)
            anchor = _Anchor(frame.value, frame.loc, frame.first, len(self.order), depth)
            self.anchors[frame.anchor] = anchor
        if self.stack:
            parent = self.stack[-1]
            parent.deepest = max(parent.deepest, frame.deepest)

    # --- keys -----------------------------------------------------------------------------

    def _key(self, frame: _Frame, event: NodeEvent) -> None:
        mark = self.mark(event)
        if isinstance(event, AliasEvent):
            key = self._alias_key(frame, mark, str(event.anchor))
        elif isinstance(event, ScalarEvent):
            value = self._scalar(event, frame.loc, mark)
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(value, frame.loc, 0, 0, 0)
            key = self._key_text(frame, mark, value)
        else:
            raise _complex_key(mark, frame.loc)
        assert isinstance(frame.value, dict)
        if key in frame.value:
            first = next(m for loc, m in reversed(self.order) if loc == (*frame.loc, key, KEY))
            raise ConfigError(
                [f"{mark}: {path_text((*frame.loc, key))}: duplicate key (first at {first})"],
                hint="keep one of the two, or rename one of them",
            )
        frame.key = key
        self.order.append(((*frame.loc, key, KEY), mark))

    def _alias_key(self, frame: _Frame, mark: Mark, name: str) -> str:
        anchor = self._anchor(name, frame.loc, mark)
        return self._key_text(frame, mark, anchor.value)

    def _key_text(self, frame: _Frame, mark: Mark, value: Any) -> str:
        if isinstance(value, dict | list):
            raise _complex_key(mark, frame.loc)
        key = str(value)
        if len(key) > MAX_KEY_CHARS:
            raise ConfigError(
                [f"{mark}: {path_text(frame.loc)}: a key of {len(key)} characters is too long"],
                hint=f"keys are names of at most {MAX_KEY_CHARS} characters; check the indentation",
            )
        return key

    # --- aliases ---------------------------------------------------------------------------

    def _alias(self, frame: _Frame | None, loc: Loc, mark: Mark, name: str) -> None:
        anchor = self._anchor(name, loc, mark)
        size = anchor.end - anchor.first + 1
        if self.expanded + size > MAX_ALIAS_VALUES:
            raise ConfigError(
                [
                    f"{mark}: {path_text(loc)}: the alias *{_cut(name)} takes the aliases in this "
                    f"file past {MAX_ALIAS_VALUES} values (an alias bomb?)"
                ],
                hint="write the values out, or use fewer aliases (*name) of large values",
            )
        if len(loc) + anchor.depth >= MAX_DEPTH:
            raise ConfigError(
                [f"{mark}: {path_text(loc)}: the alias *{_cut(name)} nests too deep"],
                hint=f"nesting is limited to {MAX_DEPTH} levels; write the values out, or use "
                "fewer aliases (*name) inside aliased values",
            )
        self.expanded += size
        self._attach(frame, loc, mark, _copy(anchor.value))
        if frame is not None:
            frame.deepest = max(frame.deepest, len(loc) + anchor.depth)
        cut = len(anchor.loc)
        for old, old_mark in self.order[anchor.first : anchor.end]:
            self.order.append(((*loc, *old[cut:]), old_mark))

    def _anchor(self, name: str, loc: Loc, mark: Mark) -> _Anchor:
        if name not in self.anchors:
            raise ConfigError(
                [f"{mark}: {path_text(loc)}: unknown alias *{_cut(name)} (no &name before it)"],
                hint="define the anchor (&name) before the alias (*name), or write the value out",
            )
        anchor = self.anchors[name]
        if anchor is _BUILDING:
            raise ConfigError(
                [
                    f"{mark}: {path_text(loc)}: the alias *{_cut(name)} is inside the value it "
                    "names (a recursive alias)"
                ],
                hint="an alias can only repeat a value defined before it; write the value out",
            )
        assert anchor is not None
        return anchor

    # --- scalars and errors ------------------------------------------------------------------

    def _scalar(self, event: ScalarEvent, loc: Loc, mark: Mark) -> Any:
        try:
            return build_scalar(event.value, event.tag, event.implicit)
        except ScalarProblem as problem:
            if problem.syntax:
                line = f"{mark}: YAML syntax error: {problem.message} (at {path_text(loc)})"
            else:
                line = f"{mark}: {path_text(loc)}: {problem.message}"
            raise ConfigError([line], hint=problem.hint) from None


def _tag_error(mark: Mark, loc: Loc, tag: str) -> ConfigError:
    message = f"the tag {shown_tag(tag)} is not allowed here (at {path_text(loc)})"
    return ConfigError([f"{mark}: YAML syntax error: {message}"], hint=TAG_HINT)


def _complex_key(mark: Mark, loc: Loc) -> ConfigError:
    return ConfigError(
        [f"{mark}: {path_text(loc)}: a key must be a plain word, not a list or mapping"],
        hint="write keys as plain words (name: value)",
    )


def _cut(name: str) -> str:
    return name if len(name) <= 40 else name[:37] + "..."


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def parse_text(name: str, text: str) -> Document:
    """Parse one file's text into a ``Document``; every problem is a located ``ConfigError``."""
    builder = _Builder(name)
    try:
        _feed(builder, text)
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(name, text, exc) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(name, text, exc) from None
    except yaml.YAMLError as exc:
        raise ConfigError(
            [f"{name}, line 1, column 1: YAML syntax error: {exc}"],
            hint="check that this is a YAML file",
        ) from None
    return _document(builder)


def _feed(builder: _Builder, text: str) -> None:
    loader = _Loader(text)  # the pure-Python reader checks every character here
    try:
        while loader.check_event():
            builder.feed(loader.get_event())
    finally:
        loader.dispose()


def _document(builder: _Builder) -> Document:
    name = builder.name
    if not builder.root:
        raise ConfigError(
            [f"{name}, line 1, column 1: the file is empty"],
            hint="a config is a mapping with version, accounts and phases; "
            "run 'socialseed init' for an example",
        )
    marks = dict(builder.order)
    data = builder.root[0]
    if not isinstance(data, dict):
        raise ConfigError(
            [f"{marks[()]}: the top level must be a mapping (key: value), not {kind_of(data)}"],
            hint="a config is a mapping with version, accounts and phases",
        )
    return Document(data, marks, name)


def yaml_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = "check the indentation and the brackets around this place"
    if "\t" in problem or _tab_near(text, line, col):
        problem = "a tab character is used for indentation"
        hint = "YAML indents with spaces only; replace the tabs with spaces"
    return ConfigError(
        [f"{name}, line {line}, column {col}: YAML syntax error: {problem}"], hint=hint
    )


def _tab_near(text: str, line: int, col: int) -> bool:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    end = text.find("\n", start)
    return "\t" in text[start : end if end >= 0 else len(text)][: col + 1]


def _reader_error(name: str, text: str, exc: yaml.reader.ReaderError) -> ConfigError:
    offset = exc.position if _LIBYAML else len(text[: exc.position].encode("utf-8"))
    line, col = byte_position(text.encode("utf-8"), offset)
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return ConfigError(
        [f"{name}, line {line}, column {col}: YAML syntax error: {exc.reason} (U+{code:04X})"],
        hint="remove the character, or write it as an escape inside double quotes",
    )


def kind_of(value: Any) -> str:
    """What a value is, in words (never its content: it may be a secret)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "nothing"
    return "a string"

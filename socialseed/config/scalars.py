"""Build one YAML scalar: its tag resolved as YAML 1.1 does, its value checked before it is built.

Only plain data is allowed: strings, numbers, booleans, null and dates (``!!str``, ``!!int``,
``!!float``, ``!!bool``, ``!!null``, ``!!timestamp``). Any other tag (``!!binary``, ``!!set``,
``!custom``, ``!!python/...``) is refused, and so is a value its tag cannot hold (``!!int abc``,
``2026-02-30``, a number of 100,000 digits), each with a sentence that says what to write.
"""

from __future__ import annotations

from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

MAX_NUMBER_CHARS = 64
YAML_TAG = "tag:yaml.org,2002:"
TAG_HINT = "remove the YAML tag (the !word before the value): plain values only"

_resolver = Resolver()
_constructor = SafeConstructor()
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIME, _MERGE, _VALUE = (
    YAML_TAG + name
    for name in ("str", "null", "bool", "int", "float", "timestamp", "merge", "value")
)
_NOUN = {_INT: "integer", _FLOAT: "number", _BOOL: "boolean", _TIME: "date"}
_BUILD = {
    _INT: _constructor.construct_yaml_int,
    _FLOAT: _constructor.construct_yaml_float,
    _TIME: _constructor.construct_yaml_timestamp,
}
_FIRST_CHARS = frozenset(Resolver.yaml_implicit_resolvers)  # None: resolvers for any value
_RESOLVED: dict[str, str] = {}  # plain value -> tag, for the short values configs repeat


class ScalarProblem(Exception):
    """A scalar that cannot be built: ``message`` says why, ``hint`` what to write."""

    def __init__(self, message: str, hint: str, *, syntax: bool) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.syntax = syntax  # a tag problem (reported as YAML syntax) or a value problem


def build_scalar(value: str, tag: str | None, implicit: tuple[bool, bool]) -> Any:
    """The Python value of a scalar event (``tag`` as written, ``None`` when untagged)."""
    explicit = tag not in (None, "!")
    resolved = tag if tag is not None and explicit else _resolve(value, implicit)
    if resolved in (_STR, _VALUE):
        return value
    if resolved == _NULL:
        return None
    if resolved == _MERGE and not explicit:
        raise ScalarProblem(
            "merge keys (<<) are not supported", "write the keys out in full", syntax=False
        )
    if resolved not in _NOUN:
        raise ScalarProblem(f"the tag {shown_tag(resolved)} is not allowed", TAG_HINT, syntax=True)
    return _typed(value, resolved, explicit)


def shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    if not implicit[0] or (value[:1] not in _FIRST_CHARS and None not in _FIRST_CHARS):
        return _STR  # quoted, or a word no implicit type starts with
    found = _RESOLVED.get(value)
    if found is None:
        found = str(_resolver.resolve(ScalarNode, value, implicit))  # type: ignore[no-untyped-call]
        if len(value) <= 32 and len(_RESOLVED) < 10_000:
            _RESOLVED[value] = found
    return found


def _typed(value: str, tag: str, explicit: bool) -> Any:
    if tag in (_INT, _FLOAT) and len(value) > MAX_NUMBER_CHARS:
        raise ScalarProblem(
            f"a number of {len(value)} characters is too long (at most {MAX_NUMBER_CHARS})",
            "write a smaller number",
            syntax=False,
        )
    if tag == _BOOL:
        return _boolean(value, explicit)
    if tag == _TIME and not SafeConstructor.timestamp_regexp.match(value):
        raise _bad(value, tag, explicit, "")
    try:
        return _BUILD[tag](ScalarNode(tag, value))
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        raise _bad(value, tag, explicit, str(exc)) from exc


def _boolean(value: str, explicit: bool) -> bool | str:
    """``true`` and ``false`` only (YAML 1.2): an unquoted yes, no, on or off stays text, so a
    boolean field refuses it with its location instead of reading it as true or false."""
    if not explicit and value.lower() not in ("true", "false"):
        return value
    found = SafeConstructor.bool_values.get(value.lower())
    if found is None:
        raise _bad(value, _BOOL, explicit, "")
    return found


def _bad(value: str, tag: str, explicit: bool, reason: str) -> ScalarProblem:
    shown = repr(value if len(value) <= 40 else value[:37] + "...")
    why = f" ({reason})" if reason else ""
    if explicit:
        return ScalarProblem(
            f"{shown} is not a valid {shown_tag(tag)}{why}",
            TAG_HINT + ", or a value of the type the tag names",
            syntax=True,
        )
    hint = "write a real date as YYYY-MM-DD" if tag == _TIME else "check the value"
    return ScalarProblem(
        f"{shown} is not a valid {_NOUN[tag]}{why}",
        hint + ", or quote it to keep it as text",
        syntax=False,
    )

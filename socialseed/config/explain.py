"""Turn pydantic's validation errors into ``FILE, line N, column M: field.path: problem`` lines.

Values are never echoed for secret fields, and echoed values are cut short (a value can be a
megabyte long). Unknown keys and names get a "did you mean".
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from socialseed.config.marks import Loc, Mark, find_mark, path_text, short
from socialseed.config.parse import kind_of
from socialseed.config.schema import Config

_SECRET_FIELDS = frozenset({"credentials", "client_secret", "api_key"})  # never echo their value
_ABSENT = object()


def pydantic_problem(error: Any, marks: dict[Loc, Mark], fallback: Mark, data: Any) -> str:
    """One located line for one pydantic error."""
    loc = _clean_loc(tuple(error["loc"]), data)
    kind = error["type"]
    mark = find_mark(marks, loc, fallback, key=kind == "extra_forbidden")
    return f"{mark}: {path_text(loc)}: {_explain(error, loc)}"


def did_you_mean(given: str, choices: list[str], *, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` or ``""``."""
    guess = difflib.get_close_matches(given[:100], choices, n=1, cutoff=cutoff)
    return f" (did you mean '{guess[0]}'?)" if guess else ""


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict) and part in value:
        return value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _ABSENT


def _clean_loc(loc: Loc, data: Any) -> Loc:
    """The steps of ``loc`` that exist in the data (pydantic adds pseudo-steps for unions,
    literals and validators); a final missing or unknown key is kept."""
    kept: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        step = _child(current, part)
        if step is not _ABSENT:
            current = step
        elif i == len(loc) - 1 and isinstance(current, dict) and isinstance(part, str):
            pass  # a missing field: name it
        else:
            continue
        kept.append(part)
    return tuple(kept)


def _explain(error: Any, loc: Loc) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden" and loc:
        return _unknown_key(loc)
    if kind == "missing":
        return "required field is missing"
    if kind == "bool_type":
        return (
            f"expected true or false (unquoted), got {kind_of(given)} {short(given)}; "
            "1, 0, yes, no, on and off are not booleans here"
        )
    if kind == "int_parsing_size":
        return "the number is far too large"
    if kind == "literal_error":
        return _not_allowed(error, loc, given)
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping (key: value), got {kind_of(given)}"
    if kind == "list_type":
        return f"expected a list, got {kind_of(given)}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in {"id", "name"}:
        return (
            f"{short(given)} is not a valid id (use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 63 characters)"
        )
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        shown = "" if loc and loc[-1] in _SECRET_FIELDS else f" {short(given)}"
        message = f"{message} (got {kind_of(given)}{shown})"
    return message


def _unknown_key(loc: Loc) -> str:
    field = str(loc[-1])
    allowed = _allowed_fields(loc[:-1])
    tip = did_you_mean(field, allowed)
    known = f"; known keys: {', '.join(sorted(allowed))}" if allowed and not tip else ""
    return f"unknown key {short(field, 60)}{tip}{known}"


def _not_allowed(error: Any, loc: Loc, given: Any) -> str:
    written = str(error.get("ctx", {}).get("expected", ""))
    expected = re.findall(r"'([^']*)'", written) or [w.strip() for w in written.split(" or ")]
    guess = did_you_mean(str(given), expected, cutoff=0.5)
    tip = guess or f" (one of: {', '.join(expected)})"
    noun = "a platform" if loc and loc[-1] == "platform" else "allowed"
    return f"{short(given)} is not {noun}{tip}"


def _allowed_fields(loc: Loc) -> list[str]:
    """Field names of the model found at ``loc`` (for 'did you mean')."""
    annotation: Any = Config
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_of(annotation)
    return list(model.model_fields) if model else []


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_of(annotation)
    if model is not None:
        if isinstance(part, str) and part in model.model_fields:
            return model.model_fields[part].annotation
        return None
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (typing.Union, types.UnionType) and args:
        return _step(args[0], part)
    if origin is typing.Annotated and args:
        return _step(args[0], part)
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None

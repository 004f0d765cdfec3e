"""Frozen dataclasses made without ``__init__``, for the hot paths that make many of them.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which costs
about three times a plain store: most of reading a sandbox world's 50,000 accounts, and a tenth
of a long plan's walk. ``without_init`` fills the instance's ``__dict__`` at once. The caller gives
every field (no defaults, no ``__post_init__``); the tests of each caller hold what is made
equal to what ``__init__`` makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

_T = TypeVar("_T")
_new = object.__new__


def without_init(cls: type[_T], fields: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> _T:
    """An instance of the frozen dataclass ``cls`` holding ``fields`` (every one of them)."""
    instance = _new(cls)
    instance.__dict__.update(fields)
    return instance

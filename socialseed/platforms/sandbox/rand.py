"""Deterministic randomness for the sandbox: a value from the seed and a key, no state.

Virtual things (posts, follow-backs, faults) are derived from ``unit(seed, ...)`` so that two
processes, or two runs, agree on them without storing anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
_SCALE = float(1 << 64)
_blake2b = hashlib.blake2b
_from_bytes = int.from_bytes


def unit(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    return unit_of("\x1f".join(map(str, parts)))


def unit_of(key: str) -> float:
    """``unit(*parts)`` for ``key`` = the parts joined by ``\\x1f`` (hot loops build the key
    with an f-string once per prefix instead of converting every part on every call)."""
    return _from_bytes(_blake2b(key.encode(), digest_size=8).digest(), "big") / _SCALE


def pick(options: Sequence[T], *parts: object) -> T:
    """One of ``options``, fixed by ``parts``."""
    return options[int(unit(*parts) * len(options))]


def short_hash(text: str, length: int = 10) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()[:length]

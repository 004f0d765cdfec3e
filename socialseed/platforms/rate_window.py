"""When a rate window really ends, if the reset header is rounded to whole seconds. Pure.

A reset in whole epoch seconds may hide up to a second (mastodon-mock rounds down; Bluesky and
X send whole seconds), so by default apply waits a full second past it. When our own call
opened the window (its answer says ``remaining == limit - 1``), our clock knows better: a window
of ``L`` whole seconds that opened while that call was in flight ends by the time its answer came
back plus ``L``, and ``L`` is at most ``ceil(reset - sent)`` (and at least
``ceil(reset - received)``); successive windows narrow ``L`` down. The bound is used when it is no
earlier than the header's reset and tighter than a full second past it; windows aligned to the
epoch (Mastodon's rack-attack) also satisfy it, because their reset is then exact.

The bound assumes the server's clock and ours agree within a fraction of a second (as NTP keeps
them); a 429 on a bucket turns the inference off for that bucket for the rest of the session.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from socialseed.model import RateInfo

ROUNDING = timedelta(seconds=1)  # what a whole-second reset may hide
OWN_MARGIN = 0.1  # seconds past a reset inferred from our own clock


@dataclass(frozen=True)
class Opening:
    """The call that opened a window: when it was sent, when its answer came back, and the
    reset that answer named (later answers of the same window name the same reset)."""

    sent: datetime
    received: datetime
    reset: datetime | None = None


def opened_by(info: RateInfo) -> bool:
    """Did the call this answer belongs to open a fresh window?"""
    return info.limit is not None and info.remaining == info.limit - 1


def length_bounds(opening: Opening) -> tuple[int, int] | None:
    """The whole-second window lengths consistent with one opening: the window began while the
    call was in flight and ends at a reset the header rounded down (``None``: no bound)."""
    reset = opening.reset
    if reset is None or reset.microsecond:
        return None
    lo = math.ceil((reset - opening.received).total_seconds())
    hi = math.ceil((reset - opening.sent).total_seconds())  # strictly below reset + 1 - sent
    return (max(lo, 1), hi) if hi >= max(lo, 1) else None


def narrow(known: tuple[int, int] | None, new: tuple[int, int] | None) -> tuple[int, int] | None:
    """Two windows of the same length narrow it down; bounds that disagree start over."""
    if known is None or new is None:
        return new or known
    lo, hi = max(known[0], new[0]), min(known[1], new[1])
    return (lo, hi) if lo <= hi else new


def refine(info: RateInfo, opening: Opening | None, length: tuple[int, int] | None) -> RateInfo:
    """``info`` with a tighter reset and margin when ``opening`` pins the window down.

    ``length`` is what the openings seen so far say about the window's length in seconds."""
    reset = info.reset_at
    if opening is None or reset is None or reset.microsecond or opening.reset != reset:
        return info
    if length is None:
        return info
    inferred = opening.received + timedelta(seconds=length[1])
    if not reset <= inferred < reset + ROUNDING:
        return info
    return replace(info, reset_at=inferred, margin=OWN_MARGIN)

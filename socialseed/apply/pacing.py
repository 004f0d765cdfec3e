"""Pacing: how long an account must wait before its next action of a verb. Pure.

Three limits apply, and the longest wait wins:
- the phase's caps: ``daily`` per UTC day and ``hourly`` per rolling 60 minutes, counted
  from what the journal shows done;
- the platform's budgets (rolling windows, from its capabilities): a budget may be shared by
  several verbs at a cost each (Bluesky's write points, Mastodon's "statuses" family), so the
  next action waits until every budget its verb draws from has room for its cost;
- the platform's own rate-limit answer (``remaining == 0`` until ``reset_at``).

A budget that counts every request (``Budget.per_request``, Mastodon's requests per token)
is charged the requests apply really sent (``sent``), reads before a write included; the
verb's cost is only what the next action is expected to send.

Budget spending is kept incrementally (times and running cost sums per budget), so each
``wait_for`` is a couple of binary searches, not a scan of the day's history. When a verb may
go, how many more of it fit is kept too (time only takes entries out of a window; a record of
the verb takes one of them): until they are used up, or a record of another verb or a charged
request intervenes, the next ``wait_for`` answers without looking.

Retries of transient failures back off exponentially with jitter from an injected
``random.Random``. Nothing here reads the clock or sleeps; callers pass ``now``.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialseed.clock import iso
from socialseed.model import Budget, HardCap, RateInfo

HOUR = 3600.0
RESET_MARGIN = 1.0  # seconds added after a platform's reset time
NEVER_DAYS = 3650  # a wait this long means "not allowed at all"


@dataclass(frozen=True)
class Caps:
    """An account's limits per verb right now. A verb missing from a map is not limited by it."""

    daily: Mapping[str, int] = field(default_factory=dict)
    hourly: Mapping[str, int] = field(default_factory=dict)
    hard: tuple[HardCap, ...] = ()
    phase: str = ""  # when set, a verb missing from ``daily`` is not allowed in this phase
    budgets: tuple[Budget, ...] = ()  # shared platform budgets (the hard caps join them)

    def all_budgets(self) -> tuple[Budget, ...]:
        return self.budgets + tuple(cap.as_budget() for cap in self.hard)

    @property
    def longest_window(self) -> float:
        return max([HOUR, *(float(b.window_seconds) for b in self.all_budgets())])


@dataclass(frozen=True)
class Wait:
    """Not before ``until``, because ``reason``."""

    until: datetime
    reason: str

    def seconds(self, now: datetime) -> float:
        return max(0.0, (self.until - now).total_seconds())


def start_of_day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def history_since(now: datetime, caps: Caps) -> datetime:
    """How far back the journal must be read to pace from ``now``."""
    return min(start_of_day(now), now - timedelta(seconds=caps.longest_window))


_HOUR = timedelta(seconds=HOUR)


def _rolling(times: Sequence[datetime], cap: int, window: float, now: datetime) -> datetime | None:
    """When a rolling window of ``window`` seconds will hold fewer than ``cap`` entries.

    ``times`` is sorted: the window's entries are found by a binary search, not a scan.
    """
    if len(times) < cap:
        return None  # fewer entries than the cap in all: none can be in the way
    span = _HOUR if window == HOUR else timedelta(seconds=window)
    first = bisect.bisect_right(times, now - span)
    inside = len(times) - first
    if inside < cap:
        return None
    if cap <= 0:
        return now + span
    return times[len(times) - cap] + span


class Spending:
    """What one budget has spent: times in order and the running sum of costs."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.times: list[datetime] = []
        self.totals: list[int] = [0]  # totals[k]: cost of the first k entries
        self.window = timedelta(seconds=budget.window_seconds)
        self._costs_by_verb: dict[str, int] = {}

    def cost(self, verb: str) -> int:
        """``budget.cost(verb)``, looked up once per verb (it is asked several times a call)."""
        found = self._costs_by_verb.get(verb)
        if found is None:
            found = self._costs_by_verb[verb] = self.budget.cost(verb)
        return found

    def add(self, at: datetime, cost: int) -> None:
        if self.times and at < self.times[-1]:  # out of order (rare): rebuild
            pairs = sorted([*zip(self.times, self._costs(), strict=True), (at, cost)])
            self.times, self.totals = [], [0]
            for t, c in pairs:
                self.add(t, c)
            return
        self.times.append(at)
        self.totals.append(self.totals[-1] + cost)

    def _costs(self) -> list[int]:
        return [b - a for a, b in zip(self.totals, self.totals[1:], strict=False)]

    def spent(self, now: datetime) -> int:
        """Cost spent in the rolling window that ends at ``now``."""
        total = self.totals[-1]
        if not total:
            return 0  # nothing spent at all
        start = bisect.bisect_right(self.times, now - self.window)
        return total - self.totals[start]

    def room_at(self, cost: int, now: datetime) -> datetime | None:
        """When ``cost`` more fits in the window (``None``: now)."""
        budget = self.budget
        if budget.window_seconds <= 0:
            return None  # a standing total: the planner counts it, not the pacer
        if cost > budget.limit:
            return now + timedelta(days=NEVER_DAYS)
        if self.spent(now) + cost <= budget.limit:
            return None
        # drop the oldest entries until the rest plus ``cost`` fits: totals[k] >= need
        need = self.totals[-1] + cost - budget.limit
        k = bisect.bisect_left(self.totals, need)
        return self.times[k - 1] + timedelta(seconds=budget.window_seconds)


class Pacer:
    """One account's budget: the caps and the times each verb was done."""

    def __init__(
        self,
        caps: Caps,
        done: Mapping[str, Sequence[datetime]] | None = None,
        written: Mapping[str, Sequence[datetime]] | None = None,
    ) -> None:
        """``done``: actions finished (done or already in effect), counted by the phase caps;
        ``written``: those that changed something on the platform, counted by its hard caps
        (``None``: the same as ``done``)."""
        self.caps = caps
        self.done: dict[str, list[datetime]] = {v: sorted(t) for v, t in (done or {}).items()}
        source = done if written is None else written
        self.written: dict[str, list[datetime]] = {v: sorted(t) for v, t in (source or {}).items()}
        self.spending = [Spending(b) for b in caps.all_budgets()]
        self._drawn: dict[str, list[Spending]] = {}  # verb -> the budgets it costs something
        # verb -> (how many more of it fit, as counted at that instant): see ``_room``
        self._free: dict[str, tuple[int, datetime]] = {}
        history = sorted((t, v) for v, times in self.written.items() for t in times)
        for at, verb in history:
            self._spend(verb, at)

    def record(self, verb: str, at: datetime, *, wrote: bool = True, counted: bool = False) -> None:
        """``counted``: the requests the action sent are charged by ``sent``, so the budgets
        of every request are not charged its expected cost as well."""
        bisect.insort(self.done.setdefault(verb, []), at)  # kept sorted for binary searches
        if wrote:
            bisect.insort(self.written.setdefault(verb, []), at)
            self._spend(verb, at, requests=not counted)
        free = self._free.get(verb)
        if self._free:
            self._free.clear()  # another verb may share a budget with this one: counted again
        if free is not None and free[0] > 1:
            self._free[verb] = (free[0] - 1, free[1])  # one entry more in every window

    def sent(self, requests: int, at: datetime) -> None:
        """``requests`` sent by ``at`` (reads included): charged to the budgets of every request."""
        if requests <= 0:
            return
        self._free.clear()
        for spending in self.spending:
            if spending.budget.per_request:
                spending.add(at, requests)

    def _drawn_by(self, verb: str) -> list[Spending]:
        found = self._drawn.get(verb)
        if found is None:
            found = self._drawn[verb] = [s for s in self.spending if s.cost(verb)]
        return found

    def _spend(self, verb: str, at: datetime, *, requests: bool = True) -> None:
        for spending in self._drawn_by(verb):
            if spending.budget.per_request and not requests:
                continue
            spending.add(at, spending.cost(verb))

    def wait_for(self, verb: str, now: datetime, *, already: int = 0) -> Wait | None:
        """The wait the caps impose on the next ``verb`` (``None``: go now). ``already``:
        requests this action has sent so far (its reads), charged by ``sent``; the budgets
        of every request then need room only for the rest of its expected cost (at least
        the write itself)."""
        if not already:
            free = self._free.get(verb)
            if free is not None and now >= free[1]:
                return None  # more of it fit when last counted, and time only made room
        found = later(self._daily(verb, now), self._hourly(verb, now))
        for spending in self._drawn_by(verb):  # a budget the verb costs nothing of: no wait
            wait = self._budget(spending, verb, now, already)
            if wait is not None and (found is None or wait.until > found.until):
                found = wait
        if found is None and not already:
            self._free[verb] = (self._room(verb, now), now)
        return found

    def _room(self, verb: str, now: datetime) -> int:
        """How many ``verb`` fit from ``now`` on (at least one: it was just allowed). Later,
        entries only leave the windows (the day's, the hour's, a budget's), so as long as
        only this verb is recorded, that many minus those recorded still fit."""
        room = NEVER_DAYS  # far more than a run makes: "no limit" counted as plenty
        cap = self.caps.daily.get(verb)
        if cap is not None:
            times = self.done.get(verb, [])
            room = min(room, cap - (len(times) - bisect.bisect_left(times, start_of_day(now))))
        cap = self.caps.hourly.get(verb)
        if cap is not None:
            times = self.done.get(verb, [])
            room = min(room, cap - (len(times) - bisect.bisect_right(times, now - _HOUR)))
        for spending in self._drawn_by(verb):
            if spending.budget.window_seconds > 0:
                left = spending.budget.limit - spending.spent(now)
                room = min(room, left // spending.cost(verb))
        return max(room, 1)

    def tightest(self, verb: str, now: datetime) -> tuple[Budget, int] | None:
        """The budget ``verb`` draws from with the fewest actions of it left, and that number."""
        left = [
            (s.budget, (s.budget.limit - s.spent(now)) // cost)
            for s in self.spending
            if (cost := s.cost(verb)) and s.budget.window_seconds > 0
        ]
        return min(left, key=lambda pair: pair[1], default=None)

    def _daily(self, verb: str, now: datetime) -> Wait | None:
        cap = self.caps.daily.get(verb, 0 if self.caps.phase else None)
        if cap is None:
            return None
        if cap == 0:
            where = f"phase {self.caps.phase}" if self.caps.phase else "the daily caps"
            return Wait(now + timedelta(days=NEVER_DAYS), f"{where} allows no {verb}")
        times = self.done.get(verb, [])
        if len(times) < cap:
            return None  # fewer done in all than the day allows
        day = start_of_day(now)
        if len(times) - bisect.bisect_left(times, day) < cap:
            return None
        return Wait(day + timedelta(days=1), f"daily {verb} cap ({cap}) reached")

    def _hourly(self, verb: str, now: datetime) -> Wait | None:
        cap = self.caps.hourly.get(verb)
        if cap is None:
            return None
        until = _rolling(self.done.get(verb, []), cap, HOUR, now)
        return Wait(until, f"hourly {verb} cap ({cap}) reached") if until else None

    def _budget(self, spending: Spending, verb: str, now: datetime, already: int) -> Wait | None:
        budget = spending.budget
        cost = spending.cost(verb)
        if budget.per_request and cost and already:
            cost = max(1, cost - already)
        until = spending.room_at(cost, now) if cost else None
        if until is None:
            return None
        if len(budget.costs) == 1:
            what = f"platform cap of {budget.limit} {verb} per {budget.window_seconds} s reached"
        else:
            what = (
                f"platform budget {budget.name!r} ({budget.limit} per {budget.window_seconds} s, "
                f"{verb} costs {cost}) spent"
            )
        return Wait(until, what)


def rate_wait(
    rates: Mapping[str, RateInfo], now: datetime, *, only: Collection[str] | None = None
) -> Wait | None:
    """The wait the platform's last rate-limit answers impose (``None``: budget left).

    ``only`` names the buckets that apply to the next call (those its verb's last call
    updated); when unknown, every bucket counts: the careful choice.
    """
    found: Wait | None = None
    for name, info in rates.items():  # a loop, not a list of waits: asked before every call
        remaining, reset_at = info.remaining, info.reset_at
        if remaining is None or remaining > 0 or reset_at is None or reset_at <= now:
            continue  # budget left (the usual case), or the window already reset
        if only is not None and name not in only:
            continue
        until = reset_at + timedelta(seconds=RESET_MARGIN if info.margin is None else info.margin)
        if found is None or until > found.until:
            found = Wait(until, f"platform rate limit{_bucket(info)} used up until {iso(reset_at)}")
    return found


def _bucket(info: RateInfo) -> str:
    return f" ({info.bucket})" if info.bucket else ""


def reset_wait(reset_at: datetime, now: datetime) -> Wait:
    """After a 429: wait until the reset the platform named, plus a margin."""
    until = max(reset_at, now) + timedelta(seconds=RESET_MARGIN)
    return Wait(until, f"rate limited until {iso(reset_at)}")


def backoff(retry: int, rng: random.Random, *, base: float = 2.0, cap: float = 300.0) -> float:
    """Seconds before retry number ``retry`` (1, 2, ...): exponential, with jitter."""
    return min(cap, base * 2.0 ** (retry - 1)) * rng.uniform(0.5, 1.5)


def later(*waits: Wait | None) -> Wait | None:
    """The longest of some waits (the first of equals)."""
    found = None
    for wait in waits:
        if wait is not None and (found is None or wait.until > found.until):
            found = wait
    return found


@dataclass(frozen=True)
class Slot:
    """When an action is expected to run (dry run), or why it will not."""

    action_id: str
    verb: str
    at: datetime | None
    wait: float
    reason: str = ""


def schedule(
    steps: Sequence[tuple[str, str]], pacer: Pacer, *, start: datetime, deadline: datetime
) -> list[Slot]:
    """Expected start of each ``(action_id, verb)`` in order, assuming instant calls."""
    pacer = Pacer(pacer.caps, pacer.done, pacer.written)  # a copy: the caller's is untouched
    now, out = start, []
    for action_id, verb in steps:
        wait = pacer.wait_for(verb, now)
        if wait is not None and wait.until > deadline:
            out.append(
                Slot(action_id, verb, None, 0.0, f"would wait past {iso(deadline)} ({wait.reason})")
            )
            continue
        seconds = wait.seconds(now) if wait else 0.0
        now = max(now, wait.until) if wait else now
        pacer.record(verb, now)
        out.append(Slot(action_id, verb, now, seconds, wait.reason if wait else ""))
    return out

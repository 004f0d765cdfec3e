"""Which phase an account is in, and what it may still do today. Pure: handed ``today``.

Day 1 of the first phase is ``account.start_date`` (today when missing). A health regression
may move an account back to an earlier phase (``accounts.phase_override`` in state): the
phases are then counted from that phase, starting on the day of the override.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from socialseed.model.verbs import Verb

if TYPE_CHECKING:
    from socialseed.model import Budget as SharedBudget
    from socialseed.model import HardCap

DAY_SECONDS = 86_400


class PhaseRule(Protocol):
    """A phase as the config gives it: ``config.schema.Phase``, or ``config.view.PhaseView``."""

    @property
    def name(self) -> str: ...
    @property
    def days(self) -> int | None: ...
    @property
    def daily(self) -> Mapping[Any, int]: ...
    @property
    def hourly(self) -> Mapping[Any, int]: ...


@dataclass(frozen=True)
class PhaseState:
    """The phase an account is in on a given day."""

    name: str
    day: int  # 1-based day within the phase
    days: int | None  # the phase's length (None: open-ended)
    daily: Mapping[str, int]
    hourly: Mapping[str, int]
    overridden: bool = False


def current_phase(
    phases: Sequence[PhaseRule],
    *,
    start: date | None,
    today: date,
    override: tuple[str, date] | None = None,
) -> PhaseState:
    """The phase on ``today`` given the account's start date (and an override, if any)."""
    ordered = list(phases)
    first = start or today
    if override is not None:
        names = [p.name for p in ordered]
        if override[0] in names:
            ordered = ordered[names.index(override[0]) :]
            first = override[1]
    offset = max((today - first).days, 0)
    for phase in ordered:
        if phase.days is None or offset < phase.days:
            return _state(phase, offset + 1, override is not None)
        offset -= phase.days
    last = ordered[-1]  # every phase has an end: stay in the last one
    return _state(last, (last.days or 0) + offset + 1, override is not None)


def _state(phase: PhaseRule, day: int, overridden: bool) -> PhaseState:
    return PhaseState(
        name=phase.name,
        day=day,
        days=phase.days,
        daily={str(verb): cap for verb, cap in phase.daily.items()},
        hourly={str(verb): cap for verb, cap in phase.hourly.items()},
        overridden=overridden,
    )


def hard_cap_per_day(cap: HardCap | SharedBudget) -> int:
    """A platform cap as a daily limit (a window shorter than a day repeats within it)."""
    if cap.window_seconds >= DAY_SECONDS:
        return cap.limit
    return cap.limit * (DAY_SECONDS // max(cap.window_seconds, 1))


def _per_day(cap: HardCap, used_today: int, total: int | None) -> int:
    if cap.window_seconds > 0:
        return hard_cap_per_day(cap)
    if total is None:
        return cap.limit * DAY_SECONDS  # a standing total we cannot read: no daily bound
    return used_today + max(0, cap.limit - total)


@dataclass(frozen=True)
class Budget:
    """Per verb: the cap for today, what was used, and what remains."""

    caps: Mapping[str, int]
    used: Mapping[str, int]
    limited_by: Mapping[str, str]  # verb -> "phase warmup" | "platform cap (source)"

    def remaining(self, verb: str) -> int:
        return max(self.caps.get(verb, 0) - self.used.get(verb, 0), 0)

    def remaining_all(self) -> dict[str, int]:
        return {verb: self.remaining(verb) for verb in sorted(self.caps)}


def budget(
    phase: PhaseState,
    used: Mapping[str, int],
    hard_caps: Sequence[HardCap],
    standing: Mapping[str, int] | None = None,
    shared: Sequence[SharedBudget] = (),
) -> Budget:
    """Today's caps per verb (the phase's daily caps, lowered by platform hard caps).

    A cap with no window (``window_seconds == 0``) is a standing total, such as Mastodon's
    7,500 accounts followed: it allows what is left below the total (``standing`` holds the
    current totals per verb, e.g. the following count); unknown totals leave it aside.

    ``shared`` budgets are drawn from by several verbs at a cost each (Bluesky's write points):
    when the verbs' remaining caps would together spend more than the budget has left today,
    each verb's remainder is scaled down in proportion, so the plan fits the shared budget.
    """
    caps = dict(phase.daily)
    limited = {verb: f"phase {phase.name}" for verb in caps}
    for cap in hard_caps:
        verb = Verb(cap.verb).value
        per_day = _per_day(cap, used.get(verb, 0), (standing or {}).get(verb))
        if verb in caps and per_day < caps[verb]:
            caps[verb] = per_day
            limited[verb] = f"platform cap ({cap.source or 'platform rule'})"
    for shared_budget in shared:
        _fit_shared(shared_budget, caps, used, limited)
    return Budget(caps=caps, used={v: n for v, n in used.items() if n}, limited_by=limited)


def _fit_shared(
    shared: SharedBudget, caps: dict[str, int], used: Mapping[str, int], limited: dict[str, str]
) -> None:
    """Scale the verbs' remaining caps down so that together they fit ``shared`` today."""
    if shared.window_seconds <= 0:
        return  # a standing total shared by verbs: nothing in the data reads it per day
    verbs = [v for v in caps if shared.cost(v) > 0]
    spent = sum(used.get(v.value, 0) * cost for v, cost in shared.costs.items())
    room = max(hard_cap_per_day(shared) - spent, 0)
    left = {v: max(caps[v] - used.get(v, 0), 0) for v in verbs}
    demand = sum(n * shared.cost(v) for v, n in left.items())
    if demand <= room:
        return
    for verb, n in left.items():
        caps[verb] = used.get(verb, 0) + (n * room) // demand
        limited[verb] = f"platform budget {shared.name} ({shared.source or 'platform rule'})"

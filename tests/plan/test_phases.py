"""Which phase an account is in, and today's budget (caps minus what the journal says ran)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from socialseed.config.schema import Phase
from socialseed.limits.phases import budget, current_phase
from socialseed.model import HardCap, Verb
from socialseed.state.db import open_state
from socialseed.state.usage import used_today

PHASES = [
    Phase(name="warmup", days=14, daily={"follow": 15, "like": 40}),
    Phase(name="growth", days=60, daily={"follow": 60, "like": 150, "unfollow": 30}),
    Phase(name="maintain", daily={"follow": 20}),
]
START = date(2026, 11, 1)


def test_last_day_of_warmup_then_first_day_of_growth() -> None:
    last = current_phase(PHASES, start=START, today=date(2026, 11, 14))
    first = current_phase(PHASES, start=START, today=date(2026, 11, 15))
    assert (last.name, last.day, last.days) == ("warmup", 14, 14)
    assert (first.name, first.day) == ("growth", 1)
    assert first.daily["follow"] == 60


def test_open_ended_last_phase_and_missing_start() -> None:
    late = current_phase(PHASES, start=START, today=date(2027, 6, 1))
    assert late.name == "maintain" and late.day == 212 - 74 + 1
    fresh = current_phase(PHASES, start=None, today=date(2026, 11, 25))
    assert (fresh.name, fresh.day) == ("warmup", 1)


def test_every_phase_bounded_stays_in_the_last() -> None:
    bounded = PHASES[:2]
    state = current_phase(bounded, start=START, today=date(2027, 6, 1))
    assert state.name == "growth"


def test_override_moves_back_and_counts_from_the_override() -> None:
    state = current_phase(
        PHASES, start=START, today=date(2027, 1, 10), override=("warmup", date(2027, 1, 8))
    )
    assert (state.name, state.day, state.overridden) == ("warmup", 3, True)


def test_budget_subtracts_use_and_platform_caps() -> None:
    phase = current_phase(PHASES, start=START, today=date(2026, 11, 10))
    hard = (HardCap(Verb.LIKE, 10, 86_400, "docs"), HardCap(Verb.FOLLOW, 50, 900, "docs"))
    result = budget(phase, {"follow": 4, "like": 0}, hard)
    assert result.remaining("follow") == 11
    assert result.remaining("like") == 10
    assert result.limited_by["like"].startswith("platform cap (docs)")
    assert result.remaining("unfollow") == 0  # not in this phase: nothing allowed


def test_standing_total_caps_what_is_left_below_it() -> None:
    phase = current_phase(PHASES, start=START, today=date(2026, 11, 10))
    total = (HardCap(Verb.FOLLOW, 7500, 0, "Mastodon: 7,500 accounts followed"),)
    near = budget(phase, {"follow": 2}, total, standing={"follow": 7495})
    assert near.remaining("follow") == 5  # 7,500 - 7,495 still allowed, whatever the phase says
    assert near.limited_by["follow"].startswith("platform cap (Mastodon: 7,500")
    full = budget(phase, {}, total, standing={"follow": 7500})
    assert full.remaining("follow") == 0
    unknown = budget(phase, {"follow": 2}, total)
    assert unknown.remaining("follow") == 13  # the total is unknown: the phase decides


def _journal(db: object, at: str, verb: str, status: str, kind: str = "outcome") -> None:
    db["journal"].insert(  # type: ignore[index]
        {"account": "studio", "verb": verb, "kind": kind, "status": status, "at": at}
    )


def test_used_today_counts_done_and_already_since_utc_midnight() -> None:
    db = open_state(None)
    _journal(db, "2026-11-24T23:59:59Z", "follow", "done")  # yesterday
    _journal(db, "2026-11-25T00:00:00Z", "follow", "done")
    _journal(db, "2026-11-25T08:00:00Z", "follow", "already")
    _journal(db, "2026-11-25T08:00:00Z", "follow", "failed")
    _journal(db, "2026-11-25T08:00:00Z", "follow", "started", kind="intent")
    _journal(db, "2026-11-25T08:30:00Z", "like", "done")
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert used_today(db, "studio", now) == {"follow": 2, "like": 1}
    assert used_today(db, "other", now) == {}

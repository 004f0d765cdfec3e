"""Health feeds the phases: a red account is paused; after its cool-down it resumes lower.

``apply`` pauses an account on the first block signal (with a cool-down ``until``); ``sync``
pauses one that turned red for other reasons. When such a timed pause has run out, ``recover``
resumes the account and moves it back one phase (``accounts.phase_override``, which the
planner's ``phases.current_phase`` reads), starting that phase again from day 1. A person's
timed pause (``socialseed pause --for``) just ends: no phase is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.limits.phases import PhaseRule, PhaseState, current_phase
from socialseed.model.health import Health, Light
from socialseed.state.accounts import active_pause, audit, day_one, pause, resume
from socialseed.state.usage import phase_override

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Phase
    from socialseed.config.view import AccountView
    from socialseed.state.handle import StateDB, StateReads

ACTOR = "socialseed:health"
AUTOMATIC = frozenset({ACTOR, "socialseed apply"})  # who pauses on a red light or a block


def phase_of(
    db: StateReads, account: Account | AccountView, phases: Sequence[PhaseRule], now: datetime
) -> PhaseState:
    """The account's phase today, honouring a phase override in state."""
    override = phase_override(db, account.id)
    parsed = None
    if override is not None:
        parsed = (override[0], _day(override[1]) or now.date())
    start = day_one(db, account)
    return current_phase(phases, start=start, today=now.date(), override=parsed)


def _day(text: str) -> date | None:
    return parse_instant(text).date() if text else None


def lower_phase(phases: Sequence[Phase], name: str) -> str:
    """The phase before ``name`` (the first phase stays the first)."""
    names = [p.name for p in phases]
    if name not in names:
        return names[0]
    return names[max(names.index(name) - 1, 0)]


def expired_timed_pause(db: StateDB, account: str, now: datetime) -> bool:
    """Was the account paused with an end time that has now passed?"""
    rows = list(db.table("accounts").rows_where("id = ?", [account], select="paused_until"))
    until = str(rows[0]["paused_until"] or "") if rows else ""
    return bool(until) and until != "forever" and parse_instant(until) <= now


def _last_pause_actor(db: StateDB, account: str) -> str:
    rows = db.conn.execute(
        "select actor from audit where account = ? and kind = 'pause' order by id desc limit 1",
        [account],
    ).fetchall()
    return str(rows[0][0]) if rows else ""


def recover(db: StateDB, account: Account, phases: Sequence[Phase], now: datetime) -> str | None:
    """After a cool-down: resume and drop one phase. Returns the new phase, if it moved."""
    if not expired_timed_pause(db, account.id, now):
        return None
    if _last_pause_actor(db, account.id) not in AUTOMATIC:
        resume(db, account.id, now=now, actor=ACTOR)  # a person's timed pause: no demotion
        return None
    current = phase_of(db, account, phases, now)
    target = lower_phase(phases, current.name)
    resume(db, account.id, now=now, actor=ACTOR)
    with db.conn:
        db.table("accounts").update(
            account.id, {"phase_override": target, "phase_override_at": iso(now)}
        )
    audit(
        db,
        account=account.id,
        kind="phase_demoted",
        actor=ACTOR,
        now=now,
        detail={"from": current.name, "to": target, "reason": "cool-down after a red light"},
    )
    return target


def pause_if_red(
    db: StateDB, account: str, health: Health, *, now: datetime, cooldown: timedelta
) -> bool:
    """Pause a red account for its cool-down unless a pause is already in force."""
    if health.light is not Light.RED or active_pause(db, account, now) is not None:
        return False
    reason = "health red: " + "; ".join(health.reasons[:2])
    pause(db, account, reason=reason, now=now, until=now + cooldown, actor=ACTOR)
    return True

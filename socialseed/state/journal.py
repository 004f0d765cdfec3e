"""The journal: an append-only record of every execution attempt and its outcome.

Each platform call is bracketed by two rows: an ``intent`` (status ``started``) committed
before the call, and an ``outcome`` (``done``, ``already``, ``failed`` or ``skipped``) after.
An intent that is the newest row of its action means the process stopped mid-call; apply
reconciles it through the platform before doing anything else with that action.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.model import Action, Outcome, Target, Verb
from socialseed.state.accounts import ALL
from socialseed.state.handle import StateConnection, StateDB
from socialseed.state.tx import atomic

FINISHED = frozenset({"done", "already"})


@dataclass(frozen=True)
class Entry:
    """One journal row, as apply reads it back."""

    action_id: str
    kind: str
    attempt: int
    status: str
    at: datetime
    error: str = ""
    http_status: int | None = None


def _base(plan_id: str, action: Action, attempt: int, now: datetime) -> tuple[object, ...]:
    """plan_id, action_id, account, verb, target, attempt, at: the columns every row has."""
    target = _target_text(action.target)
    verb = action.verb._value_  # ``.value`` is a descriptor call: a row is written per call
    return (plan_id, action.id, action.account, verb, target, attempt, _at(now))


_last_at: tuple[datetime | None, str] = (None, "")  # an outcome's time is often the next intent's


def _at(now: datetime) -> str:
    global _last_at
    last, text = _last_at
    if last is now:
        return text
    text = iso(now)
    _last_at = (now, text)
    return text


_last_target: tuple[Target | None, str] = (None, "")  # the intent's, again for its outcome


def _target_text(target: Target) -> str:
    """The target as the journal stores it; an action's intent and outcome encode it once."""
    global _last_target
    last, text = _last_target  # one read: another thread may replace it meanwhile
    if last is target:
        return text
    text = _TARGET_JSON.encode(target.to_data())
    _last_target = (target, text)
    return text


# ``json.dumps(data, sort_keys=True)`` without building an encoder for every row
_TARGET_JSON = json.JSONEncoder(sort_keys=True)


def record_intent(
    db: StateDB, plan_id: str, action: Action, *, attempt: int, now: datetime
) -> None:
    """Commit the intent to call the platform (before the call)."""
    with db.conn:
        intent_in(db.conn, plan_id, action, attempt=attempt, now=now)


def intent_in(
    conn: StateConnection, plan_id: str, action: Action, *, attempt: int, now: datetime
) -> None:
    """The intent row as a statement of the caller's transaction (committed before the call)."""
    conn.execute(_INTENT, (*_base(plan_id, action, attempt, now), "intent", "started"))


_INTENT = (
    "insert into journal (plan_id, action_id, account, verb, target, attempt, at, kind, status) "
    "values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def intent_if_standing(
    conn: StateConnection,
    plan_id: str,
    action: Action,
    *,
    attempt: int,
    now: datetime,
    holder: tuple[str, str, int],
    decision_id: int,
    unpaused: bool,
) -> bool:
    """The intent row, written (one statement, before the call) only if what apply decided
    on still holds: ``holder`` (owner, host, pid) holds the account's lock, row
    ``decision_id`` is still the action's newest decision, no rejection names it, and, when
    ``unpaused``, no pause is set on the account or on every account. False: nothing
    written; the caller finds out which changed."""
    row = _base(plan_id, action, attempt, now)
    account, action_id = action.account, action.id
    args: tuple[object, ...] = (*row, "intent", "started", account, *holder, plan_id, action_id)
    if unpaused:
        sql, args = _INTENT_STANDING_UNPAUSED, (*args, decision_id, action_id, ALL, account)
    else:
        sql, args = _INTENT_STANDING, (*args, decision_id, action_id)
    return bool(conn.execute(sql, args).rowcount == 1)


_INTENT_STANDING = (
    "insert into journal (plan_id, action_id, account, verb, target, attempt, at, kind, status) "
    "select ?, ?, ?, ?, ?, ?, ?, ?, ? where exists (select 1 from locks where account = ? "
    "and owner = ? and host = ? and pid = ?) "
    "and (select max(id) from decisions where plan_id = ? and action_id = ?) = ? "
    "and not exists (select 1 from rejections where action_id = ? and lifted_at is null)"
)
_UNPAUSED = (
    " and not exists (select 1 from accounts where id in (?, ?) and paused_until is not null "
    "and paused_until != '')"
)
_INTENT_STANDING_UNPAUSED = _INTENT_STANDING + _UNPAUSED


def record_outcome(
    db: StateDB,
    plan_id: str,
    action: Action,
    outcome: Outcome,
    *,
    attempt: int,
    now: datetime,
) -> None:
    """Commit what happened (after the call, or instead of it for ``skipped``)."""
    _insert(db, _outcome_row(plan_id, action, outcome, attempt, now))


def _insert(db: StateDB, row: tuple[object, ...]) -> None:
    """One outcome row, committed by the time this returns (one statement commits alone)."""
    with db.conn:
        db.conn.execute(_OUTCOME, row)


def _outcome_row(
    plan_id: str, action: Action, outcome: Outcome, attempt: int, now: datetime
) -> tuple[object, ...]:
    """The values of ``_OUTCOME``, in its order."""
    return (
        *_base(plan_id, action, attempt, now),
        "outcome",
        outcome.status,
        outcome.http_status,
        outcome.request_id,
        outcome.detail or None,
        outcome.remote_ref,
    )


def history(db: StateDB, plan_id: str, account: str | None = None) -> dict[str, list[Entry]]:
    """Every row of a plan's journal, per action, oldest first."""
    sql, args = _HISTORY, [plan_id]
    if account is not None:
        sql, args = _HISTORY_OF_ACCOUNT, [plan_id, account]
    out: dict[str, list[Entry]] = defaultdict(list)
    for action_id, kind, attempt, status, at, error, http_status in db.conn.execute(sql, args):
        out[str(action_id)].append(
            Entry(
                action_id=str(action_id),
                kind=str(kind),
                attempt=int(str(attempt or 0)),
                status=str(status),
                at=parse_instant(str(at)),
                error=str(error or ""),
                http_status=int(str(http_status)) if http_status is not None else None,
            )
        )
    return dict(out)


# plain SQL, not sqlite-utils' ``rows_where`` (which lists the tables on every call): apply
# reads these once per account and run
_ENTRY_COLUMNS = "action_id, kind, attempt, status, at, error, http_status"
_HISTORY = f"select {_ENTRY_COLUMNS} from journal where plan_id = ? order by id"
_HISTORY_OF_ACCOUNT = (
    f"select {_ENTRY_COLUMNS} from journal where plan_id = ? and account = ? order by id"
)


def is_finished(entries: list[Entry]) -> bool:
    """Did an attempt end in ``done`` or ``already``? Then the action never runs again."""
    return any(e.kind == "outcome" and e.status in FINISHED for e in entries)


def is_interrupted(entries: list[Entry]) -> bool:
    """Is the newest row an intent without its outcome (a crash mid-call)?"""
    return bool(entries) and entries[-1].kind == "intent"


def was_attempted(entries: list[Entry]) -> bool:
    """Did any earlier attempt reach the platform (so the action may already be in effect)?"""
    return any(e.kind == "intent" for e in entries)


def tried_elsewhere(db: StateDB, action: Action, plan_id: str) -> bool:
    """Did another plan already call the platform for this action (same account, verb and
    target: the id is the same in every plan)?"""
    row = db.conn.execute(
        "select 1 from journal where action_id = ? and kind = 'intent' and plan_id != ? limit 1",
        [action.id, plan_id],
    ).fetchone()
    return row is not None


def tried_elsewhere_among(db: StateDB, action_ids: list[str], plan_id: str) -> set[str]:
    """``tried_elsewhere`` for many actions at once (read once, under the account's lock)."""
    return _elsewhere(db, action_ids, plan_id, "kind = 'intent'")


def finished_elsewhere(db: StateDB, action_ids: list[str], plan_id: str) -> set[str]:
    """Which of these actions another plan already carried out (done or already in effect)."""
    return _elsewhere(db, action_ids, plan_id, "kind = 'outcome' and status in ('done', 'already')")


def _elsewhere(db: StateDB, action_ids: list[str], plan_id: str, entry: str) -> set[str]:
    """The actions among ``action_ids`` with a journal ``entry`` of another plan, read in
    chunks of 500 ids (under SQLite's variable limit)."""
    found: set[str] = set()
    for start in range(0, len(action_ids), 500):
        chunk = action_ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = db.conn.execute(
            f"select distinct action_id from journal where action_id in ({marks}) and "
            f"{entry} and plan_id != ?",
            [*chunk, plan_id],
        )
        found |= {str(row[0]) for row in rows}
    return found


def next_attempt(entries: list[Entry]) -> int:
    return max((e.attempt for e in entries), default=0) + 1


def done_times(
    db: StateDB, account: str, since: datetime, statuses: tuple[str, ...] = ("done", "already")
) -> dict[str, list[datetime]]:
    """When each verb was finished by ``account`` since ``since`` (any plan), oldest first.

    ``already`` counts by default, as in the planner's budget (``state.usage``); pass
    ``("done",)`` for the writes that used a platform's budget.
    """
    out: dict[str, list[datetime]] = defaultdict(list)
    marks = ", ".join("?" for _ in statuses)
    rows = db.conn.execute(
        f"select verb, at from journal where account = ? and kind = 'outcome' "
        f"and status in ({marks}) and at >= ? order by at",
        [account, *statuses, iso(since)],
    )
    for verb, at in rows:
        out[str(verb)].append(parse_instant(str(at)))
    return dict(out)


def outcomes(db: StateDB, plan_id: str) -> list[dict[str, object]]:
    """The outcome rows of a plan, oldest first (for reports and tests)."""
    return list(
        db.table("journal").rows_where("plan_id = ? and kind = 'outcome'", [plan_id], order_by="id")
    )


def needs_verify(entries: list[Entry]) -> bool:
    """May the newest attempt have landed without us knowing? (crash, timeout or 5xx)

    Then the platform is asked (``verify``) before the action is tried again.
    """
    intents = [i for i, e in enumerate(entries) if e.kind == "intent"]
    if not intents:
        return False
    after = [e for e in entries[intents[-1] + 1 :] if e.status != "skipped"]
    if not after:
        return True
    first = after[0]
    return first.status == "failed" and (first.http_status is None or first.http_status >= 500)


def record_finish(
    db: StateDB,
    plan_id: str,
    action: Action,
    outcome: Outcome,
    *,
    attempt: int,
    now: datetime,
) -> None:
    """Commit an outcome and its relationship change in one transaction.

    Written in two steps, a kill between them left a ``done`` follow without its relationship
    row, and the next day's plan proposed (and ran) the same follow again.
    """
    if not _changes_relationship(action, outcome):
        _insert(db, _outcome_row(plan_id, action, outcome, attempt, now))  # commits alone
        return
    with atomic(db) as conn:
        finish_in(conn, plan_id, action, outcome, attempt=attempt, now=now)


def finish_in(
    conn: StateConnection,
    plan_id: str,
    action: Action,
    outcome: Outcome,
    *,
    attempt: int,
    now: datetime,
) -> None:
    """``record_finish`` as statements of the caller's transaction (apply writes a finished
    action's outcome in the transaction of the next action's intent, when one follows at once)."""
    conn.execute(_OUTCOME, _outcome_row(plan_id, action, outcome, attempt, now))
    _relationship(conn, action, outcome, now)


_OUTCOME = (  # the columns of _outcome_row, in its order
    "insert into journal (plan_id, action_id, account, verb, target, attempt, at, kind, status, "
    "http_status, request_id, error, remote_ref) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_FOLLOWED = (
    "insert into relationships (account, target_id, target_handle, origin, since, "
    "unfollowed_at, remote_ref, request_id) values (?, ?, ?, 'socialseed', ?, null, ?, ?) "
    "on conflict (account, target_id) do update set "
    "target_handle = excluded.target_handle, "
    "origin = case when unfollowed_at is null then coalesce(origin, 'socialseed') "
    "else 'socialseed' end, "
    "since = case when unfollowed_at is null then since else excluded.since end, "
    "remote_ref = coalesce(excluded.remote_ref, case when unfollowed_at is null "
    "then remote_ref end), "
    "request_id = coalesce(excluded.request_id, case when unfollowed_at is null "
    "then request_id end), "
    "unfollowed_at = null"
)


_RELATING = frozenset({Verb.FOLLOW, Verb.UNFOLLOW})


def _changes_relationship(action: Action, outcome: Outcome) -> bool:
    return outcome.status in FINISHED and action.verb in _RELATING


def _relationship(conn: StateConnection, action: Action, outcome: Outcome, now: datetime) -> None:
    if outcome.status not in FINISHED or action.verb not in _RELATING:
        return
    key = (action.account, action.target.id)
    if action.verb is Verb.FOLLOW:
        params = (*key, action.target.handle, _at(now), outcome.remote_ref, outcome.request_id)
        conn.execute(_FOLLOWED, params)
    else:
        conn.execute(
            "update relationships set unfollowed_at = ? where account = ? and target_id = ?",
            (iso(now), *key),
        )

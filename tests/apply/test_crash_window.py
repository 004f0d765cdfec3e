"""The crash window: an outcome and its relationship row land together or not at all, and an
action another plan already tried is checked on the platform before it is sent again."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from socialseed.model import Outcome, Verb
from socialseed.state import journal

from .fakes import NOW, Harness, action, approve, config, plan_for, state


def outcomes(h: Harness) -> list[dict[str, object]]:
    return list(h.db["journal"].rows_where("kind = 'outcome'", order_by="id"))


def test_a_failed_relationship_write_takes_the_outcome_with_it(state_where: str) -> None:
    db = state(state_where)
    follow = action("alpha", Verb.FOLLOW, 1)
    if state_where.startswith("postgresql:"):  # the same failing write, in PL/pgSQL
        db.conn.raw.execute(
            "create function no_rel() returns trigger language plpgsql as $$ begin "
            "raise exception 'disk full' using errcode = 'check_violation'; end $$"
        )
        db.conn.raw.execute(
            "create trigger no_rel before insert on relationships "
            "for each row execute function no_rel()"
        )
    else:
        db.conn.execute(
            "create trigger no_rel before insert on relationships "
            "begin select raise(abort, 'disk full'); end"
        )
    done = Outcome("done", request_id="r-1", remote_ref="ref-1")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        journal.record_finish(db, "p_1", follow, done, attempt=1, now=NOW)
    assert db["journal"].count == 0  # no done outcome without its relationship
    db.conn.execute(
        "drop trigger no_rel"
        + (" on relationships" if state_where.startswith("postgresql:") else "")
    )
    journal.record_finish(db, "p_1", follow, done, attempt=1, now=NOW)
    row = next(iter(db["relationships"].rows))
    assert (row["target_id"], row["origin"], row["request_id"]) == ("u1", "socialseed", "r-1")
    assert [r["status"] for r in db["journal"].rows] == ["done"]


def test_an_unfollow_then_a_new_follow_keep_the_newest_request_id(state_where: str) -> None:
    db = state(state_where)
    follow, unfollow = action("alpha", Verb.FOLLOW, 1), action("alpha", Verb.UNFOLLOW, 1)
    journal.record_finish(db, "p_1", follow, Outcome("done", request_id="r-1"), attempt=1, now=NOW)
    later = NOW + timedelta(days=3)
    journal.record_finish(db, "p_2", unfollow, Outcome("done"), attempt=1, now=later)
    assert next(iter(db["relationships"].rows))["unfollowed_at"] == "2026-11-28T09:00:00Z"
    again = NOW + timedelta(days=5)
    journal.record_finish(
        db, "p_3", follow, Outcome("done", request_id="r-3"), attempt=1, now=again
    )
    row = next(iter(db["relationships"].rows))
    assert (row["unfollowed_at"], row["since"], row["request_id"]) == (
        None,
        "2026-11-30T09:00:00Z",
        "r-3",
    )


async def test_an_action_tried_by_another_plan_is_checked_before_it_is_sent(
    state_where: str,
) -> None:
    cfg = config(("alpha",))
    first = action("alpha", Verb.FOLLOW, 1)
    db = state(state_where)
    # yesterday's plan called the platform for the same follow and was killed before the answer
    journal.record_intent(db, "p_yesterday", first, attempt=1, now=NOW - timedelta(days=1))
    plan = plan_for(cfg, [first, action("alpha", Verb.FOLLOW, 2)])
    approve(db, plan, plan.actions)
    h = Harness(db, cfg, plan)
    h.world.effects.add(("alpha", "follow", first.target.key))
    report = await h.run()
    assert report.exit_code == 0
    assert h.world.verifies == [first.id]  # checked first, and only that one
    assert [c[2] for c in h.world.calls] == [plan.actions[1].target.key]  # not sent again
    assert [r["status"] for r in outcomes(h)] == ["done", "done"]

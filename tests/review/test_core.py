"""The review core: the walk, the decisions it writes, the rules it enforces.

Each test runs on both state backends (SQLite, PostgreSQL: the ``state_where`` fixture).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlite_utils import Database

from socialseed.clock import FakeClock
from socialseed.errors import ApprovalError, StalePlanError
from socialseed.model import Decision, Risk, Verb
from socialseed.model.plan import Plan
from socialseed.review import (
    ReviewSession,
    freshness_guard,
    gate_for,
    platform_gates,
    walk,
)
from socialseed.state.accounts import bump_serial
from socialseed.state.decisions import POLICY_REVIEWER, record_decision
from socialseed.state.plans import record_plan
from tests.review.conftest import ScriptedPrompter
from tests.review.factory import NOW, action, make_plan

pytestmark = pytest.mark.usefixtures("packs")


@pytest.fixture
def db(state_where: str) -> Database:
    """The review tests' state, on each backend in turn."""
    from socialseed.state.db import open_state

    return open_state(state_where, now=NOW)  # type: ignore[return-value]


def _rows(db: Database) -> list[dict[str, object]]:
    return list(db.table("decisions").rows_where(order_by="id"))


def _session(db: Database, plan: Plan, clock: FakeClock, digest: str) -> ReviewSession:
    record_plan(db, plan)
    return ReviewSession(
        db,
        plan,
        clock=clock,
        reviewer="ana@example.com",
        approval_ttl=timedelta(hours=2),
        gate=platform_gates(None),
        check=freshness_guard(db, plan, config_sha256=digest),
    )


@pytest.fixture
def three(digest: str) -> Plan:
    return make_plan(
        [action("alice.film"), action("bob.film"), action("cy.film")], config_sha256=digest
    )


def test_approve_reject_with_reason_then_quit_records_each_at_once(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    prompter = ScriptedPrompter(keys=["a", "r", "q"], reasons=["looks like a bot"])

    result = walk(session, prompter)

    rows = _rows(db)
    assert [(r["action_id"], r["verdict"], r["reason"]) for r in rows] == [
        (three.actions[0].id, "approve", ""),
        (three.actions[1].id, "reject", "looks like a bot"),
    ]
    assert rows[0]["reviewer"] == "ana@example.com"
    assert rows[0]["decided_at"] == "2026-11-25T18:00:00Z"
    assert rows[0]["expires_at"] == "2026-11-25T20:00:00Z"
    assert rows[0]["override"] == 0
    assert (result.recorded, result.finished, result.interrupted) == (2, False, False)
    assert str(result.progress) == "2/3 reviewed, 1 approved, 1 rejected, 1 pending"


def test_resume_shows_only_what_is_still_pending(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    walk(_session(db, three, clock, digest), ScriptedPrompter(keys=["a", "q"]))

    prompter = ScriptedPrompter(keys=["a", "a"])
    result = walk(_session(db, three, clock, digest), prompter)

    assert [c.action.id for c in prompter.shown] == [a.id for a in three.actions[1:]]
    assert prompter.shown[0].position == 1 and prompter.shown[0].count == 2
    assert result.finished and result.progress.pending == 0
    assert len(_rows(db)) == 3


def test_skip_back_details_help_and_unknown_keys_record_nothing(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    prompter = ScriptedPrompter(keys=["s", "b", "d", "?", "x", "b", "b", "q"])

    walk(_session(db, three, clock, digest), prompter)

    assert _rows(db) == []
    first, second = three.actions[0].id, three.actions[1].id
    assert [c.action.id for c in prompter.shown] == [first, second, first]
    assert prompter.detailed == [three.actions[0].id]
    assert any("a approve" in s for s in prompter.said)
    assert "unknown key 'x': nothing recorded; press ? for help" in prompter.said
    assert "this is the first action" in prompter.said


def test_back_then_change_of_mind_supersedes_the_earlier_decision(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    walk(session, ScriptedPrompter(keys=["a", "b", "r", "q"], reasons=[""]))

    assert [r["verdict"] for r in _rows(db)] == ["approve", "reject"]
    assert session.live(three.actions[0].id) is not None
    assert session.live(three.actions[0].id).verdict == "reject"  # type: ignore[union-attr]


@pytest.mark.parametrize("leave", ["^C", None])
def test_ctrl_c_and_eof_quit_keeping_what_was_recorded(
    db: Database, clock: FakeClock, digest: str, three: Plan, leave: str | None
) -> None:
    keys = ["a"] + ([leave] if leave else [])
    result = walk(_session(db, three, clock, digest), ScriptedPrompter(keys=keys))

    assert len(_rows(db)) == 1
    assert result.interrupted is (leave == "^C")
    assert not result.finished


def test_ctrl_c_at_the_reason_prompt_records_nothing_for_that_action(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    prompter = ScriptedPrompter(keys=["a", "r"])  # no reasons: the reason prompt gets EOF
    walk(_session(db, three, clock, digest), prompter)
    assert [r["verdict"] for r in _rows(db)] == ["approve"]


def test_red_needs_override_and_a_reason_which_are_recorded(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan([action("risky.one", risk=Risk.RED)], config_sha256=digest)
    prompter = ScriptedPrompter(keys=["a", "q"])
    walk(_session(db, plan, clock, digest), prompter)
    assert _rows(db) == []
    assert "red actions are approved only with an explicit override" in prompter.said[0]
    assert "new account, few posts" in prompter.said[0]

    prompter = ScriptedPrompter(keys=["a", "a"], reasons=["", "I know this person"])
    walk(_session(db, plan, clock, digest), prompter, override=True)
    assert "an override needs a reason; nothing recorded" in prompter.said
    [row] = _rows(db)
    assert (row["verdict"], row["override"], row["reason"]) == ("approve", 1, "I know this person")


def test_g_approves_remaining_green_only_where_the_pack_allows(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan(
        [
            action("a.sand"),
            action("b.sand", risk=Risk.YELLOW),
            action("c.sand"),
            action("d.bsky", account="bsky", platform="bluesky", requires_human=True),
            action("e.bsky", Verb.UNFOLLOW, account="bsky", platform="bluesky"),
        ],
        config_sha256=digest,
    )
    prompter = ScriptedPrompter(keys=["g", "y", "q"])
    walk(_session(db, plan, clock, digest), prompter)

    approved = {r["action_id"] for r in _rows(db)}
    expected = {a.id for a in plan.actions if a.target.handle in {"a.sand", "c.sand", "e.bsky"}}
    assert approved == expected
    assert "approved 3 green actions" in prompter.said
    # plans sort by account: the bluesky follow (needs a person) stays the current card
    assert [c.action.target.handle for c in prompter.shown] == ["d.bsky"]


def test_g_is_refused_with_the_rule_when_every_green_needs_a_person(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan(
        [action("d.bsky", account="bsky", platform="bluesky", requires_human=True)],
        config_sha256=digest,
    )
    prompter = ScriptedPrompter(keys=["g", "q"])
    walk(_session(db, plan, clock, digest), prompter)
    assert _rows(db) == []
    assert "marks follow as requires_human" in prompter.said[0]


def test_g_answered_no_records_nothing(db: Database, clock: FakeClock, digest: str) -> None:
    plan = make_plan([action("a.sand"), action("c.sand")], config_sha256=digest)
    prompter = ScriptedPrompter(keys=["g", "n", "q"])
    walk(_session(db, plan, clock, digest), prompter)
    assert _rows(db) == []


def test_missing_platform_module_treats_outbound_verbs_as_requires_human(
    digest: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialseed.platforms import registry

    monkeypatch.setitem(registry.MODULES, "sandbox", "tests.review.no_such_module")
    gate = platform_gates(None)
    follow = gate(action("x.sand"))
    unfollow = gate(action("y.sand", Verb.UNFOLLOW))
    assert follow.requires_human and not follow.bulk_ok
    assert "policy pack is not available" in follow.rule
    assert not unfollow.requires_human and not unfollow.bulk_ok
    assert gate_for(action("z", requires_human=True), None).requires_human


def test_expired_decisions_make_an_action_pending_again(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    session.approve(three.actions[0])
    assert three.actions[0] not in session.pending()

    clock.advance(2 * 3600)  # approval_ttl is 2h
    assert three.actions[0] in session.pending()
    prompter = ScriptedPrompter(keys=["q"])
    walk(session, prompter)
    assert prompter.shown[0].decision is not None  # shown with its expired decision


def test_policy_approvals_count_as_reviewed_and_are_not_walked(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan(
        [
            action("a.sand", auto_approved=True),
            action("b.sand"),
            action("c.sand", auto_approved=True),
        ],
        config_sha256=digest,
    )
    record_plan(db, plan)
    record_decision(  # what 'socialseed plan' records for policy.auto_approve
        db,
        Decision(
            plan.id,
            plan.actions[0].id,
            "approve",
            POLICY_REVIEWER,
            NOW,
            expires_at=NOW + timedelta(hours=2),
        ),
    )
    session = _session(db, plan, clock, digest)
    # c.sand: marked auto-approved, but no policy approval here (a plan file from elsewhere)
    assert session.pending() == [plan.actions[1], plan.actions[2]]
    assert str(session.progress()) == (
        "1/3 reviewed, 1 approved (1 by policy), 0 rejected, 2 pending"
    )


def test_ids_resolve_by_unique_prefix(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    full = three.actions[1].id
    assert session.resolve(full[:8]) is three.actions[1]
    assert session.resolve(full[2:9]) is three.actions[1]  # without the a_
    with pytest.raises(ApprovalError, match="no action 'zzz'"):
        session.resolve("zzz")
    with pytest.raises(ApprovalError, match="ambiguous"):
        session.resolve("a_")


def test_decide_checks_everything_before_recording_anything(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan([action("ok.one"), action("red.one", risk=Risk.RED)], config_sha256=digest)
    session = _session(db, plan, clock, digest)
    with pytest.raises(ApprovalError, match="is red"):
        session.decide(approve=[plan.actions[0].id, plan.actions[1].id])
    with pytest.raises(ApprovalError, match="approve and reject the same action"):
        session.decide(approve=[plan.actions[0].id], reject=[plan.actions[0].id[:9]])
    assert _rows(db) == []


def test_approve_up_to_yellow_never_touches_red(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan(
        [action("g.one"), action("y.one", risk=Risk.YELLOW), action("r.one", risk=Risk.RED)],
        config_sha256=digest,
    )
    session = _session(db, plan, clock, digest)
    result = session.approve_up_to(Risk.YELLOW)
    assert {d.action_id for d in result.approved} == {plan.actions[0].id, plan.actions[1].id}
    with pytest.raises(ApprovalError, match="never approved in bulk"):
        session.approve_up_to(Risk.RED)


def test_stale_plan_refuses_decisions_mid_walk(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    session.approve(three.actions[0])
    bump_serial(db, "studio", plan_id="p_other", reason="apply", now=NOW)

    with pytest.raises(StalePlanError, match=r"account studio's state moved .*serial 0 -> 1"):
        walk(session, ScriptedPrompter(keys=["a"]))
    assert len(_rows(db)) == 1


def test_own_plan_serial_moves_do_not_make_it_stale(
    db: Database, clock: FakeClock, digest: str, three: Plan
) -> None:
    session = _session(db, three, clock, digest)
    bump_serial(db, "studio", plan_id=three.id, reason="apply", now=NOW)
    session.approve(three.actions[0])
    assert len(_rows(db)) == 1


def test_expired_and_changed_config_are_both_reported(
    db: Database, clock: FakeClock, digest: str
) -> None:
    plan = make_plan([action("a.one")], config_sha256=digest, created_at=NOW - timedelta(days=2))
    record_plan(db, plan)
    check = freshness_guard(db, plan, config_sha256="f" * 64)
    with pytest.raises(StalePlanError) as caught:
        check(clock.now())
    text = str(caught.value)
    assert "the plan expired at 2026-11-24T18:00:00Z" in text
    assert f"plan made with {digest[:12]}, config is now ffffffffffff" in text
    assert "hint: make a fresh plan with 'socialseed plan -o plan.json'" in text
    assert caught.value.exit_code == 5


def test_g_moves_on_to_the_next_pending_action(db: Database, clock: FakeClock, digest: str) -> None:
    plan = make_plan(
        [action("a.sand"), action("b.sand", risk=Risk.YELLOW), action("c.sand")],
        config_sha256=digest,
    )
    prompter = ScriptedPrompter(keys=["g", "y", "q"])
    walk(_session(db, plan, clock, digest), prompter)
    assert len(_rows(db)) == 2
    assert [c.action.target.handle for c in prompter.shown] == ["a.sand", "b.sand"]
    assert prompter.shown[-1].progress.approved == 2

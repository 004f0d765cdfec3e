"""apply --replan-if-stale's split (``apply.replan.intersect``): what of a stale reviewed plan
still runs, and the reason given for every approved action that does not."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from socialseed.apply.replan import NOT_REVIEWED, Dropped, intersect
from socialseed.model import Decision, Risk, Verb
from tests.apply.fakes import NOW, action, config, plan_for

CFG = config(("alpha", "beta"))
A1, A2, A3, A4 = (action("alpha", Verb.FOLLOW, n) for n in range(1, 5))
B1 = action("beta", Verb.FOLLOW, 1)
REVIEWED = plan_for(CFG, [A1, A2, A3, A4, B1])


def approved(*ids: str, ttl: timedelta = timedelta(hours=24)) -> dict[str, Decision]:
    return {
        i: Decision(REVIEWED.id, i, "approve", "ada@example.com", NOW, expires_at=NOW + ttl)
        for i in ids
    }


def test_only_approved_actions_in_both_plans_unchanged_run() -> None:
    fresh = plan_for(CFG, [A1, A3, B1, action("alpha", Verb.FOLLOW, 9)])
    found = intersect(REVIEWED, fresh, approved(A1.id, A2.id, B1.id), NOW)
    assert found.keep == (A1.id, B1.id)  # A3 is in both but nobody approved it: not run
    assert found.dropped == (
        Dropped(
            A2.id,
            "alpha",
            "follow",
            "user2.test",
            "not in the fresh plan: against the current config and state it is no longer "
            "proposed (over today's cap, filtered out, blocklisted or rejected)",
        ),
    )
    new = action("alpha", Verb.FOLLOW, 9)
    assert found.not_reviewed == (Dropped(new.id, "alpha", "follow", "user9.test", NOT_REVIEWED),)


def test_a_changed_risk_an_expired_approval_and_a_removed_account_are_dropped() -> None:
    riskier = dataclasses.replace(A1, risk=Risk.YELLOW)
    needs_person = dataclasses.replace(A3, requires_human=False)
    fresh = plan_for(CFG, [riskier, A2, needs_person])  # beta is no longer planned
    decisions = approved(A1.id, A3.id, B1.id) | approved(A2.id, ttl=timedelta(minutes=5))
    later = NOW + timedelta(hours=1)
    found = intersect(REVIEWED, fresh, decisions, later)
    assert found.keep == ()
    reasons = {d.action_id: d.reason for d in found.dropped}
    assert reasons == {
        A1.id: "changed since the review (risk green -> yellow): review the fresh plan",
        A2.id: "its approval by ada@example.com expired (2026-11-25T09:05:00Z): review it again",
        A3.id: "changed since the review (it no longer needs a person's approval): review the "
        "fresh plan",
        B1.id: "account beta is not in the fresh plan (removed from the config, or disabled)",
    }
    unplanned = {"beta": "no credentials are connected for account 'beta'"}
    found = intersect(REVIEWED, fresh, decisions, later, unplanned=unplanned)
    assert {d.action_id: d.reason for d in found.dropped}[B1.id] == (
        "account beta could not be planned now: no credentials are connected for account 'beta'"
    )


def test_an_action_another_plan_carried_out_says_so() -> None:
    fresh = plan_for(CFG, [A2])
    found = intersect(REVIEWED, fresh, approved(A1.id, A2.id), NOW, frozenset({A1.id}))
    assert found.keep == (A2.id,)
    assert [(d.action_id, d.reason) for d in found.dropped] == [
        (A1.id, "already carried out by another plan's apply (the journal has it)")
    ]


def test_a_rejected_action_is_neither_run_nor_reported_dropped() -> None:
    rejected = {A1.id: Decision(REVIEWED.id, A1.id, "reject", "ada@example.com", NOW, reason="no")}
    found = intersect(REVIEWED, plan_for(CFG, [A1]), rejected, NOW)
    assert found.keep == () and found.dropped == () and found.not_reviewed == ()

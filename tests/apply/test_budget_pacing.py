"""Shared platform budgets in the pacer: costs per verb, rolling windows, the tightest budget,
and how long past a platform's reset apply waits."""

from __future__ import annotations

from datetime import timedelta

from socialseed.apply import pacing
from socialseed.model import Budget, RateInfo, Verb

from .fakes import NOW

POINTS = Budget("write points per hour", 10, 3600, {Verb.FOLLOW: 3, Verb.UNFOLLOW: 1})
STATUSES = Budget("statuses", 2, 600, {Verb.REPLY: 1, Verb.REPOST: 1})


def test_a_shared_budget_charges_each_verb_its_cost() -> None:
    done = {"follow": [NOW - timedelta(minutes=50), NOW - timedelta(minutes=40)]}  # 6 points
    done["unfollow"] = [NOW - timedelta(minutes=30)] * 3  # 3 points: 9 of 10 spent
    pacer = pacing.Pacer(pacing.Caps(budgets=(POINTS,)), done)
    assert pacer.wait_for("unfollow", NOW) is None  # 1 more point fits
    wait = pacer.wait_for("follow", NOW)
    # 3 more points fit once the first follow (3 points) leaves the hour
    assert wait is not None and wait.until == NOW + timedelta(minutes=10)
    assert wait.reason == (
        "platform budget 'write points per hour' (10 per 3600 s, follow costs 3) spent"
    )
    assert pacer.wait_for("like", NOW) is None  # likes do not draw from it


def test_verbs_sharing_a_budget_hold_each_other_back() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(STATUSES,)))
    pacer.record("reply", NOW - timedelta(minutes=5))
    pacer.record("repost", NOW - timedelta(minutes=1))
    wait = pacer.wait_for("reply", NOW)
    assert wait is not None and wait.until == NOW + timedelta(minutes=5)
    assert pacer.wait_for("repost", NOW + timedelta(minutes=5)) is None


def test_only_writes_that_changed_something_spend_the_budget() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(STATUSES,)))
    pacer.record("reply", NOW, wrote=False)  # "already": the platform wrote nothing
    pacer.record("reply", NOW, wrote=False)
    assert pacer.wait_for("reply", NOW) is None
    assert pacer.done["reply"] == [NOW, NOW]  # still counted by the phase caps


def test_a_cost_above_the_whole_budget_never_fits() -> None:
    tiny = Budget("tiny", 2, 60, {Verb.FOLLOW: 3})
    wait = pacing.Pacer(pacing.Caps(budgets=(tiny,))).wait_for("follow", NOW)
    assert wait is not None and wait.until >= NOW + timedelta(days=3000)


def test_standing_totals_are_left_to_the_planner() -> None:
    total = Budget("accounts followed", 1, 0, {Verb.FOLLOW: 1})
    pacer = pacing.Pacer(pacing.Caps(budgets=(total,)), {"follow": [NOW - timedelta(days=1)]})
    assert pacer.wait_for("follow", NOW) is None


def test_tightest_names_the_budget_with_the_fewest_actions_left() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(POINTS, STATUSES)))
    pacer.record("follow", NOW - timedelta(minutes=1))
    assert pacer.tightest("follow", NOW) == (POINTS, 2)  # 7 points left: two follows
    assert pacer.tightest("unfollow", NOW) == (POINTS, 7)
    assert pacer.tightest("like", NOW) is None


def test_out_of_order_history_is_charged_in_time_order() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(STATUSES,)))
    pacer.record("reply", NOW - timedelta(minutes=1))
    pacer.record("repost", NOW - timedelta(minutes=9))  # older, recorded later
    wait = pacer.wait_for("reply", NOW)
    assert wait is not None and wait.until == NOW + timedelta(minutes=1)


def test_schedule_spreads_a_shared_budget_over_its_window() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(STATUSES,)))
    steps = [("a1", "reply"), ("a2", "repost"), ("a3", "reply"), ("a4", "like")]
    slots = pacing.schedule(steps, pacer, start=NOW, deadline=NOW + timedelta(hours=1))
    assert [s.at for s in slots] == [
        NOW,
        NOW,
        NOW + timedelta(minutes=10),
        NOW + timedelta(minutes=10),
    ]


def test_the_wait_past_a_reset_is_the_margin_the_reading_allows() -> None:
    reset = NOW + timedelta(seconds=30)
    rounded = RateInfo(60, 0, reset, "account")  # a whole-second header: a second of slack
    pinned = RateInfo(60, 0, reset, "account", margin=0.1)  # our clock knows the window
    slack = pacing.rate_wait({"account": rounded}, NOW)
    tight = pacing.rate_wait({"account": pinned}, NOW)
    assert slack is not None and slack.until == reset + timedelta(seconds=1)
    assert tight is not None and tight.until == reset + timedelta(seconds=0.1)


REQUESTS = Budget("requests", 5, 300, {Verb.LIKE: 1, Verb.REPLY: 2}, per_request=True)


def test_a_budget_of_requests_is_charged_the_requests_really_sent() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(REQUESTS, STATUSES)))
    pacer.sent(2, NOW)  # a reply's thread read and "who am I", before the post
    pacer.sent(1, NOW)  # the post
    pacer.record("reply", NOW, counted=True)  # its expected 2 are not charged again
    assert pacer.wait_for("like", NOW) is None  # 3 of 5 spent: a like fits
    assert pacer.wait_for("reply", NOW) is None  # so do a reply's 2 requests
    pacer.sent(1, NOW)  # that reply's read: 4 of 5
    wait = pacer.wait_for("reply", NOW)  # a new reply needs 2 more
    assert wait is not None and wait.until == NOW + timedelta(minutes=5)
    assert pacer.wait_for("reply", NOW, already=1) is None  # its post alone: 1 fits
    assert pacer.tightest("repost", NOW) == (STATUSES, 1)  # the other budgets charge verbs


def test_from_the_journal_a_budget_of_requests_charges_each_verb_its_expected_cost() -> None:
    pacer = pacing.Pacer(pacing.Caps(budgets=(REQUESTS,)), {"reply": [NOW - timedelta(minutes=1)]})
    pacer.record("like", NOW)  # uncounted platform: the expected cost
    assert pacer.tightest("like", NOW) == (REQUESTS, 2)

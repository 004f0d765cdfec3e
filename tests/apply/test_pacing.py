"""Pacing is pure: caps from the phase and the platform, rate answers, backoff."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from socialseed.apply import pacing
from socialseed.model import Budget, HardCap, RateInfo, Verb

from .fakes import NOW


def test_no_caps_no_wait() -> None:
    assert pacing.Pacer(pacing.Caps()).wait_for("follow", NOW) is None


def test_rolling_hour_waits_for_the_oldest_to_leave() -> None:
    done = {"follow": [NOW - timedelta(minutes=50), NOW - timedelta(minutes=10)]}
    pacer = pacing.Pacer(pacing.Caps(hourly={"follow": 2}), done)
    wait = pacer.wait_for("follow", NOW)
    assert wait is not None and wait.until == NOW + timedelta(minutes=10)
    assert wait.reason == "hourly follow cap (2) reached"
    assert pacer.wait_for("like", NOW) is None


def test_daily_cap_waits_for_utc_midnight() -> None:
    pacer = pacing.Pacer(pacing.Caps(daily={"like": 1}), {"like": [NOW - timedelta(hours=1)]})
    wait = pacer.wait_for("like", NOW)
    assert wait is not None and pacing.iso(wait.until) == "2026-11-26T00:00:00Z"
    # yesterday's likes do not count
    old = pacing.Pacer(pacing.Caps(daily={"like": 1}), {"like": [NOW - timedelta(days=1)]})
    assert old.wait_for("like", NOW) is None


def test_a_phase_allows_only_the_verbs_it_lists() -> None:
    pacer = pacing.Pacer(pacing.Caps(daily={"follow": 5}, phase="warmup"))
    wait = pacer.wait_for("unfollow", NOW)
    assert wait is not None and wait.reason == "phase warmup allows no unfollow"
    assert wait.until > NOW + timedelta(days=365)


def test_platform_hard_caps_are_rolling_windows() -> None:
    cap = HardCap(Verb.FOLLOW, limit=1, window_seconds=600)
    pacer = pacing.Pacer(pacing.Caps(hard=(cap,)), {"follow": [NOW - timedelta(seconds=100)]})
    wait = pacer.wait_for("follow", NOW)
    assert wait is not None and wait.until == NOW + timedelta(seconds=500)


def test_rate_answers_hold_back_their_buckets() -> None:
    spent = RateInfo(limit=50, remaining=0, reset_at=NOW + timedelta(seconds=60), bucket="likes")
    wait = pacing.rate_wait({"likes": spent}, NOW)
    assert wait is not None and wait.until == NOW + timedelta(seconds=61)
    assert "(likes) used up until 2026-11-25T09:01:00Z" in wait.reason
    assert pacing.rate_wait({"likes": spent}, NOW, only={"follows"}) is None
    assert pacing.rate_wait({"likes": spent}, NOW, only={"likes"}) is not None
    left = RateInfo(limit=50, remaining=3, reset_at=NOW + timedelta(seconds=60))
    assert pacing.rate_wait({"follows": left}, NOW) is None
    past = RateInfo(limit=50, remaining=0, reset_at=NOW - timedelta(seconds=1))
    assert pacing.rate_wait({"follows": past}, NOW) is None


def test_backoff_grows_and_jitters_within_bounds() -> None:
    rng = random.Random(3)
    delays = [pacing.backoff(n, rng) for n in (1, 2, 3, 4)]
    for n, delay in zip((1, 2, 3, 4), delays, strict=True):
        nominal = 2.0 * 2 ** (n - 1)
        assert 0.5 * nominal <= delay <= 1.5 * nominal
    assert pacing.backoff(20, rng) <= 450.0  # capped
    assert pacing.backoff(1, random.Random(3)) == delays[0]  # seeded: reproducible


def test_schedule_spaces_actions_and_skips_past_the_deadline() -> None:
    pacer = pacing.Pacer(pacing.Caps(hourly={"follow": 1}))
    steps = [("a1", "follow"), ("a2", "like"), ("a3", "follow"), ("a4", "follow")]
    slots = pacing.schedule(steps, pacer, start=NOW, deadline=NOW + timedelta(minutes=90))
    assert [s.at for s in slots] == [NOW, NOW, NOW + timedelta(hours=1), None]
    assert slots[3].reason.startswith("would wait past 2026-11-25T10:30:00Z")
    assert pacer.done == {}  # the caller's pacer is untouched


_CAPS = pacing.Caps(
    daily={"follow": 6, "unfollow": 9, "like": 20},
    hourly={"follow": 4},
    hard=(HardCap(Verb.FOLLOW, limit=3, window_seconds=900),),
    budgets=(Budget("points", 10, 3600, {Verb.FOLLOW: 3, Verb.UNFOLLOW: 1}),),
)
_STEP = st.one_of(
    st.tuples(st.just("advance"), st.integers(min_value=-3600, max_value=4 * 3600), st.just(True)),
    st.tuples(st.just("record"), st.sampled_from(["follow", "unfollow", "like"]), st.booleans()),
    st.tuples(st.just("ask"), st.sampled_from(["follow", "unfollow", "like"]), st.just(True)),
)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(_STEP, max_size=60))
def test_a_pacer_that_kept_count_answers_as_one_counting_afresh(
    steps: list[tuple[str, object, object]],
) -> None:
    """The room a pacer keeps between calls (``Pacer._free``) never lets through what a pacer
    built from the same history would hold back, across shared budgets, other verbs' records,
    day boundaries and a clock that steps back."""
    pacer = pacing.Pacer(_CAPS)
    now = NOW
    for kind, what, flag in steps:
        if kind == "advance":
            now += timedelta(seconds=int(str(what)))
            continue
        verb = str(what)
        if kind == "record":
            pacer.record(verb, now, wrote=bool(flag))
            continue
        fresh = pacing.Pacer(_CAPS, pacer.done, pacer.written)
        assert pacer.wait_for(verb, now) == fresh.wait_for(verb, now)

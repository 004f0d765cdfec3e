"""A whole-second reset hides up to a second; when our own call opened the window, our clock
pins the end down, never earlier than the header says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialseed.clock import FakeClock
from socialseed.errors import RateLimited
from socialseed.model import RateInfo
from socialseed.platforms.http import ApiSession, Endpoint, header_rate, iso_or_epoch_reset
from socialseed.platforms.rate_window import OWN_MARGIN, Opening, length_bounds, narrow, refine

T0 = datetime(2026, 11, 25, 18, 0, 0, 400_000, tzinfo=UTC)  # the window opened at .4 s
RESET = datetime(2026, 11, 25, 18, 0, 30, tzinfo=UTC)  # 30.4 s, rounded down by the server


def info(remaining: int, reset: datetime = RESET) -> RateInfo:
    return RateInfo(60, remaining, reset, "account")


def test_a_window_we_opened_ends_at_our_answer_plus_its_length() -> None:
    opening = Opening(T0 - timedelta(milliseconds=2), T0 + timedelta(milliseconds=3), RESET)
    refined = refine(info(0), opening, length_bounds(opening))
    assert refined.reset_at == T0 + timedelta(seconds=30, milliseconds=3)  # not RESET + 1 s
    assert refined.margin == OWN_MARGIN
    assert refined.reset_at is not None and refined.reset_at >= T0 + timedelta(seconds=30)


def test_no_refinement_without_an_opening_of_this_window_or_with_an_exact_reset() -> None:
    assert refine(info(0), None, (30, 30)).margin is None
    other_window = Opening(T0, T0, RESET - timedelta(seconds=30))
    assert refine(info(0), other_window, (30, 30)) == info(0)
    exact = RESET + timedelta(microseconds=19_685)  # Mastodon's ISO 8601 resets are exact
    opening = Opening(T0, T0, exact)
    assert length_bounds(opening) is None
    assert refine(info(0, exact), opening, (30, 30)) == info(0, exact)


def test_an_epoch_aligned_window_is_never_ended_before_its_reset() -> None:
    # the window began at :00 (before our call at :00.4) and ends exactly at :30
    opening = Opening(T0, T0 + timedelta(milliseconds=5), RESET)
    refined = refine(info(0), opening, length_bounds(opening))
    assert refined.reset_at is not None and RESET <= refined.reset_at < RESET + timedelta(seconds=1)


def test_successive_windows_narrow_the_length_down() -> None:
    # a slow call (0.9 s in flight, across a second boundary) allows 30 or 31 s on its own
    wide = length_bounds(Opening(T0 - timedelta(seconds=0.7), T0 + timedelta(seconds=0.2), RESET))
    assert wide == (30, 31)
    quick = length_bounds(Opening(T0, T0 + timedelta(milliseconds=5), RESET))
    assert quick == (30, 30)
    assert narrow(wide, quick) == (30, 30)
    assert narrow(None, wide) == wide and narrow(wide, None) == wide
    assert narrow((30, 30), (45, 46)) == (45, 46)  # the window changed: start over
    later = Opening(T0 - timedelta(seconds=0.7), T0 + timedelta(seconds=0.2), RESET)
    pinned = refine(info(0), later, narrow(wide, quick))
    assert pinned.reset_at == later.received + timedelta(seconds=30)
    assert refine(info(0), later, wide) == info(0)  # 31 s would end past reset + 1 s


def answers(*replies: httpx.Response) -> httpx.MockTransport:
    queue = list(replies)
    return httpx.MockTransport(lambda request: queue.pop(0))


def headers(remaining: int, reset: datetime = RESET) -> dict[str, str]:
    return {
        "x-ratelimit-limit": "60",
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(int(reset.timestamp())),
    }


def session(transport: httpx.MockTransport, clock: FakeClock) -> ApiSession:
    reset = iso_or_epoch_reset("x-ratelimit-reset")
    return ApiSession(
        platform="mastodon",
        client=httpx.AsyncClient(base_url="https://m.example", transport=transport),
        endpoints={"follow": Endpoint("POST", "/follow")},
        clock=clock,
        reset_reader=reset,
        rate_reader=header_rate("x-ratelimit-", reset),
        shared_bucket="account",
    )


async def test_the_session_remembers_the_call_that_opened_the_window() -> None:
    clock = FakeClock(T0)
    api = session(
        answers(
            httpx.Response(200, json={}, headers=headers(59)),
            httpx.Response(200, json={}, headers=headers(0)),
        ),
        clock,
    )
    await api.call("follow")
    clock.advance(1)
    await api.call("follow")
    spent = api.last_rate["account"]
    assert (spent.remaining, spent.reset_at, spent.margin) == (
        0,
        T0 + timedelta(seconds=30),
        OWN_MARGIN,
    )


async def test_a_429_turns_the_inference_off_for_the_bucket() -> None:
    clock = FakeClock(T0)
    too_many = httpx.Response(429, json={"error": "Too many requests"}, headers=headers(0))
    api = session(
        answers(
            httpx.Response(200, json={}, headers=headers(59)),
            too_many,
            httpx.Response(200, json={}, headers=headers(59, RESET + timedelta(seconds=30))),
        ),
        clock,
    )
    await api.call("follow")
    with pytest.raises(RateLimited):
        await api.call("follow")
    assert api.last_rate["account"].margin is None
    clock.advance(31)
    await api.call("follow")
    assert api.last_rate["account"].margin is None  # no longer trusted

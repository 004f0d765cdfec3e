"""What each platform says about its limits, read on every answer: ``Retry-After`` (seconds
and HTTP date), Instagram's usage headers, X's monthly ``usage-capped`` 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialseed.errors import RateLimited, UsageCapped
from socialseed.model import Verb
from socialseed.platforms import _instagram_api, bluesky
from tests.adapters import test_instagram as ig
from tests.adapters import test_mastodon as masto
from tests.adapters import test_x as xt
from tests.adapters.harness import NOW, Reply, Server, account, deps, fixture

# --- Retry-After ----------------------------------------------------------------------------


async def test_retry_after_in_seconds_sets_the_reset_when_no_reset_header_came() -> None:
    srv = masto.server().on(
        "follow", Reply(429, fixture("mastodon", "error_429"), {"retry-after": "120"})
    )
    with pytest.raises(RateLimited) as err:
        await masto.make(srv).execute(masto.act(Verb.FOLLOW, masto.ALICE))
    assert err.value.reset_at == NOW + timedelta(seconds=120)


async def test_retry_after_as_an_http_date() -> None:
    headers = {"retry-after": "Wed, 25 Nov 2026 18:07:30 GMT"}
    srv = masto.server().on("follow", Reply(429, fixture("mastodon", "error_429"), headers))
    with pytest.raises(RateLimited) as err:
        await masto.make(srv).execute(masto.act(Verb.FOLLOW, masto.ALICE))
    assert err.value.reset_at == datetime(2026, 11, 25, 18, 7, 30, tzinfo=UTC)


async def test_the_later_of_retry_after_and_the_reset_header_wins() -> None:
    later_header = {"x-ratelimit-reset": "2026-11-25T18:10:00Z", "retry-after": "60"}
    later_retry = {"x-ratelimit-reset": "2026-11-25T18:00:30Z", "retry-after": "300"}
    srv = masto.server().on(
        "follow",
        Reply(429, fixture("mastodon", "error_429"), later_header),
        Reply(429, fixture("mastodon", "error_429"), later_retry),
    )
    platform = masto.make(srv)
    with pytest.raises(RateLimited) as first:
        await platform.execute(masto.act(Verb.FOLLOW, masto.ALICE))
    with pytest.raises(RateLimited) as second:
        await platform.execute(masto.act(Verb.FOLLOW, masto.ALICE))
    assert first.value.reset_at == datetime(2026, 11, 25, 18, 10, tzinfo=UTC)
    assert second.value.reset_at == NOW + timedelta(seconds=300)


async def test_a_429_naming_no_reset_waits_a_minute_and_junk_retry_after_is_ignored() -> None:
    srv = masto.server().on(
        "follow", Reply(429, fixture("mastodon", "error_429"), {"retry-after": "soon"})
    )
    with pytest.raises(RateLimited) as err:
        await masto.make(srv).execute(masto.act(Verb.FOLLOW, masto.ALICE))
    assert err.value.reset_at == NOW + timedelta(seconds=60)


async def test_bluesky_retry_after_on_a_429() -> None:
    srv = Server(bluesky.ENDPOINTS, "bsky.social")
    body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    srv.on("get_profile", Reply(429, body, {"retry-after": "42"}))
    platform = bluesky.build(account("bluesky", handle="me.bsky.social"), deps(srv))
    with pytest.raises(RateLimited, match="Rate Limit Exceeded") as err:
        await platform.lookup("alice.bsky.social")
    assert err.value.reset_at == NOW + timedelta(seconds=42)


# --- Instagram usage headers ------------------------------------------------------------------


def buc(call_count: int, regain: int = 0, cpu: int = 1) -> dict[str, str]:
    entry = (
        f'{{"type":"instagram","call_count":{call_count},"total_cputime":{cpu},'
        f'"total_time":{cpu},"estimated_time_to_regain_access":{regain}}}'
    )
    return {"x-business-use-case-usage": f'{{"17841400000000001":[{entry}]}}'}


async def test_instagram_reads_business_use_case_usage_on_every_answer() -> None:
    srv = ig.server().on("me", Reply(200, ig.fx("me"), buc(35, cpu=41)))
    platform = ig.make(srv)
    await platform.me()
    rate = platform.last_rate["usage"]
    assert (rate.limit, rate.remaining, rate.reset_at) == (100, 59, None)  # the worst field


async def test_instagram_stops_before_the_limit_and_until_meta_says() -> None:
    srv = ig.server().on(
        "me",
        Reply(200, ig.fx("me"), buc(91)),
        Reply(200, ig.fx("me"), buc(60, regain=12)),
        Reply(200, ig.fx("me"), {"x-app-usage": '{"call_count":95,"total_time":3}', **buc(10)}),
    )
    platform = ig.make(srv)
    await platform.me()
    at_pace_limit = platform.last_rate["usage"]
    assert (at_pace_limit.remaining, at_pace_limit.reset_at) == (0, NOW + timedelta(hours=1))
    await platform.me()
    regaining = platform.last_rate["usage"]
    assert (regaining.remaining, regaining.reset_at) == (0, NOW + timedelta(minutes=12))
    await platform.me()
    assert platform.last_rate["usage"].remaining == 0  # X-App-Usage counts as well


async def test_instagram_throttle_error_resets_at_the_regain_time() -> None:
    body = {"error": {"message": "Application request limit reached", "code": 80002}}
    srv = ig.server().on("me", Reply(400, body, buc(100, regain=25)))
    with pytest.raises(RateLimited, match="request limit reached") as err:
        await ig.make(srv).me()
    assert err.value.reset_at == NOW + timedelta(minutes=25)


def test_usage_headers_that_are_not_json_are_no_budget() -> None:
    junk = httpx.Response(200, headers={"x-app-usage": "{oops", "x-business-use-case-usage": "[]"})
    assert _instagram_api.used_percent(junk) is None


# --- X usage-capped ----------------------------------------------------------------------------


async def test_x_usage_capped_is_a_monthly_stop_not_a_15_minute_wait() -> None:
    window = {"x-rate-limit-limit": "50", "x-rate-limit-remaining": "0"}
    window["x-rate-limit-reset"] = str(int((NOW + timedelta(minutes=15)).timestamp()))
    capped = Reply(429, fixture("x", "error_429_usage_capped"), window)
    srv = xt.server().on("me", fixture("x", "me")).on("repost", capped)
    with pytest.raises(UsageCapped, match="Monthly product cap") as err:
        await xt.make(srv).execute(xt.act(Verb.REPOST, xt.POST))
    assert err.value.reset_at == datetime(2026, 12, 1, tzinfo=UTC)  # the next month
    assert "spent until 2026-12-01T00:00:00Z" in err.value.message


async def test_x_usage_capped_uses_a_reset_header_that_names_a_later_day() -> None:
    reset = datetime(2026, 12, 10, tzinfo=UTC)
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(reset.timestamp()))}
    srv = xt.server().on("me", Reply(429, fixture("x", "error_429_usage_capped"), headers))
    with pytest.raises(UsageCapped) as err:
        await xt.make(srv).me()
    assert err.value.reset_at == reset


async def test_x_ordinary_429_is_still_a_window_wait() -> None:
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1795629600"}
    srv = xt.server().on("me", Reply(429, fixture("x", "error_429"), headers))
    with pytest.raises(RateLimited) as err:
        await xt.make(srv).me()
    assert not isinstance(err.value, UsageCapped)

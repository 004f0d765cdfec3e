"""Adapter overhead with the network taken out (MockTransport answering recorded shapes).

Prints calls per second for a write (Bluesky follow, Mastodon favourite, X repost) and
profiles per second for a discovery page (Bluesky 100 followers + 4 getProfiles, Mastodon 80
followers, X 100 posts with expanded authors). The platforms' rate limits, not this, bound real
work: Bluesky allows 1,666 creates per hour.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import bluesky, mastodon, x
from socialseed.platforms.base import Platform, PlatformDeps

N_WRITES = 2000
N_PAGES = 50


class Tokens:
    async def access_token(self, account: Account) -> str:
        return "token"

    async def refresh(self, account: Account) -> str:
        return "token"


def _bsky_user(i: int) -> dict[str, Any]:
    return {
        "did": f"did:plc:u{i}",
        "handle": f"u{i}.example",
        "displayName": f"User {i}",
        "description": "film",
        "avatar": "https://cdn/x",
        "followersCount": i,
        "followsCount": 10,
        "postsCount": 5,
        "createdAt": "2024-01-01T00:00:00Z",
    }


def _masto_user(i: int) -> dict[str, Any]:
    return {
        "id": str(i),
        "username": f"u{i}",
        "acct": f"u{i}",
        "display_name": "U",
        "note": "<p>film &amp; more</p>",
        "avatar": "https://files/a.png",
        "followers_count": i,
        "following_count": 3,
        "statuses_count": 9,
        "last_status_at": "2026-11-20",
        "created_at": "2024-01-01T00:00:00.000Z",
    }


def _x_user(i: int) -> dict[str, Any]:
    metrics = {"followers_count": i, "following_count": 2, "tweet_count": 7}
    return {"id": str(i), "username": f"u{i}", "name": "U", "public_metrics": metrics}


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("resolveHandle"):
        return httpx.Response(200, json={"did": "did:plc:me"})
    if path.endswith("createRecord"):
        return httpx.Response(200, json={"uri": "at://did:plc:me/c/1", "cid": "b"})
    if path.endswith("getFollowers"):
        users = [_bsky_user(i) for i in range(100)]
        return httpx.Response(200, json={"followers": users, "cursor": "c"})
    if path.endswith("getProfiles"):
        actors = request.url.params.get_list("actors")
        return httpx.Response(200, json={"profiles": [_bsky_user(int(a[9:])) for a in actors]})
    if path.endswith("/favourite"):
        return httpx.Response(200, json={"id": "1", "favourited": True})
    if path.endswith("/lookup"):
        return httpx.Response(200, json=_masto_user(7))
    if path.endswith("/followers") and path.startswith("/api"):
        link = '<https://m.example/api/v1/accounts/7/followers?max_id=5>; rel="next"'
        users = [_masto_user(i) for i in range(80)]
        return httpx.Response(200, json=users, headers={"link": link})
    if path == "/2/users/me":
        return httpx.Response(200, json={"data": _x_user(1)})
    if path.endswith("/retweets"):
        return httpx.Response(200, json={"data": {"retweeted": True}})
    if path.endswith("/search/recent"):
        tweets = [{"id": str(i), "author_id": str(i % 50), "text": "#film"} for i in range(100)]
        users = [_x_user(i) for i in range(50)]
        body = {"data": tweets, "includes": {"users": users}, "meta": {"next_token": "n"}}
        return httpx.Response(200, json=body)
    return httpx.Response(404, json={"error": "NotFound"})


def _deps() -> PlatformDeps:
    clock = FakeClock(datetime(2026, 11, 25, tzinfo=UTC))
    return PlatformDeps(clock=clock, transport=httpx.MockTransport(_answer), tokens=Tokens())


def _action(platform: str, verb: Verb, target: Target) -> Action:
    aid = action_id("bench", verb.value, target)
    return Action(aid, "bench", platform, verb, target, "bench", Risk.GREEN)


async def _writes(platform: Platform, action: Action) -> float:
    started = time.perf_counter()
    for _ in range(N_WRITES):
        await platform.execute(action)
    return N_WRITES / (time.perf_counter() - started)


async def _pages(platform: Platform, source: Source) -> float:
    started, profiles = time.perf_counter(), 0
    for _ in range(N_PAGES):
        profiles += len((await platform.discover(source)).profiles)
    return profiles / (time.perf_counter() - started)


async def _run() -> None:
    def acct(platform: str, **kw: Any) -> Account:
        return Account(id="bench", platform=platform, handle="me", phases="p", **kw)

    bsky = bluesky.build(acct("bluesky"), _deps())
    masto = mastodon.build(acct("mastodon", instance="m.example"), _deps())
    xp = x.build(acct("x"), _deps())
    follow = _action("bluesky", Verb.FOLLOW, Target("account", "did:plc:u1", "u1"))
    fav = _action("mastodon", Verb.LIKE, Target("post", "1", "u1", post_id="9"))
    repost = _action("x", Verb.REPOST, Target("post", "1", "u1", post_id="9"))
    print(f"   bluesky follow (createRecord):   {await _writes(bsky, follow):8.0f} calls/s")
    print(f"   mastodon favourite:              {await _writes(masto, fav):8.0f} calls/s")
    print(f"   x repost:                        {await _writes(xp, repost):8.0f} calls/s")
    src = Source(SourceKind.FOLLOWERS_OF, "someone")
    print(f"   bluesky followers_of + profiles: {await _pages(bsky, src):8.0f} profiles/s")
    print(f"   mastodon followers_of:           {await _pages(masto, src):8.0f} profiles/s")
    tag = Source(SourceKind.HASHTAG, "film")
    print(f"   x hashtag (recent search):       {await _pages(xp, tag):8.0f} profiles/s")
    for platform in (bsky, masto, xp):
        await platform.aclose()


def main() -> None:
    asyncio.run(_run())


if __name__ == "__main__":
    main()

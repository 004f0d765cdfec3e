"""The Mastodon adapter against mastodon-mock 0.6.1 (a third-party stateful mock).

Every write goes through the adapter; every check reads the server's own endpoints.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from socialseed.clock import SystemClock
from socialseed.config.schema import Account
from socialseed.errors import AuthExpired, RateLimited
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import mastodon
from socialseed.platforms.base import PlatformDeps
from tests.peers.conftest import Peer

TIMEOUT = 30.0


class StaticTokens:
    """The seeded tokens of mastodon_mock.toml (Mastodon tokens never expire)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def access_token(self, account: Account) -> str:
        return self.token

    async def refresh(self, account: Account) -> str:
        raise AssertionError("Mastodon tokens are never refreshed")


@pytest.fixture
def peer(masto_peer: Peer) -> Iterator[Peer]:
    """The session's server, reset to its seed before each test."""
    httpx.post(f"{masto_peer.url}/api/v1/_mock/reset", timeout=TIMEOUT).raise_for_status()
    yield masto_peer


def server(peer: Peer, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = httpx.request(method, peer.url + path, headers=headers, timeout=TIMEOUT, **kw)
    r.raise_for_status()
    return r.json()


def connect(peer: Peer, name: str, token: str | None = None) -> mastodon.MastodonPlatform:
    account = Account(
        id=f"{name}-masto", platform="mastodon", handle=name, phases="p", instance=peer.url
    )
    tokens = StaticTokens(token or f"{name}_token")
    return mastodon.build(account, PlatformDeps(clock=SystemClock(), tokens=tokens))


def act(verb: Verb, target: Target) -> Action:
    return Action(
        id=action_id("alice-masto", verb.value, target),
        account="alice-masto",
        platform="mastodon",
        verb=verb,
        target=target,
        reason="e2e",
        risk=Risk.GREEN,
    )


def ids(accounts: list[dict[str, Any]]) -> set[str]:
    return {str(a["id"]) for a in accounts}


async def test_follow_verify_unfollow(peer: Peer) -> None:
    alice = connect(peer, "alice")
    try:
        me, bob = await alice.me(), await alice.lookup("bob")
        target = Target("account", bob.id, bob.handle)
        await alice.execute(act(Verb.FOLLOW, target))
        following = server(peer, "GET", f"/api/v1/accounts/{me.id}/following", "alice_token")
        assert ids(following) == {bob.id}
        assert await alice.verify(act(Verb.FOLLOW, target)) is True
        assert await alice.following_ids() == {bob.id}

        await alice.execute(act(Verb.UNFOLLOW, target))
        assert server(peer, "GET", f"/api/v1/accounts/{me.id}/following", "alice_token") == []
        assert await alice.verify(act(Verb.UNFOLLOW, target)) is True
    finally:
        await alice.aclose()


async def test_favourite_boost_and_reply(peer: Peer) -> None:
    status = server(peer, "POST", "/api/v1/statuses", "bob_token", data={"status": "New roll"})
    alice = connect(peer, "alice")
    target = Target("post", str(status["account"]["id"]), "bob", post_id=str(status["id"]))
    reply = Target("post", target.id, "bob", post_id=target.post_id, text="@bob lovely")
    try:
        await alice.execute(act(Verb.LIKE, target))
        boost = await alice.execute(act(Verb.REPOST, target))
        answer = await alice.execute(act(Verb.REPLY, reply))

        favourites = server(peer, "GET", "/api/v1/favourites", "alice_token")
        assert ids(favourites) == {str(status["id"])}
        seen = server(peer, "GET", f"/api/v1/statuses/{status['id']}", "alice_token")
        assert seen["favourited"] is True and seen["reblogged"] is True
        assert boost.remote_ref is not None
        mine = server(peer, "GET", f"/api/v1/statuses/{answer.remote_ref}", "alice_token")
        assert str(mine["in_reply_to_id"]) == str(status["id"])
        for verb in (Verb.LIKE, Verb.REPOST, Verb.REPLY):
            assert await alice.verify(act(verb, target)) is True, verb

        await alice.execute(act(Verb.UNLIKE, target))
        assert server(peer, "GET", "/api/v1/favourites", "alice_token") == []
    finally:
        await alice.aclose()


async def test_followers_of_walks_the_link_header(
    peer: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = server(peer, "GET", "/api/v1/accounts/lookup", "alice_token", params={"acct": "bob"})
    for token in ("alice_token", "carol_token"):
        server(peer, "POST", f"/api/v1/accounts/{bob['id']}/follow", token)
    monkeypatch.setattr(mastodon, "ACCOUNTS_PAGE", 1)
    alice = connect(peer, "alice")
    handles: list[str] = []
    cursor: str | None = None
    pages = 0
    try:
        while True:
            page = await alice.discover(Source(SourceKind.FOLLOWERS_OF, "bob"), cursor)
            pages += 1
            handles += [p.handle for p in page.profiles]
            cursor = page.cursor
            if cursor is None or pages > 10:
                break
    finally:
        await alice.aclose()
    assert sorted(handles) == ["alice", "carol"]
    assert pages >= 2


async def test_a_429_with_an_iso_8601_reset_is_rate_limited(peer: Peer) -> None:
    fault = {
        "match": {"methods": ["POST"], "path": "/api/v1/accounts/*/follow"},
        "effect": {
            "type": "ratelimit",
            "headers": {"X-RateLimit-Reset": "2030-01-01T00:00:00.000Z"},
        },
        "count": 1,
    }
    server(peer, "POST", "/api/v1/_mock/faults", json=fault)
    alice = connect(peer, "alice")
    try:
        bob = await alice.lookup("bob")
        target = Target("account", bob.id, bob.handle)
        with pytest.raises(RateLimited) as err:
            await alice.execute(act(Verb.FOLLOW, target))
        assert err.value.reset_at == datetime(2030, 1, 1, tzinfo=UTC)
        assert (await alice.execute(act(Verb.FOLLOW, target))).status == "done"
        assert alice.last_rate[mastodon.RATE_BUCKET].remaining is not None  # one shared bucket
    finally:
        await alice.aclose()


async def test_a_revoked_token_is_auth_expired(peer: Peer) -> None:
    alice = connect(peer, "alice", token="revoked-token")
    try:
        with pytest.raises(AuthExpired, match="revoked"):
            await alice.me()
    finally:
        await alice.aclose()

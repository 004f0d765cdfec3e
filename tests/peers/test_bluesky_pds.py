"""The Bluesky adapter against Bluesky's reference PDS (@atproto/dev-env, PLC + PDS only).

Every write goes through the adapter; every check reads the PDS's own endpoints.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from socialseed.clock import SystemClock
from socialseed.config.schema import Account
from socialseed.errors import AuthExpired, PlatformError
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.platforms import bluesky
from socialseed.platforms.base import PlatformDeps
from tests.peers.conftest import Peer

TIMEOUT = 30.0


class PdsSessions:
    """A TokenSource for the test: createSession once, refreshSession when asked."""

    def __init__(self, pds: str, password: str) -> None:
        self.pds = pds
        self.password = password
        self.session: dict[str, Any] = {}

    async def access_token(self, account: Account) -> str:
        if not self.session:
            async with httpx.AsyncClient(base_url=self.pds, timeout=TIMEOUT) as c:
                body = {"identifier": account.handle, "password": self.password}
                r = await c.post("/xrpc/com.atproto.server.createSession", json=body)
                r.raise_for_status()
                self.session = r.json()
        return str(self.session["accessJwt"])

    async def refresh(self, account: Account) -> str:
        async with httpx.AsyncClient(base_url=self.pds, timeout=TIMEOUT) as c:
            headers = {"authorization": f"Bearer {self.session['refreshJwt']}"}
            r = await c.post("/xrpc/com.atproto.server.refreshSession", headers=headers)
            r.raise_for_status()
            self.session = r.json()
        return str(self.session["accessJwt"])


def user(peer: Peer, name: str) -> dict[str, str]:
    return dict(next(a for a in peer.info["accounts"] if a["handle"] == f"{name}.test"))


def connect(peer: Peer, name: str, tokens: Any = None) -> bluesky.BlueskyPlatform:
    who = user(peer, name)
    account = Account(
        id=f"{name}-bsky", platform="bluesky", handle=who["handle"], phases="p", service=peer.url
    )
    deps = PlatformDeps(
        clock=SystemClock(), tokens=tokens or PdsSessions(peer.url, who["password"])
    )
    return bluesky.build(account, deps)


def act(verb: Verb, target: Target) -> Action:
    return Action(
        id=action_id("alice-bsky", verb.value, target),
        account="alice-bsky",
        platform="bluesky",
        verb=verb,
        target=target,
        reason="e2e",
        risk=Risk.GREEN,
    )


def records(peer: Peer, did: str, collection: str) -> list[dict[str, Any]]:
    """The PDS's own view of a repo collection (no auth needed)."""
    params = {"repo": did, "collection": collection, "limit": 100}
    r = httpx.get(f"{peer.url}/xrpc/com.atproto.repo.listRecords", params=params, timeout=TIMEOUT)
    r.raise_for_status()
    return list(r.json()["records"])


async def bob_posts(peer: Peer, text: str) -> dict[str, str]:
    bob = user(peer, "bob")
    account = Account(id="bob-bsky", platform="bluesky", handle=bob["handle"], phases="p")
    token = await PdsSessions(peer.url, bob["password"]).access_token(account)
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T18:00:00Z"}
    body = {"repo": bob["did"], "collection": "app.bsky.feed.post", "record": record}
    async with httpx.AsyncClient(base_url=peer.url, timeout=TIMEOUT) as c:
        r = await c.post(
            "/xrpc/com.atproto.repo.createRecord",
            json=body,
            headers={"authorization": f"Bearer {token}"},
        )
        r.raise_for_status()
        return {"uri": r.json()["uri"], "cid": r.json()["cid"]}


async def test_follow_verify_and_unfollow(bsky_peer: Peer) -> None:
    alice, bob = user(bsky_peer, "alice"), user(bsky_peer, "bob")
    platform = connect(bsky_peer, "alice")
    target = Target("account", bob["did"], bob["handle"])
    try:
        outcome = await platform.execute(act(Verb.FOLLOW, target))
        follows = records(bsky_peer, alice["did"], "app.bsky.graph.follow")
        assert [r["value"]["subject"] for r in follows] == [bob["did"]]
        assert outcome.remote_ref == follows[0]["uri"]
        assert await platform.verify(act(Verb.FOLLOW, target)) is True
        assert await platform.following_ids() == {bob["did"]}

        undo = await platform.execute(act(Verb.UNFOLLOW, target))
        assert undo.status == "done"
        assert records(bsky_peer, alice["did"], "app.bsky.graph.follow") == []
        assert await platform.verify(act(Verb.UNFOLLOW, target)) is True
        assert (await platform.execute(act(Verb.UNFOLLOW, target))).status == "already"
    finally:
        await platform.aclose()


async def test_follow_by_handle_twice_then_one_unfollow_leaves_no_record(bsky_peer: Peer) -> None:
    alice, carol = user(bsky_peer, "alice"), user(bsky_peer, "carol")
    platform = connect(bsky_peer, "alice")
    target = Target("account", carol["handle"], carol["handle"])  # a handle: resolved to a DID
    try:
        await platform.execute(act(Verb.FOLLOW, target))
        await platform.execute(act(Verb.FOLLOW, target))
        await platform.execute(act(Verb.UNFOLLOW, target))
        follows = records(bsky_peer, alice["did"], "app.bsky.graph.follow")
        assert [r for r in follows if r["value"]["subject"] == carol["did"]] == []
    finally:
        await platform.aclose()


async def test_like_repost_and_reply_on_a_post(bsky_peer: Peer) -> None:
    alice, bob = user(bsky_peer, "alice"), user(bsky_peer, "bob")
    post = await bob_posts(bsky_peer, "A new roll of film")
    platform = connect(bsky_peer, "alice")
    target = Target("post", bob["did"], bob["handle"], post_id=post["uri"], ref=post)
    reply = Target("post", bob["did"], bob["handle"], post_id=post["uri"], ref=post, text="Lovely!")
    try:
        await platform.execute(act(Verb.LIKE, target))
        await platform.execute(act(Verb.REPOST, target))
        await platform.execute(act(Verb.REPLY, reply))

        likes = records(bsky_peer, alice["did"], "app.bsky.feed.like")
        assert [r["value"]["subject"] for r in likes] == [post]
        reposts = records(bsky_peer, alice["did"], "app.bsky.feed.repost")
        assert [r["value"]["subject"] for r in reposts] == [post]
        posts = records(bsky_peer, alice["did"], "app.bsky.feed.post")
        assert posts[0]["value"]["reply"] == {"root": post, "parent": post}
        assert posts[0]["value"]["text"] == "Lovely!"
        for verb in (Verb.LIKE, Verb.REPOST, Verb.REPLY):
            assert await platform.verify(act(verb, target)) is True, verb

        await platform.execute(act(Verb.UNLIKE, target))
        assert records(bsky_peer, alice["did"], "app.bsky.feed.like") == []
        assert await platform.verify(act(Verb.LIKE, target)) is False
    finally:
        await platform.aclose()


async def test_an_app_view_read_without_an_app_view_is_a_mapped_error(bsky_peer: Peer) -> None:
    """PDS-only mode has no AppView: the PDS's own error comes back through the error tree."""
    platform = connect(bsky_peer, "alice")
    try:
        with pytest.raises(PlatformError) as err:
            await platform.lookup("bob.test")
        assert err.value.status is not None and err.value.status >= 400
        assert str(err.value).startswith("bluesky: ")
    finally:
        await platform.aclose()


async def test_a_bad_token_is_auth_expired(bsky_peer: Peer) -> None:
    class BadTokens:
        async def access_token(self, account: Account) -> str:
            return "not-a-jwt"

        async def refresh(self, account: Account) -> str:
            return "still-not-a-jwt"

    bob = user(bsky_peer, "bob")
    platform = connect(bsky_peer, "alice", BadTokens())
    try:
        with pytest.raises(AuthExpired) as err:
            await platform.execute(act(Verb.FOLLOW, Target("account", bob["did"], "bob")))
        assert "socialseed auth login" in str(err.value)
    finally:
        await platform.aclose()

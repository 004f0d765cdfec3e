"""The inbox read against the peers: what people post to the account comes back as its inbox.

mastodon-mock: Bob answers one of Alice's statuses and Carol mentions her; Alice's inbox read
(``GET /api/v1/notifications?types[]=mention``, then ``statuses/:id/context`` for the answer)
returns both, the answer as a reply with Alice's status as its thread, and a read from the
kept cursor returns nothing new.

Bluesky: ``app.bsky.notification.listNotifications`` is an AppView method. The reference PDS
runs here without an AppView (``MODE=pds``), so it cannot answer it: the test checks that the
inbox read fails as a mapped, readable ``PlatformError`` (never a traceback, never a silent
empty inbox), and that what the AppView would index is on the PDS: Bob's mention of Alice,
with the mention facet naming her DID, read back with ``com.atproto.repo.listRecords``. The
notifications' shape itself is tested against the documented answers (tests/adapters).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from socialseed.config.schema import Account
from socialseed.errors import PlatformError
from socialseed.model.conversations import MessageSource
from tests.peers.conftest import Peer
from tests.peers.test_bluesky_pds import PdsSessions, records, user
from tests.peers.test_bluesky_pds import connect as bsky_connect
from tests.peers.test_mastodon_mock import connect as masto_connect
from tests.peers.test_mastodon_mock import server

TIMEOUT = 30.0


@pytest.fixture
def masto(masto_peer: Peer) -> Iterator[Peer]:
    httpx.post(f"{masto_peer.url}/api/v1/_mock/reset", timeout=TIMEOUT).raise_for_status()
    yield masto_peer


async def test_mastodon_inbox_returns_the_mentions_posted(masto: Peer) -> None:
    mine = server(masto, "POST", "/api/v1/statuses", "alice_token", data={"status": "Dusk roll"})
    answer = server(
        masto, "POST", "/api/v1/statuses", "bob_token",
        data={"status": "@alice which film is this?", "in_reply_to_id": mine["id"]},
    )  # fmt: skip
    mention = server(
        masto, "POST", "/api/v1/statuses", "carol_token", data={"status": "@alice hello!"}
    )
    alice = masto_connect(masto, "alice")
    try:
        page = await alice.inbox()
        again = await alice.inbox(page.cursor)
    finally:
        await alice.aclose()

    got = {i.message.id: i for i in page.items}
    assert set(got) == {str(answer["id"]), str(mention["id"])}
    reply, hello = got[str(answer["id"])], got[str(mention["id"])]
    assert reply.message.source is MessageSource.REPLY
    assert reply.message.parent_id == str(mine["id"])
    assert reply.message.author.handle == "bob"
    assert "which film is this?" in reply.message.text
    assert [(p.id, p.text, p.mine) for p in reply.thread] == [(str(mine["id"]), "Dusk roll", True)]
    assert hello.message.source is MessageSource.MENTION and hello.thread == ()
    assert hello.message.author.handle == "carol"
    assert page.complete and page.without_context == 0
    assert again.items == ()


async def test_bluesky_inbox_needs_an_app_view_and_says_so(bsky_peer: Peer) -> None:
    alice, bob = user(bsky_peer, "alice"), user(bsky_peer, "bob")
    text = f"@{alice['handle']} which film is this?"
    start = 0
    end = len(f"@{alice['handle']}".encode())
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "facets": [
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": alice["did"]}],
            }
        ],
    }
    account = Account(id="bob-bsky", platform="bluesky", handle=bob["handle"], phases="p")
    token = await PdsSessions(bsky_peer.url, bob["password"]).access_token(account)
    r = httpx.post(
        f"{bsky_peer.url}/xrpc/com.atproto.repo.createRecord",
        json={"repo": bob["did"], "collection": "app.bsky.feed.post", "record": record},
        headers={"authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    r.raise_for_status()

    platform = bsky_connect(bsky_peer, "alice")
    try:
        with pytest.raises(PlatformError) as err:
            await platform.inbox()
    finally:
        await platform.aclose()
    assert str(err.value).startswith("bluesky: ")
    assert err.value.status is not None and err.value.status >= 400

    posted = [
        r["value"] for r in records(bsky_peer, bob["did"], "app.bsky.feed.post")
        if r["value"]["text"] == text
    ]  # fmt: skip
    assert len(posted) == 1
    (facet,) = posted[0]["facets"]
    assert facet["features"][0]["did"] == alice["did"]

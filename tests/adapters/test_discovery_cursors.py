"""A source's cursor kept in state between plans, sent back as the platform documents it
(Mastodon: the Link header's ``max_id``), within the source's ``max_pages``."""

from __future__ import annotations

from datetime import timedelta

from socialseed.clock import iso
from socialseed.config.schema import Source as SourceConfig
from socialseed.config.schema import Targeting
from socialseed.plan.discovery import read_stale_sources
from socialseed.platforms import mastodon
from socialseed.state.db import open_state
from tests.adapters.harness import NOW, Reply, Server, account, deps, fixture
from tests.adapters.test_mastodon import HOST, link


async def test_the_next_plan_sends_the_cursor_the_last_one_kept() -> None:
    srv = Server(mastodon.ENDPOINTS, HOST)
    srv.on("lookup", fixture("mastodon", "lookup_lens"), fixture("mastodon", "lookup_lens"))
    srv.on(
        "followers",
        Reply(
            200, fixture("mastodon", "followers_p1"), link("/api/v1/accounts/109/followers", "112")
        ),
        Reply(200, fixture("mastodon", "followers_p2")),
    )
    acct = account("mastodon", handle="me", instance=HOST, targeting=["film"])
    film = Targeting(sources=[SourceConfig(followers_of="@lens", max_pages=1)])
    db = open_state(None)
    for day in range(2):  # one page a plan (max_pages: 1), a day apart (cache_ttl 24h)
        platform = mastodon.build(acct, deps(srv))
        now = NOW + timedelta(days=day)
        (read,) = await read_stale_sources(platform, acct, {"film": film}, db, now=now)
        assert read.last is not None and read.last.pages == 1
    first, second = srv.only("followers")
    assert first.query == {"limit": ["80"]}
    assert second.query == {"limit": ["80"], "max_id": ["112"]}
    rows = db.execute("select source, cursor, pages, ended_at from source_cursors").fetchall()
    assert rows == [("followers_of:@lens", None, 2, iso(NOW + timedelta(days=1)))]  # its end
    assert db["candidates"].count == 3  # alice, bob (day 1), carol (day 2)

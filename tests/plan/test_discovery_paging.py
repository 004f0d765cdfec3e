"""Discovery that does not run dry: cursors kept per account and source, only new profiles
count toward a source's limit, a source at its end starts over, ``expand:`` widens, and each
targeting's funnel is in the plan's notes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import FakeClock, iso
from socialseed.config.schema import Config
from socialseed.model import SourceKind
from socialseed.model.plan import Plan
from socialseed.plan.run import PlanOptions, Runtime, make_plan
from socialseed.state.db import open_state
from tests.plan.fakes import NOW, FakeNetwork, FakePlatform, profile
from tests.plan.test_planning import make_config

DAY = timedelta(days=1)


def plan_at(config: Config, network: FakeNetwork, db: Database, now: datetime) -> Plan:
    runtime = Runtime(
        db=db,
        clock=FakeClock(now),
        platform_for=lambda a: FakePlatform(a.id, a.handle, network),
        capabilities_for=lambda a: network.caps,
    )
    return asyncio.run(make_plan(config, runtime, PlanOptions())).plan


def one_source(count: int, **source: Any) -> tuple[Config, FakeNetwork]:
    network = FakeNetwork()
    network.sources["hashtag:filmphotography"] = [profile(f"u{i:02d}") for i in range(count)]
    config = make_config(targeting__film__sources=[{"hashtag": "filmphotography", **source}])
    return config, network


def discovered(network: FakeNetwork) -> list[str]:
    found = [where for kind, where in network.calls if kind == "discover"]
    network.calls.clear()
    return found


def notes(plan: Plan, start: str) -> list[str]:
    return [n for n in plan.accounts[0].notes if n.startswith(start)]


def cursor_row(db: Database) -> dict[str, Any]:
    return dict(next(iter(db["source_cursors"].rows)))


def test_each_plan_reads_on_from_where_the_last_one_stopped() -> None:
    config, network = one_source(35, limit=10)
    db = open_state(None)
    first = plan_at(config, network, db, NOW)
    assert discovered(network) == ["hashtag:filmphotography@0"]
    assert cursor_row(db) | {"updated_at": ""} == {
        "account": "studio",
        "source": "hashtag:filmphotography",
        "cursor": "10",
        "pages": 1,
        "ended_at": None,
        "restarted_at": None,
        "updated_at": "",
    }
    assert notes(first, "source ") == [
        "source hashtag:filmphotography (film): read 2026-11-25: 1 page(s), 10 found, "
        "10 new (limit 10)"
    ]
    plan_at(config, network, db, NOW + DAY)  # the next day (cache_ttl 24h): the next page
    assert discovered(network) == ["hashtag:filmphotography@10"]
    assert (cursor_row(db)["cursor"], cursor_row(db)["pages"]) == ("20", 2)
    assert db["candidates"].count == 20  # the first day's profiles stay in the pool


def test_only_new_profiles_count_toward_a_sources_limit() -> None:
    """u00..u09 were followed before, u10 was rejected by a person, u11 is in a plan that has
    not expired: none of them is new, so the read goes on to the next pages."""
    config, network = one_source(40, limit=5)
    db = open_state(None)
    db["relationships"].insert_all(
        {"account": "studio", "target_id": f"u{i:02d}", "origin": "socialseed"} for i in range(10)
    )
    db["rejections"].insert({"action_id": "a1", "account": "studio", "target_id": "u10"})
    db["plans"].insert({"id": "p0", "expires_at": iso(NOW + DAY)})
    db["actions"].insert(
        {"plan_id": "p0", "action_id": "a2", "account": "studio", "data": '{"target":{"id":"u11"}}'}
    )
    plan = plan_at(config, network, db, NOW)
    assert discovered(network) == ["hashtag:filmphotography@0", "hashtag:filmphotography@10"]
    assert notes(plan, "source ") == [
        "source hashtag:filmphotography (film): read 2026-11-25: 2 page(s), 20 found, "
        "8 new (limit 5)"
    ]
    rows = db.execute("select source, new, discovered from source_yield").fetchall()
    assert rows == [("hashtag:filmphotography", 8, 20)]


def test_a_source_at_its_end_starts_over_from_the_top_after_restart_after() -> None:
    config, network = one_source(15, limit=100)
    db = open_state(None)
    plan_at(config, network, db, NOW)
    assert discovered(network) == ["hashtag:filmphotography@0", "hashtag:filmphotography@10"]
    assert cursor_row(db)["cursor"] is None and cursor_row(db)["ended_at"] == iso(NOW)
    later = plan_at(config, network, db, NOW + 2 * DAY)  # at its end: the pool holds it
    assert discovered(network) == []
    assert notes(later, "source ") == [
        "source hashtag:filmphotography (film): read 2026-11-25: 2 page(s), 15 found, "
        "15 new (limit 100); at its end, starts over from the top on 2026-12-02"
    ]
    network.sources["hashtag:filmphotography"].append(profile("u99"))  # someone new posted
    again = plan_at(config, network, db, NOW + 7 * DAY)
    assert discovered(network) == ["hashtag:filmphotography@0", "hashtag:filmphotography@10"]
    assert notes(again, "source ") == [
        "source hashtag:filmphotography (film): read 2026-12-02: started over from the top, "
        "2 page(s), 16 found, 1 new (limit 100); at its end, starts over from the top on "
        "2026-12-09"
    ]
    assert cursor_row(db)["restarted_at"] == iso(NOW + 7 * DAY)


def test_expand_widens_to_followbacks_commenters_and_related_hashtags() -> None:
    network = FakeNetwork()
    tagged = "I shoot 35mm film. #darkroom #filmphotography #nobot"
    network.sources["hashtag:filmphotography"] = [
        profile(f"u{i:02d}", bio=tagged) for i in range(3)
    ]
    network.sources["followers_of:fan.example"] = [profile("f01"), profile("f02")]
    network.sources["commenters:own"] = [profile("c01")]
    network.sources["hashtag:darkroom"] = [profile("d01"), profile("u00")]
    config = make_config(
        targeting__film__sources=[{"hashtag": "filmphotography"}],
        targeting__film__expand={
            "followers_of_followbacks": {"limit": 10, "accounts": 2},
            "engaged_with_our_posts": {"limit": 10},
            "related_hashtags": {"limit": 10, "tags": 1},
        },
    )
    db = open_state(None)
    db["relationships"].insert(
        {
            "account": "studio",
            "target_id": "fan",
            "target_handle": "fan.example",
            "origin": "socialseed",
            "since": iso(NOW - 9 * DAY),
            "followed_back_at": iso(NOW - 5 * DAY),
        }
    )
    plan = plan_at(config, network, db, NOW)
    assert discovered(network) == [
        "hashtag:filmphotography@0",
        "followers_of:fan.example@0",
        "commenters:own@0",
        "hashtag:darkroom@0",  # the pool's most used tag that is not a source (#nobot is skipped)
    ]
    assert notes(plan, "source ")[1:] == [
        "source followers_of:fan.example (film, expand followers_of_followbacks): "
        "read 2026-11-25: 1 page(s), 2 found, 2 new (limit 10); at its end, starts over from "
        "the top on 2026-12-02",
        "source commenters:own (film, expand engaged_with_our_posts): read 2026-11-25: "
        "1 page(s), 1 found, 1 new (limit 10); at its end, starts over from the top on "
        "2026-12-02",
        "source hashtag:darkroom (film, expand related_hashtags): read 2026-11-25: 1 page(s), "
        "2 found, 1 new (limit 10); at its end, starts over from the top on 2026-12-02",
    ]
    rows = db.execute("select source, origin, discovered, new from source_yield order by rowid")
    assert rows.fetchall() == [
        ("hashtag:filmphotography", "source", 3, 3),
        ("followers_of:fan.example", "followers_of_followbacks", 2, 2),
        ("commenters:own", "engaged_with_our_posts", 1, 1),
        ("hashtag:darkroom", "related_hashtags", 2, 1),
    ]


def test_an_expansion_the_platform_cannot_read_is_named_not_read() -> None:
    network = FakeNetwork()
    network.caps = replace(network.caps, sources=frozenset(SourceKind) - {SourceKind.COMMENTERS})
    network.sources["hashtag:filmphotography"] = [profile("u00")]
    config = make_config(
        targeting__film__sources=[{"hashtag": "filmphotography"}],
        targeting__film__expand={"engaged_with_our_posts": {"limit": 10}},
    )
    plan = plan_at(config, network, open_state(None), NOW)
    assert discovered(network) == ["hashtag:filmphotography@0"]
    assert notes(plan, "studio: targeting") == [
        "studio: targeting 'film' expand.engaged_with_our_posts is not read: sandbox offers no "
        "commenters read through its official API (remove expand.engaged_with_our_posts from "
        "targeting 'film')"
    ]


def test_the_funnel_counts_each_stage_of_a_targeting() -> None:
    network = FakeNetwork()
    network.sources["hashtag:filmphotography"] = [profile(f"u{i:02d}") for i in range(9)] + [
        profile("few1", followers=5),
        profile("few2", followers=3),
        profile("lopsided", followers=100, following=900),
    ]
    config = make_config(targeting__film__sources=[{"hashtag": "filmphotography"}])
    db = open_state(None)
    plan = plan_at(config, network, db, NOW)
    assert notes(plan, "funnel ") == [
        "funnel film: discovered 12 → filtered out 3 (followers 2, ratio 1) → scored 9 "
        "→ chosen 5 follow(s)"
    ]
    assert db.execute("select chosen from source_yield").fetchall() == [(5,)]


MASTODON_CONFIG = """\
version: 1
accounts:
  - {id: studio-masto, platform: mastodon, handle: studio, instance: "https://mastodon.example",
     phases: gentle, targeting: [film]}
phases:
  gentle:
    - {name: warmup, daily: {follow: 10}}
targeting:
  film:
    sources: [{hashtag: filmphotography}]
    actions: {follow: true}
    expand: {engaged_with_our_posts: {limit: 20}, related_hashtags: {}}
"""


def test_validate_names_an_expansion_the_platform_offers_no_read_for(tmp_path: Path) -> None:
    (tmp_path / "socialseed.yaml").write_text(MASTODON_CONFIG)
    result = CliRunner().invoke(app, ["validate", "-c", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "note: studio-masto: targeting 'film' expand.engaged_with_our_posts is not read: "
        "mastodon offers no commenters read through its official API (remove "
        "expand.engaged_with_our_posts from targeting 'film')\n"
    )

"""Every verb of a platform at its per-verb maximum, through the real executor, pacing and
adapter, against a fake server that enforces the platform's documented shared budgets (Bluesky
write points, Mastodon's limiter families and request budget, X's per-endpoint windows and
account caps) and answers 429 otherwise: the run must draw 0 429s while filling the budgets.

Time is simulated (``FakeClock``): the server charges each request at the clock's ``now``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlite_utils import Database

from socialseed.apply.context import Options
from socialseed.apply.executor import Applier, Report
from socialseed.clock import FakeClock
from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config, Phase
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.platforms import _instagram_api, bluesky, instagram, mastodon, x
from socialseed.platforms.base import Platform, PlatformDeps
from tests.adapters.harness import FakeTokens, fixture

from .budget_server import BudgetServer, Limit, body
from .fakes import ME, approve, state

START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
UNCAPPED = 100_000  # phase caps above every platform budget: only the platform's bind
DAY, HOUR = 86_400, 3_600


def config(platform: str, handle: str = "", **extra: Any) -> Config:
    verbs = {v.value: UNCAPPED for v in Verb}
    phase = Phase(name="growth", daily=verbs, hourly={})
    handle = handle or {"bluesky": "me.bsky.example", "x": "me_studio"}.get(platform, "me")
    account = Account(
        id="acct",
        platform=platform,
        handle=handle,
        phases="std",
        start_date=date(2026, 11, 1),
        **extra,
    )
    return Config.model_validate(
        {
            "accounts": [account.model_dump()],
            "phases": {"std": [phase.model_dump()]},
            "policy": {"thresholds": {"max_actions_per_plan": 10_000}},
        }
    )


def mixed(
    platform: str, counts: dict[Verb, int], target: Callable[[Verb, int], Target]
) -> list[Action]:
    """``counts`` of each verb, interleaved (one of each verb in turn) as a plan orders them."""
    out: list[Action] = []
    for n in range(max(counts.values())):
        for verb, count in counts.items():
            if n < count:
                t = target(verb, n)
                out.append(
                    Action(
                        action_id("acct", verb.value, t),
                        "acct",
                        platform,
                        verb,
                        t,
                        "budget test",
                        Risk.GREEN,
                        seq=len(out) + 1,
                    )
                )
    return out


def plan_of(cfg: Config, platform: str, actions: list[Action]) -> Plan:
    return Plan(
        actions,
        created_at=START,
        expires_at=START + timedelta(days=2),
        config_sha256=config_digest(cfg),
        accounts=[AccountPlan("acct", platform, "growth", 1, None, 0)],
    )


async def run(
    tmp_path: Path,
    cfg: Config,
    actions: list[Action],
    clock: FakeClock,
    build: Callable[[Account], Platform],
    max_wait: float = 6 * HOUR,
) -> tuple[Report, Database]:
    platform = cfg.accounts[0].platform
    plan = plan_of(cfg, platform, actions)
    db = state(tmp_path)
    approve(db, plan, actions, now=START, ttl=timedelta(days=2))
    applier = Applier(
        db,
        plan,
        cfg,
        clock=clock,
        rng=random.Random(5),
        platform_for=build,
        me=ME,
        options=Options(max_wait=max_wait),
        alive=lambda pid: pid == ME.pid,
    )
    return await applier.run(), db


def deps(clock: FakeClock, server: BudgetServer) -> PlatformDeps:
    return PlatformDeps(clock=clock, transport=server.transport, tokens=FakeTokens())


def statuses(report: Report) -> dict[str, int]:
    return {k: v for k, v in report.counts().items() if v}


# --- Bluesky: 5,000 write points an hour, 35,000 a day; create 3, update 2, delete 1 ----------

ME_DID = "did:plc:me"
POINTS = {"create_record": 3, "put_record": 2, "delete_record": 1}


def bluesky_server(clock: FakeClock) -> BudgetServer:
    records: dict[str, dict[str, dict[str, Any]]] = {}
    seq = iter(range(1, 1 << 30))

    def seed(collection: str, subject: Any) -> None:
        uri = f"at://{ME_DID}/{collection}/seed{next(seq)}"
        records.setdefault(collection, {})[uri] = {"uri": uri, "value": {"subject": subject}}

    for n in range(200):
        seed("app.bsky.graph.follow", f"did:plc:old{n}")
        seed("app.bsky.feed.like", {"uri": f"at://did:plc:old{n}/app.bsky.feed.post/p", "cid": "c"})

    def answer(name: str, request: httpx.Request) -> httpx.Response:
        data = body(request)
        if name == "resolve_handle":
            return httpx.Response(200, json={"did": ME_DID})
        if name == "create_record":
            uri = f"at://{ME_DID}/{data['collection']}/r{next(seq)}"
            records.setdefault(data["collection"], {})[uri] = {"uri": uri, "value": data["record"]}
            return httpx.Response(200, json={"uri": uri, "cid": "bafycid"})
        if name == "list_records":
            found = list(records.get(request.url.params["collection"], {}).values())
            return httpx.Response(200, json={"records": found})
        if name == "delete_record":
            collection = records.get(data["collection"], {})
            for uri in [u for u in collection if u.endswith("/" + data["rkey"])]:
                del collection[uri]
            return httpx.Response(200, json={})
        if name == "get_posts":
            uri = request.url.params["uris"]
            root = f"at://{ME_DID}/app.bsky.feed.post/root"
            record = {
                "text": "spam",
                "reply": {"root": {"uri": root, "cid": "c"}, "parent": {"uri": root, "cid": "c"}},
            }
            view = {"uri": uri, "cid": "c", "author": {"did": "did:plc:spammer"}, "record": record}
            return httpx.Response(200, json={"posts": [view]})
        if name == "get_record":
            return httpx.Response(
                400, json={"error": "RecordNotFound", "message": "Could not locate record"}
            )
        if name in ("put_record",):
            return httpx.Response(200, json={"uri": data["record"].get("post", ""), "cid": "c"})
        if name == "mute_actor":
            return httpx.Response(200)
        raise AssertionError(f"unexpected {name}")

    def too_many(limit: Limit, now: datetime) -> httpx.Response:
        reset = int((now + timedelta(seconds=limit.window)).timestamp())
        headers = {
            "ratelimit-limit": str(limit.limit),
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
        }
        return httpx.Response(
            429,
            json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers=headers,
        )

    limits = [
        Limit("points/hour", 5_000, HOUR, POINTS),
        Limit("points/day", 35_000, DAY, POINTS),
        Limit("requests/5min", 3_000, 300, {"*": 1}),
    ]
    return BudgetServer(clock, bluesky.ENDPOINTS, limits, answer, too_many)


def bluesky_target(verb: Verb, n: int) -> Target:
    if verb in (Verb.FOLLOW, Verb.MUTE):
        return Target("account", f"did:plc:new{n}", f"new{n}.bsky.example")
    if verb is Verb.UNFOLLOW:
        return Target("account", f"did:plc:old{n}", f"old{n}.bsky.example")
    if verb is Verb.UNLIKE:
        uri = f"at://did:plc:old{n}/app.bsky.feed.post/p"
        return Target(
            "post", f"did:plc:old{n}", f"old{n}.bsky.example", post_id=uri, ref={"uri": uri}
        )
    uri = f"at://did:plc:new{n}/app.bsky.feed.post/p{verb.value}"
    ref = {"uri": uri, "cid": "bafypost"}
    text = "Lovely light here" if verb is Verb.REPLY else None
    if verb is Verb.HIDE_COMMENT:
        ref = {"uri": uri}
    return Target(
        "post", f"did:plc:new{n}", f"new{n}.bsky.example", post_id=uri, ref=ref, text=text
    )


async def test_bluesky_every_verb_at_its_maximum_stays_inside_the_write_points(
    tmp_path: Path,
) -> None:
    clock = FakeClock(START)
    server = bluesky_server(clock)
    cfg = config("bluesky")
    counts = {
        Verb.FOLLOW: 420,
        Verb.LIKE: 420,
        Verb.REPOST: 420,
        Verb.REPLY: 420,
        Verb.HIDE_COMMENT: 50,
        Verb.UNFOLLOW: 100,
        Verb.UNLIKE: 100,
        Verb.MUTE: 50,
    }
    actions = mixed("bluesky", counts, bluesky_target)
    report, _ = await run(
        tmp_path, cfg, actions, clock, lambda a: bluesky.build(a, deps(clock, server))
    )

    assert server.refused == []  # 0 429s
    assert statuses(report) == {"done": len(actions)}
    # the hourly budget was filled, not avoided (hiding is budgeted at a create, 3, and costs 2)
    assert server.peak("points/hour") >= 4_800
    points = 3 * 420 * 4 + 2 * 50 + 100 + 100  # creates, threadgates, one delete per undo
    assert sum(s.total for s in [server.spent["points/day"]]) == points
    assert clock.now() - START >= timedelta(hours=1)  # 5,240 points need a second hour


# --- Mastodon: follows 400/24 h, statuses 300/3 h, 300 requests/5 min per token -------------------


def mastodon_server(clock: FakeClock) -> BudgetServer:
    seq = iter(range(1, 1 << 30))

    def answer(name: str, request: httpx.Request) -> httpx.Response:
        target = request.url.path.split("/")[4] if name != "post_status" else ""
        if name in ("follow", "unfollow", "mute"):
            rel = {
                "id": target,
                "following": name == "follow",
                "requested": False,
                "muting": name == "mute",
            }
            return httpx.Response(200, json=rel)
        if name in ("favourite", "unfavourite"):
            return httpx.Response(200, json={"id": target, "favourited": name == "favourite"})
        if name == "reblog":
            return httpx.Response(200, json={"id": f"rb{next(seq)}", "reblog": {"id": target}})
        if name == "post_status":
            return httpx.Response(
                200,
                json={"id": f"st{next(seq)}", "in_reply_to_id": body(request)["in_reply_to_id"]},
            )
        if name == "verify_credentials":  # who we are, read once: our replies are looked for
            return httpx.Response(200, json={"id": "me", "acct": "acct", "username": "acct"})
        if name == "context":  # before each reply: nobody answered the message yet
            return httpx.Response(200, json={"ancestors": [], "descendants": []})
        raise AssertionError(f"unexpected {name}")

    def too_many(limit: Limit, now: datetime) -> httpx.Response:
        reset = (now + timedelta(seconds=limit.window)).isoformat().replace("+00:00", "Z")
        headers = {
            "x-ratelimit-limit": str(limit.limit),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": reset,
        }
        return httpx.Response(429, json={"error": "Too many requests"}, headers=headers)

    limits = [
        Limit("follows", 400, DAY, {"follow": 1}),
        Limit("statuses", 300, 3 * HOUR, {"post_status": 1, "reblog": 1}),
        Limit("requests per token", 300, 300, {"*": 1}),
    ]
    return BudgetServer(clock, mastodon.ENDPOINTS, limits, answer, too_many)


def mastodon_target(verb: Verb, n: int) -> Target:
    if verb in (Verb.FOLLOW, Verb.UNFOLLOW, Verb.MUTE):
        return Target("account", f"{verb.value}{n}", f"user{n}")
    text = "Lovely light here" if verb is Verb.REPLY else None
    return Target("post", f"a{n}", f"user{n}", post_id=f"{verb.value}{n}", text=text)


async def test_mastodon_every_verb_at_its_maximum_stays_inside_its_families(tmp_path: Path) -> None:
    clock = FakeClock(START)
    server = mastodon_server(clock)
    cfg = config("mastodon", instance="https://mastodon.example")
    counts = {
        Verb.FOLLOW: 450,
        Verb.REPLY: 170,
        Verb.REPOST: 170,
        Verb.LIKE: 100,
        Verb.UNLIKE: 30,
        Verb.UNFOLLOW: 30,
        Verb.MUTE: 30,
    }
    actions = mixed("mastodon", counts, mastodon_target)
    report, _ = await run(
        tmp_path, cfg, actions, clock, lambda a: mastodon.build(a, deps(clock, server))
    )

    assert server.refused == []  # 0 429s
    assert (server.peak("follows"), server.peak("statuses")) == (400, 300)
    assert server.peak("requests per token") == 300
    # the reads before each reply (its thread; who we are, once) were sent and paced with it
    assert server.count("context") == server.count("post_status") == 170
    assert server.count("verify_credentials") == 1
    follows_left = [r for r in report.results if r.status == "skipped"]
    assert len(follows_left) == 50 and {r.action.verb for r in follows_left} == {Verb.FOLLOW}
    assert all(
        "would wait past" in r.detail and "400 follow per 86400 s" in r.detail for r in follows_left
    )
    assert report.counts()["done"] == len(actions) - 50


# --- X (Enterprise, every verb): per-endpoint 15-minute windows, daily and 3-hour account caps ---


def x_server(clock: FakeClock) -> BudgetServer:
    seq = iter(range(1, 1 << 30))
    answers = {
        "follow": {"following": True, "pending_follow": False},
        "unfollow": {"following": False},
        "like": {"liked": True},
        "unlike": {"liked": False},
        "repost": {"retweeted": True},
        "mute": {"muting": True},
        "hide_reply": {"hidden": True},
    }

    def answer(name: str, request: httpx.Request) -> httpx.Response:
        if name == "me":
            return httpx.Response(200, json=fixture("x", "me"))
        if name == "create_post":
            return httpx.Response(201, json={"data": {"id": str(next(seq)), "text": "x"}})
        if name == "user_posts":  # before each reply: our own posts, none answers it yet
            return httpx.Response(200, json={"meta": {"result_count": 0}})
        return httpx.Response(200, json={"data": answers[name]})

    def too_many(limit: Limit, now: datetime) -> httpx.Response:
        reset = int((now + timedelta(seconds=limit.window)).timestamp())
        headers = {
            "x-rate-limit-limit": str(limit.limit),
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        }
        return httpx.Response(
            429, json={"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, headers=headers
        )

    window = 900
    limits = [
        Limit(f"{name} per 15 min", n, window, {name: 1})
        for name, n in (
            ("follow", 50),
            ("unfollow", 50),
            ("like", 50),
            ("unlike", 50),
            ("repost", 50),
            ("mute", 50),
            ("hide_reply", 50),
            ("create_post", 100),
            ("me", 75),
            ("user_posts", 900),
        )
    ]
    limits += [
        Limit("likes per day", 1_000, DAY, {"like": 1}),
        Limit("unlikes per day", 1_000, DAY, {"unlike": 1}),
        Limit("follows per day", 400, DAY, {"follow": 1}),
        Limit("posts per day", 2_400, DAY, {"create_post": 1, "repost": 1}),
        Limit("posts and reposts per 3 h", 300, 3 * HOUR, {"create_post": 1, "repost": 1}),
    ]
    return BudgetServer(clock, x.ENDPOINTS, limits, answer, too_many)


def x_target(verb: Verb, n: int) -> Target:
    if verb in (Verb.FOLLOW, Verb.UNFOLLOW, Verb.MUTE):
        return Target("account", f"{verb.value}{n}", f"user{n}")
    text = "Lovely light here" if verb is Verb.REPLY else None
    return Target("post", f"a{n}", f"user{n}", post_id=f"{verb.value}{n}", text=text)


async def test_x_every_verb_at_its_maximum_stays_inside_endpoint_and_account_caps(
    tmp_path: Path,
) -> None:
    clock = FakeClock(START)
    server = x_server(clock)
    cfg = config("x", access_tier="enterprise")
    counts = {
        Verb.FOLLOW: 120,
        Verb.UNFOLLOW: 60,
        Verb.LIKE: 60,
        Verb.UNLIKE: 60,
        Verb.REPOST: 170,
        Verb.REPLY: 170,
        Verb.MUTE: 60,
        Verb.HIDE_COMMENT: 60,
    }
    actions = mixed("x", counts, x_target)
    report, _ = await run(tmp_path, cfg, actions, clock, lambda a: x.build(a, deps(clock, server)))

    assert server.refused == []  # 0 429s
    assert server.peak("follow per 15 min") == 50 and server.peak("create_post per 15 min") >= 50
    assert server.peak("posts and reposts per 3 h") == 300
    assert server.count("me") == 1
    left = [r for r in report.results if r.status != "done"]
    assert report.counts()["done"] + len(left) == len(actions)
    assert all(r.status == "skipped" and "would wait past" in r.detail for r in left)


# --- Instagram: Business Use Case calls per rolling 24 h, reported only in usage headers ---------

IG_CALLS = 200  # Meta's BUC budget is 4,800 x impressions; a small account's, for the test


def instagram_server(clock: FakeClock) -> BudgetServer:
    box: list[BudgetServer] = []

    def usage() -> dict[str, str]:
        spent = box[0].spent["calls per 24 h"]
        now = clock.now()
        held = spent.held(now)
        regain = 0
        if held >= IG_CALLS and spent.entries:
            regain = int((spent.entries[0][0] + timedelta(days=1) - now).total_seconds() // 60) + 1
        entry = {
            "type": "instagram",
            "call_count": held * 100 // IG_CALLS,
            "total_cputime": 1,
            "total_time": 1,
            "estimated_time_to_regain_access": regain,
        }
        return {"x-business-use-case-usage": json.dumps({"17841400000000001": [entry]})}

    def answer(name: str, request: httpx.Request) -> httpx.Response:
        data = {"success": True} if name == "hide" else {"id": f"reply-{len(box[0].sent)}"}
        return httpx.Response(200, json=data, headers=usage())

    def too_many(limit: Limit, now: datetime) -> httpx.Response:
        error = {"message": "Application request limit reached", "type": "OAuthException"}
        return httpx.Response(403, json={"error": {**error, "code": 80002}}, headers=usage())

    box.append(
        BudgetServer(
            clock,
            _instagram_api.ENDPOINTS,
            [Limit("calls per 24 h", IG_CALLS, DAY, {"*": 1})],
            answer,
            too_many,
        )
    )
    return box[0]


def instagram_target(verb: Verb, n: int) -> Target:
    text = "Thank you!" if verb is Verb.REPLY else None
    return Target("post", f"c{n}", f"fan{n}", post_id=f"{verb.value}-comment-{n}", text=text)


async def test_instagram_stops_before_the_business_use_case_limit(tmp_path: Path) -> None:
    clock = FakeClock(START)
    server = instagram_server(clock)
    cfg = config("instagram", handle="studio.example")
    counts = {Verb.REPLY: 150, Verb.HIDE_COMMENT: 150}
    actions = mixed("instagram", counts, instagram_target)
    report, _ = await run(
        tmp_path, cfg, actions, clock, lambda a: instagram.build(a, deps(clock, server))
    )

    assert server.refused == []  # Meta never had to throttle
    calls = len(server.sent)
    assert 180 <= calls <= IG_CALLS  # 90 % reached, then one call an hour at most
    assert server.peak("calls per 24 h") == calls
    # every reply read the comment's replies first (is ours there?), and that read was paced
    assert server.count("replies") == server.count("reply")
    done = report.counts()["done"]
    assert done == server.count("reply") + server.count("hide")
    left = [r for r in report.results if r.status == "skipped"]
    assert len(left) == len(actions) - done
    assert all("would wait past" in r.detail and "(usage)" in r.detail for r in left)

"""Planning end to end on fake platforms: caps, policy packs, risk, unfollows, read guards."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from dataclasses import fields, replace
from datetime import timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from socialseed.clock import FakeClock, iso
from socialseed.config.schema import Config
from socialseed.errors import PolicyError, UnsafePlanError
from socialseed.model import Action, Candidate, ForbiddenPattern, Risk, Score, Target, Verb
from socialseed.model.plan import Plan
from socialseed.plan.filters import FilterResult
from socialseed.plan.planner import Existing, Scored, plan_account, rank_input
from socialseed.plan.run import PlanOptions, Runtime, make_plan, record
from socialseed.plan.topk import Shortlist
from socialseed.state.db import open_state
from socialseed.state.decisions import latest_decisions
from tests.plan.conftest import BASE_CONFIG
from tests.plan.fakes import NOW, FakeNetwork, FakePlatform, bot, capabilities, profile


def make_config(**changes: Any) -> Config:
    data = copy.deepcopy(BASE_CONFIG)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return Config.model_validate(data)


def run_plan(
    config: Config, network: FakeNetwork, db: Database | None = None, **options: Any
) -> tuple[Plan, Database]:
    db = db or open_state(None)
    runtime = Runtime(
        db=db,
        clock=FakeClock(NOW),
        platform_for=lambda a: FakePlatform(a.id, a.handle, network),
        capabilities_for=lambda a: network.caps,
    )
    made = asyncio.run(make_plan(config, runtime, PlanOptions(**options)))
    return made.plan, db


def seeded(count: int = 12, **kw: Any) -> FakeNetwork:
    network = FakeNetwork(**kw)
    network.sources["hashtag:filmphotography"] = [profile(f"u{i:02d}") for i in range(count)]
    return network


def test_caps_partly_used_earlier_today() -> None:
    db = open_state(None)
    for i in range(3):
        db["journal"].insert(
            {
                "account": "studio",
                "verb": "follow",
                "kind": "outcome",
                "status": "done",
                "at": iso(NOW - timedelta(hours=2 + i)),
                "action_id": f"x{i}",
            }
        )
    plan, _ = run_plan(make_config(), seeded(), db)
    counts = plan.summary["by_verb"]
    assert counts["follow"] == 2  # 5 a day, 3 already done
    part = plan.account_plan("studio")
    assert part is not None
    assert part.used_today == {"follow": 3}
    assert part.remaining == {"follow": 0, "like": 0}


def test_requires_human_verbs_are_never_auto_approved() -> None:
    network = seeded()
    network.caps = capabilities(requires_human=[Verb.FOLLOW])
    plan, db = run_plan(make_config(), network)
    follows = [a for a in plan.actions if a.verb is Verb.FOLLOW]
    likes = [a for a in plan.actions if a.verb is Verb.LIKE]
    assert follows and all(a.requires_human and not a.auto_approved for a in follows)
    assert likes and all(a.auto_approved for a in likes if a.risk is Risk.GREEN)
    assert record(db, plan, make_config(), now=NOW, path=None) == len(likes)
    decisions = latest_decisions(db, plan.id)
    assert set(decisions) == {a.id for a in likes}
    assert all(d.expires_at == NOW + timedelta(hours=24) for d in decisions.values())


def test_unknown_data_is_yellow_and_bots_are_red_with_reasons() -> None:
    network = FakeNetwork()
    network.sources["hashtag:filmphotography"] = [
        profile("known"),
        profile("mystery", followers=None),
        bot("b1", followers=900, following=1000),
    ]
    plan, _ = run_plan(make_config(), network)
    risk = {a.target.id: a for a in plan.actions if a.verb is Verb.FOLLOW}
    assert risk["known"].risk is Risk.GREEN
    assert risk["mystery"].risk is Risk.YELLOW
    assert "unknown followers: followers not given by the platform" in risk["mystery"].risk_reasons
    assert risk["b1"].risk is Risk.RED
    assert risk["b1"].risk_reasons[0].startswith("bot-like: authenticity")
    assert not risk["b1"].auto_approved and not risk["mystery"].auto_approved
    order = [a.target.id for a in plan.actions if a.verb is Verb.FOLLOW]
    assert order == ["known", "mystery", "b1"]  # best first


def test_unsupported_verb_names_platform_tier_and_offer() -> None:
    network = seeded()
    network.caps = capabilities(
        platform="x",
        supports=[Verb.REPOST, Verb.REPLY, Verb.HIDE_COMMENT, Verb.MUTE],
        unsupported_reasons={Verb.FOLLOW: "Enterprise access only since 2026-04-20"},
    )
    config = make_config(accounts__0__access_tier="pay_per_use")
    with pytest.raises(PolicyError) as err:
        run_plan(config, network)
    assert str(err.value).startswith(
        "studio: x (pay_per_use tier) does not offer follow: Enterprise access only since "
        "2026-04-20; it offers hide_comment, mute, reply, repost"
    )
    assert "remove actions.follow from targeting 'film'" in str(err.value)
    assert network.calls == []  # refused before any network call


def test_forbidden_pattern_is_a_plan_time_error() -> None:
    network = seeded()
    network.caps = capabilities(
        platform="x",
        forbidden=(
            ForbiddenPattern(
                "hashtag_auto_like",
                "auto-liking by keyword or hashtag is prohibited",
                "developer guidelines",
            ),
        ),
    )
    with pytest.raises(PolicyError) as err:
        run_plan(make_config(), network)
    text = str(err.value)
    assert "x forbids hashtag_auto_like: auto-liking by keyword or hashtag is prohibited" in text
    assert "(source: developer guidelines)" in text
    assert "actions.like_recent on hashtag discovery" in text
    assert network.calls == []


def test_churn_unfollows_refused_where_the_pack_forbids_them() -> None:
    network = seeded()
    network.caps = capabilities(unfollow_non_followers=False)
    config = make_config(
        targeting__film__actions={"follow": True, "unfollow_non_followers_after_days": 7}
    )
    with pytest.raises(PolicyError, match="does not allow unfollowing accounts that did not"):
        run_plan(config, network)


def test_unsupported_source_is_refused() -> None:
    network = seeded()
    network.caps = capabilities()
    object.__setattr__(network.caps, "sources", frozenset())
    with pytest.raises(PolicyError, match="offers no hashtag discovery"):
        run_plan(make_config(), network)


# -- unfollows and the read guard ---------------------------------------------------------------
UNFOLLOW_CONFIG = {
    "accounts__0__start_date": "2026-10-01",  # growth phase: 10 unfollows a day
    "targeting__film__actions": {"follow": True, "unfollow_non_followers_after_days": 7},
    "policy__thresholds": {"max_unfollow_pct_of_following": 50},
}


def _follows(db: Database, rows: list[tuple[str, str, int]]) -> None:
    for target, origin, days_ago in rows:
        db["relationships"].insert(
            {
                "account": "studio",
                "target_id": target,
                "target_handle": f"{target}.x",
                "origin": origin,
                "since": iso(NOW - timedelta(days=days_ago)),
            }
        )


def test_unfollows_only_socialseed_follows_that_did_not_follow_back() -> None:
    db = open_state(None)
    _follows(
        db,
        [
            ("old1", "socialseed", 30),
            ("old2", "socialseed", 20),
            ("back", "socialseed", 30),
            ("new", "socialseed", 2),
            ("mine", "manual", 40),
        ],
    )
    network = seeded(
        followers={"back", "z1", "z2"}, following={"old1", "old2", "back", "new", "mine"}
    )
    plan, _ = run_plan(make_config(**UNFOLLOW_CONFIG), network, db)
    unfollows = [a for a in plan.actions if a.verb is Verb.UNFOLLOW]
    assert [a.target.id for a in unfollows] == ["old1", "old2"]
    assert unfollows[0].reason == (
        "followed by SocialSeed on 2026-10-26; no follow-back after 7 days"
    )
    assert all(a.auto_approved and not a.requires_human for a in unfollows)


def test_unfollow_threshold_needs_force() -> None:
    db = open_state(None)
    _follows(db, [(f"old{i}", "socialseed", 30) for i in range(4)])
    network = seeded(followers={"x"}, following={f"old{i}" for i in range(4)})
    config = make_config(
        **{**UNFOLLOW_CONFIG, "policy__thresholds": {"max_unfollow_pct_of_following": 5}}
    )
    with pytest.raises(UnsafePlanError) as err:
        run_plan(config, network, db)
    assert "4 unfollows is 100.00% of 4 following, over max_unfollow_pct_of_following 5%" in str(
        err.value
    )
    assert err.value.exit_code == 3
    plan, _ = run_plan(config, network, db, force=True)
    assert plan.notes[0].startswith("forced past: studio: 4 unfollows")


@pytest.mark.parametrize(
    ("followers", "message"),
    [
        (set(), "the followers read came back empty (was 120)"),
        ({f"f{i}" for i in range(50)}, "the followers read shrank 58.3% (120 -> 50), over 20%"),
    ],
)
def test_empty_or_shrinking_read_stops_the_plan(followers: set[str], message: str) -> None:
    db = open_state(None)
    _follows(db, [("old1", "socialseed", 30)])
    db["snapshots"].insert(
        {
            "account": "studio",
            "taken_at": iso(NOW - timedelta(days=1)),
            "followers": 120,
            "following": 1,
        }
    )
    network = seeded(followers=followers, following={"old1"})
    with pytest.raises(UnsafePlanError) as err:
        run_plan(make_config(**UNFOLLOW_CONFIG), network, db)
    assert message in str(err.value)
    assert err.value.exit_code == 3
    plan, _ = run_plan(make_config(**UNFOLLOW_CONFIG), network, db, force=True)
    assert not [a for a in plan.actions if a.verb is Verb.UNFOLLOW]  # never turned into unfollows
    part = plan.account_plan("studio")
    assert part is not None and any(message in n for n in part.notes)


def test_never_refollows_and_skips_existing_follows() -> None:
    db = open_state(None)
    _follows(db, [("u00", "socialseed", 3), ("u01", "manual", 3)])
    db["relationships"].update(("studio", "u00"), {"unfollowed_at": iso(NOW - timedelta(days=1))})
    plan, _ = run_plan(make_config(), seeded(), db)
    targets = {a.target.id for a in plan.actions}
    assert "u00" not in targets and "u01" not in targets
    notes = " ".join(plan.accounts[0].notes)
    assert "dropped 1 candidate(s): unfollowed" in notes
    assert "dropped 1 candidate(s): manual" in notes


# -- posts, costs, cache ------------------------------------------------------------------------
def test_recent_posts_fetched_for_top_candidates_only_and_cached() -> None:
    network = FakeNetwork()
    network.sources["hashtag:filmphotography"] = [
        profile(f"u{i:02d}", recent_posts=()) for i in range(30)
    ]
    network.posts = {f"u{i:02d}": list(profile(f"u{i:02d}").recent_posts) for i in range(30)}
    plan, db = run_plan(make_config(), network)
    fetched = [c for c in network.calls if c[0] == "recent_posts"]
    assert 0 < len(fetched) <= 12  # like cap 6, one per candidate, twice for spares
    likes = [a for a in plan.actions if a.verb is Verb.LIKE]
    assert len(likes) == 6 and all(a.target.post_id for a in likes)
    assert likes[0].target.post_id == f"{likes[0].target.id}-p0"  # the newest post
    before = len(network.calls)
    again, _ = run_plan(make_config(), network, db)
    assert len(network.calls) == before
    assert again.to_json() == plan.to_json()


def test_cost_per_action_from_capabilities() -> None:
    network = seeded()
    network.caps = capabilities(cost_usd={Verb.FOLLOW: 0.015})
    plan, _ = run_plan(make_config(), network)
    assert plan.summary["cost_usd"] == pytest.approx(5 * 0.015)
    part = plan.account_plan("studio")
    assert part is not None and part.cost_usd == pytest.approx(0.075)


def test_heuristic_scores_are_cached_in_state() -> None:
    plan, db = run_plan(make_config(), seeded())
    assert db["scores"].count == 12
    keys = {r["scorer"] + "@" + r["version"] for r in db["scores"].rows}
    assert keys == {"heuristic@1.1"}
    assert plan.scorers == {"heuristic@1.1": 12}


def test_unknown_provider_without_router_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_router(name: str, *args: Any, **kw: Any) -> Any:
        if name == "socialseed.scoring.router":
            raise ModuleNotFoundError(name=name)
        return real(name, *args, **kw)

    import importlib

    monkeypatch.setattr(importlib, "import_module", lambda name: no_router(name))
    from socialseed.errors import ConfigError

    config = make_config(targeting__film__scoring={"provider": "fancy"})
    with pytest.raises(ConfigError, match="no scoring router"):
        run_plan(config, seeded())


def test_plan_records_config_digest_expiry_and_serial() -> None:
    from socialseed.config.digest import config_digest

    db = open_state(None)
    db["accounts"].insert({"id": "studio", "state_serial": 7})
    config = make_config(policy__plan_ttl="6h")
    plan, _ = run_plan(config, seeded(), db)
    assert plan.config_sha256 == config_digest(config)
    assert plan.expires_at == NOW + timedelta(hours=6)
    assert plan.accounts[0].state_serial == 7


def test_follows_found_on_the_platform_count_as_manual() -> None:
    db = open_state(None)
    _follows(db, [("old1", "socialseed", 30)])
    network = seeded(followers={"x", "y"}, following={"old1", "u03"})
    plan, _ = run_plan(make_config(**UNFOLLOW_CONFIG), network, db)
    assert "u03" not in {a.target.id for a in plan.actions if a.verb is Verb.FOLLOW}
    assert "dropped 1 candidate(s): manual" in " ".join(plan.accounts[0].notes)


def test_sources_are_paged_up_to_their_limit() -> None:
    network = seeded(count=35)
    config = make_config(
        targeting__film__sources=[{"hashtag": "filmphotography", "limit": 25}],
        policy__thresholds={"max_actions_per_plan": 500},
    )
    _plan, db = run_plan(config, network)
    pages = [c for c in network.calls if c[0] == "discover"]
    assert pages == [
        ("discover", "hashtag:filmphotography@0"),
        ("discover", "hashtag:filmphotography@10"),
        ("discover", "hashtag:filmphotography@20"),
    ]
    assert db["candidates"].count == 30  # the whole last page: the cursor moved past it
    fetch = next(iter(db["source_fetches"].rows))
    assert fetch["count"] == 30 and fetch["fetched_at"] == iso(NOW)


def test_a_paused_account_gets_no_actions_and_a_note_saying_why() -> None:
    from socialseed.state.accounts import pause, resume

    db = open_state(None)
    pause(db, "studio", reason="too many errors", now=NOW)
    plan, _ = run_plan(make_config(), seeded(), db)
    assert plan.actions == []  # nothing is proposed (nor auto-approved) that could never run
    assert plan.accounts[0].notes == (
        "paused until resumed (too many errors): no actions proposed, apply would refuse "
        "them; 'socialseed resume studio' lifts the pause",
    )
    resume(db, "studio", now=NOW)
    plan, _ = run_plan(make_config(), seeded(), db)
    assert plan.actions


def test_other_providers_go_through_the_scoring_router() -> None:
    config = make_config(targeting__film__scoring={"provider": "auto", "min_authenticity": 0.5})
    plan, _ = run_plan(config, seeded())
    assert plan.actions  # no provider is configured: the router falls back to the heuristic
    assert set(plan.scorers) == {"heuristic@1.1"}


def test_every_account_is_checked_before_any_network_call() -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["accounts"].append({**data["accounts"][0], "id": "second", "handle": "second.example"})
    config = Config.model_validate(data)
    network = seeded()
    refusing = capabilities(supports=[Verb.REPOST])
    runtime = Runtime(
        db=open_state(None),
        clock=FakeClock(NOW),
        platform_for=lambda a: FakePlatform(a.id, a.handle, network),
        capabilities_for=lambda a: refusing if a.id == "second" else network.caps,
    )
    with pytest.raises(PolicyError, match="second: sandbox does not offer follow"):
        asyncio.run(make_plan(config, runtime, PlanOptions()))
    assert network.calls == []


def test_managed_accounts_are_never_targets() -> None:
    network = seeded(count=3)
    own = BASE_CONFIG["accounts"][0]["handle"]
    network.sources["hashtag:filmphotography"].append(profile("self", handle=own))
    plan, _ = run_plan(make_config(), network)
    assert own not in {a.target.handle for a in plan.actions}
    part = plan.account_plan("studio")
    assert part is not None
    assert any("managed_account" in note for note in part.notes)


def test_posts_already_liked_are_not_proposed_again() -> None:
    first, db = run_plan(make_config(), seeded(count=2))
    likes = [a for a in first.actions if a.verb is Verb.LIKE]
    assert likes
    for action in likes:
        db["journal"].insert(
            {
                "account": "studio",
                "verb": "like",
                "kind": "outcome",
                "status": "done",
                "at": iso(NOW - timedelta(days=2)),
                "action_id": action.id,
            }
        )
    again, _ = run_plan(make_config(), seeded(count=2), db)
    liked = {a.target.post_id for a in likes}
    assert not [a for a in again.actions if a.verb is Verb.LIKE and a.target.post_id in liked]


def test_a_plan_served_from_the_cache_connects_no_platform() -> None:
    """The account's platform is built when a read needs it: the first plan reads its source,
    the second (within cache_ttl) is served from the state file and builds none, and proposes
    the same actions."""
    network, db, built = seeded(), open_state(None), []

    def build(account: Any) -> FakePlatform:
        built.append(account.id)
        return FakePlatform(account.id, account.handle, network)

    runtime = Runtime(
        db=db, clock=FakeClock(NOW), platform_for=build, capabilities_for=lambda a: network.caps
    )
    first = asyncio.run(make_plan(make_config(), runtime, PlanOptions())).plan
    assert built == ["studio"]
    second = asyncio.run(make_plan(make_config(), runtime, PlanOptions())).plan
    assert built == ["studio"]
    assert [a.to_data() for a in second.actions] == [a.to_data() for a in first.actions]
    assert len(first.actions) > 0


def test_every_planned_action_holds_every_field_of_an_action() -> None:
    """The planner makes its actions and targets without the dataclass's ``__init__`` (a setattr
    per field is a tenth of a long walk): each holds every field, equal to one made by
    ``__init__``."""
    plan, _ = run_plan(make_config(), seeded())
    names = {f.name for f in fields(Action)}
    target_names = {f.name for f in fields(Target)}
    assert {a.verb for a in plan.actions} == {Verb.FOLLOW, Verb.LIKE}
    for action in plan.actions:
        assert set(vars(action)) == names
        assert action == replace(action)
        assert set(vars(action.target)) == target_names
        assert action.target == replace(action.target)


def test_the_walk_builds_no_candidate_past_where_today_s_budgets_are_used() -> None:
    """Candidates are built as the walk reaches them, as many at once as today's budgets can
    use at the least: with 5 follows and 6 likes left (one like a candidate), 6 of 40."""
    config = make_config()
    items = [
        Scored(
            Candidate(profile(f"u{i:02d}"), "hashtag:filmphotography", "film"),
            FilterResult(()),
            Score(0.9, 0.9 - i / 100, "engage", (), "heuristic", "1.1"),
        )
        for i in range(40)
    ]
    built: list[int] = []

    def build(indices: list[int]) -> list[Scored]:
        built.extend(indices)
        return [items[i] for i in indices]

    pool = Shortlist([rank_input(s) for s in items], lambda _: config.targeting["film"].scoring,
                     build, Counter())  # fmt: skip
    part = plan_account(config, config.accounts[0], capabilities(), pool, Existing(), NOW)

    assert Counter(a.verb for a in part.actions) == {Verb.FOLLOW: 5, Verb.LIKE: 6}
    assert built == list(range(6))

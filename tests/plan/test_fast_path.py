"""The plan's fast data path (SQL filters over typed columns, cached score numbers, a heap
that builds only the candidates the walk reaches) against a plain reference: full profiles,
``apply_filters`` on each, every score made, ranked by expected follow-back from the decoded
profiles, a full sort. Same inputs, same verdicts, same plan.
"""

from __future__ import annotations

import asyncio
import copy
import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from socialseed.clock import FakeClock
from socialseed.config.schema import Config, Filters, Targeting, TargetScoring
from socialseed.model import Candidate, Post, Profile, Score, Verb
from socialseed.model.plan import Plan
from socialseed.plan import policy, ranking
from socialseed.plan.discovery import discover_account
from socialseed.plan.filter_sql import filter_query, relationship_verdicts
from socialseed.plan.filters import (
    UNKNOWN,
    Check,
    FilterContext,
    FilterResult,
    Relationship,
    apply_filters,
)
from socialseed.plan.planner import Existing, Scored, assemble_plan, plan_account, rank_input
from socialseed.plan.run import PlanOptions, Runtime, make_plan
from socialseed.plan.scoring import topic_of
from socialseed.plan.topk import Shortlist
from socialseed.scoring.heuristic import HeuristicScorer
from socialseed.state import candidates as store
from socialseed.state import growth as growth_store
from socialseed.state.db import open_state
from tests.plan.conftest import BASE_CONFIG
from tests.plan.fakes import NOW, FakeNetwork, FakePlatform

WORDS = ["film", "35mm", "darkroom", "#nobot", "crypto", "bread", "Ünïcode", "KELVIN", ""]
HANDLES = ["ann.example", "spam.bot", "Bob.example", "@cara.example", "studio.example"]
SOURCES = ("hashtag:filmphotography", "search:35mm film")
PROFILE_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

counts = st.none() | st.integers(min_value=0, max_value=40_000)
stamps = st.none() | st.integers(min_value=0, max_value=200).map(
    lambda h: NOW - timedelta(hours=h * 7, microseconds=h)
)
texts = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)


@st.composite
def profiles(draw: st.DrawFn, pid: str) -> Profile:
    posts = tuple(
        Post(f"{pid}-p{i}", pid, draw(texts), draw(stamps))
        for i in range(draw(st.integers(min_value=0, max_value=2)))
    )
    return Profile(
        platform="sandbox",
        id=pid,
        handle=draw(st.sampled_from(HANDLES)).replace("ann", f"ann{pid}"),
        display_name=draw(texts),
        bio=draw(texts),
        followers=draw(counts),
        following=draw(counts),
        posts=draw(counts),
        last_active=draw(stamps),
        created_at=draw(stamps),
        has_avatar=draw(st.none() | st.booleans()),
        language=draw(st.none() | st.sampled_from(["en", "en-GB", "EN", "de", "pt-br"])),
        recent_posts=posts,
    )


def bounds() -> st.SearchStrategy[dict[str, float]]:
    low = st.none() | st.sampled_from([0.0, 20.0, 0.5, 300.0])
    high = st.none() | st.sampled_from([1.0, 3.0, 20_000.0])
    return st.builds(
        lambda lo, hi: {k: v for k, v in (("min", lo), ("max", hi)) if v is not None},
        low,
        high,
    ).filter(lambda b: b.get("min", 0) <= b.get("max", 1e9))


filter_sets = st.fixed_dictionaries(
    {},
    optional={
        "followers": bounds(),
        "following": bounds(),
        "ratio": bounds(),
        "min_posts": st.integers(min_value=0, max_value=500),
        "active_within_days": st.integers(min_value=1, max_value=60),
        "require_avatar": st.booleans(),
        "bio_include": st.lists(st.sampled_from(["film", "35mm", "kelvin", "ünï"]), max_size=2),
        "bio_exclude": st.lists(st.sampled_from(["crypto", "bread", "#nobot"]), max_size=2),
        "languages": st.lists(st.sampled_from(["en", "de", "pt"]), max_size=2),
        "skip_opt_out": st.booleans(),
        "blocklist": st.lists(st.sampled_from(["spam*", "*.bot", "b?b*"]), max_size=2),
        "allowlist": st.lists(st.sampled_from(["bob*", "cara.*"]), max_size=1),
    },
)


def _relationships(draw: st.DrawFn, ids: list[str]) -> dict[str, Relationship]:
    rels: dict[str, Relationship] = {}
    for pid in draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) if ids else []:
        kind = draw(st.sampled_from(["socialseed", "manual", "unfollowed"]))
        gone = NOW - timedelta(days=3) if kind == "unfollowed" else None
        origin = "manual" if kind == "manual" else "socialseed"
        rels[pid] = Relationship(pid, origin=origin, unfollowed_at=gone)
    return rels


def _store(db: Database, found: list[Profile]) -> None:
    """Half the profiles under each source (and one in both), as discovery would cache them."""
    first = [Candidate(p, SOURCES[0], "film") for p in found[::2]]
    second = [Candidate(p, SOURCES[1], "film") for p in found[1::2] + found[:1]]
    store.store_candidates(db, "studio", SOURCES[0], first, now=NOW)
    store.store_candidates(db, "studio", SOURCES[1], second, now=NOW)


# -- the filters -------------------------------------------------------------------------------
@PROFILE_SETTINGS
@given(st.data())
def test_sql_filters_give_the_verdicts_of_apply_filters(data: st.DataObject) -> None:
    found = [data.draw(profiles(f"u{i}")) for i in range(data.draw(st.integers(1, 8)))]
    raw = data.draw(filter_sets)
    filters = Filters.model_validate({k: v for k, v in raw.items() if "list" not in k})
    rels = _relationships(data.draw, [p.id for p in found])
    allow_manual = data.draw(st.booleans())
    ctx = FilterContext(
        now=NOW,
        blocklist=tuple(raw.get("blocklist", ())),
        allowlist=tuple(raw.get("allowlist", ())),
        relationships=rels,
        allow_manual=allow_manual,
    )
    db = open_state(None)
    _store(db, found)
    store.set_relationship_verdicts(db, "studio", relationship_verdicts(rels, allow_manual))
    query = filter_query(filters, ctx, ["studio.example"])
    dropped: Counter[str] = Counter()
    passing: dict[str, bool] = {}
    earlier: list[str] = []
    for source in SOURCES:
        dropped.update(store.drop_counts(db, "studio", source, earlier, query))
        for row in store.passing_rows(db, "studio", source, earlier, query, None):
            passing[row[0]] = bool(row[4])
        earlier.append(source)

    expected_dropped: Counter[str] = Counter()
    expected_passing: dict[str, bool] = {}
    for profile in found:  # every profile once (the one in both sources counts under the first)
        if profile.handle.lstrip("@").lower() == "studio.example":
            expected_dropped["managed_account"] += 1
            continue
        result = apply_filters(profile, filters, ctx)
        if result.failed is not None:
            expected_dropped[result.failed.name] += 1
        else:
            expected_passing[profile.id] = bool(result.unknown)
    assert dropped == expected_dropped
    assert passing == expected_passing


# -- the ranking -------------------------------------------------------------------------------
def _reference_ranked(items: list[Scored], scoring: TargetScoring) -> list[Scored]:
    """The plain way: assess every candidate, sort them all (stable): by risk, then by the
    ranker's place when there is one, else by score and id."""
    kept = [s for s in items if s.score.relevance >= scoring.min_relevance]
    risks = [policy.assess(Verb.FOLLOW, s.score, s.filters, scoring)[0] for s in kept]

    def key(i: int) -> tuple[int, float, str]:
        item = kept[i]
        if item.place is not None:
            return (risks[i].rank, item.place, "")
        combined = round(item.score.authenticity + item.score.relevance, 6)
        return (risks[i].rank, -combined, item.candidate.profile.id)

    return [kept[i] for i in sorted(range(len(kept)), key=key)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d", "e", "f"]),
            st.sampled_from([0.0, 0.3, 0.45, 0.5, 0.55, 0.6, 0.9, 1.0]),
            st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
            st.sampled_from(["engage", "caution", "avoid"]),
            st.booleans(),
        ),
        max_size=40,
    ),
    st.sampled_from([0.0, 0.3, 0.5]),
    st.sampled_from([0.0, 0.2]),
    st.none() | st.randoms(use_true_random=False),
)
def test_the_heap_walks_in_the_order_of_a_full_sort(
    entries: list[tuple[str, float, float, str, bool]],
    floor: float,
    least: float,
    shuffle: random.Random | None,
) -> None:
    scoring = TargetScoring(min_authenticity=floor, min_relevance=least)
    unknown = FilterResult((Check("avatar", UNKNOWN, "avatar not given by the platform"),))
    items = [
        Scored(
            Candidate(Profile("sandbox", pid, f"{pid}.example"), SOURCES[0], "film"),
            unknown if not_known else FilterResult(()),
            Score(auth, rel, rec, (), "heuristic", "1.1"),
        )
        for pid, auth, rel, rec, not_known in entries
    ]
    if shuffle is not None:  # ranked by expected follow-back: a place each, in any order
        places = list(range(len(items)))
        shuffle.shuffle(places)
        items = [replace(s, place=p) for s, p in zip(items, places, strict=True)]
    pool = Shortlist(
        [rank_input(s) for s in items],
        lambda _: scoring,
        lambda indices: [items[i] for i in indices],
        Counter(),
        [s.place for s in items],
    )
    walked = list(pool.best_first())
    reference = _reference_ranked(items, scoring)
    assert [id(s) for s in walked] == [id(s) for s in reference]
    assert len(pool) == len(reference)
    assert pool.low_relevance == len(items) - len(reference)


# -- the whole plan ----------------------------------------------------------------------------
def _config(raw: dict[str, Any], like: int, control_pct: float) -> Config:
    data = copy.deepcopy(BASE_CONFIG)
    film = data["targeting"]["film"]
    film["filters"] = {k: v for k, v in raw.items() if k != "allowlist"}
    film["filters"]["allowlist"] = raw.get("allowlist", [])
    film["actions"] = {"follow": True, "like_recent": like}
    film["scoring"] = {"provider": "heuristic", "min_authenticity": 0.55, "min_relevance": 0.1}
    film["experiment"] = {"control_pct": control_pct}
    data["phases"]["standard"][0]["daily"] = {"follow": 4, "like": 3}
    return Config.model_validate(data)


def _fast_plan(config: Config, db: Database, network: FakeNetwork) -> Plan:
    runtime = Runtime(
        db=db,
        clock=FakeClock(NOW),
        platform_for=lambda a: FakePlatform(a.id, a.handle, network),
        capabilities_for=lambda a: network.caps,
    )
    return asyncio.run(make_plan(config, runtime, PlanOptions())).plan


def _reference_plan(config: Config, db: Database, network: FakeNetwork, *, warm: bool) -> Plan:
    """Every candidate decoded, filtered with its texts and scored, then planned."""
    account = config.accounts[0]
    targeting = config.targeting["film"]
    platform = FakePlatform(account.id, account.handle, network)
    found = asyncio.run(discover_account(platform, account, {"film": targeting}, db, now=NOW))
    ctx = FilterContext(
        now=NOW,
        blocklist=(*config.policy.blocklist, *targeting.filters.blocklist),
        allowlist=(*config.policy.allowlist, *targeting.filters.allowlist),
    )
    passed: list[tuple[Candidate, FilterResult]] = []
    dropped: Counter[str] = Counter()
    for candidate in found.candidates:
        if candidate.profile.handle.lstrip("@").lower() == account.handle:
            dropped["managed_account"] += 1
            continue
        result = apply_filters(candidate.profile, targeting.filters, ctx)
        if result.failed is not None:
            dropped[result.failed.name] += 1
        else:
            passed.append((candidate, result))
    scorer = HeuristicScorer(now=NOW)
    scores = asyncio.run(scorer.score([c for c, _ in passed], topic_of(targeting)))
    if warm:  # what the cache gives back
        scores = [Score.from_data(s.to_data()) for s in scores]
    items = [Scored(c, r, s) for (c, r), s in zip(passed, scores, strict=True)]
    items, notes = _reference_ranking(db, account.id, targeting, items)
    state = Existing(dropped=dict(dropped), notes=notes)
    part = plan_account(config, account, network.caps, items, state, NOW)
    return assemble_plan(config, [part], NOW)


def _reference_ranking(
    db: Database, account: str, targeting: Targeting, items: list[Scored]
) -> tuple[list[Scored], tuple[str, ...]]:
    """Expected follow-back from each decoded profile (not the cache's numbers), the account's
    outcomes so far, and the targeting's order with its control group."""
    if not items:
        return items, ()
    made_before = NOW - timedelta(days=growth_store.MATURE_DAYS)
    outcomes = growth_store.labelled(db, account, made_before=made_before)
    ranker = ranking.Ranker([ranking.Outcome(o.features, o.followed_back) for o in outcomes])
    expected = ranker.expected(
        [ranking.features(s.candidate.profile, s.candidate.source, s.score, NOW) for s in items]
    )
    ranks = ranking.rank_pool(
        [(s.candidate.profile.id, "film") for s in items],
        expected,
        control_pct={"film": targeting.experiment.control_pct},
        seed_of={"film": f"{account}:film:{NOW.date().isoformat()}"},
    )
    ranked = [
        replace(s, expected=r.expected, arm=r.arm, place=r.place)
        for s, r in zip(items, ranks, strict=True)
    ]
    return ranked, (f"ranking by expected follow-back: {ranker.describe()}",)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_path_plans_what_the_reference_plans(data: st.DataObject) -> None:
    found = [data.draw(profiles(f"u{i:02d}")) for i in range(data.draw(st.integers(1, 24)))]
    raw = data.draw(filter_sets)
    config = _config(raw, data.draw(st.sampled_from([0, 1])), data.draw(st.sampled_from([0, 25])))
    network = FakeNetwork()
    db = open_state(None)
    _store(db, found)
    for warm in (False, True):  # the first plan scores (cold), the second reads the cache
        fast = _fast_plan(config, db, network)
        reference = _reference_plan(config, db, network, warm=warm)
        assert [a.to_data() for a in fast.actions] == [a.to_data() for a in reference.actions]
        assert fast.accounts == reference.accounts
        assert fast.scorers == reference.scorers

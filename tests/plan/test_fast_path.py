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
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from socialseed.clock import FakeClock
from socialseed.config.schema import Config, Filters, Targeting, TargetScoring
from socialseed.model import Candidate, Post, Profile, Score, Verb
from socialseed.model.plan import AccountPlan, Plan
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
from socialseed.plan.pool import Part, Pool
from socialseed.plan.run import PlanOptions, Runtime, make_plan
from socialseed.plan.scoring import topic_of
from socialseed.plan.topk import RankColumns, Shortlist
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import (
    FactColumns,
    Facts,
    HeuristicScorer,
    numbers,
    numbers_columns,
    topic_terms,
)
from socialseed.state import candidates as store
from socialseed.state import growth as growth_store
from socialseed.state.db import open_state
from socialseed.state.relationships import mark_followed_back_many, record_follows
from tests.plan.conftest import BASE_CONFIG
from tests.plan.fakes import NOW, FakeNetwork, FakePlatform
from tests.plan.ranking_reference import reference_ranks

WORDS = ["film", "35mm", "darkroom", "#nobot", "crypto", "bread", "Ünïcode", "KELVIN", ""]
HANDLES = ["ann.example", "spam.bot", "Bob.example", "@cara.example", "studio.example"]
SOURCES = ("hashtag:filmphotography", "search:35mm film")
PROFILE_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

counts = st.none() | st.integers(min_value=0, max_value=40_000)


def _stamp(h: int) -> datetime:
    return NOW - timedelta(hours=h * 7, microseconds=h)


# named functions, not lambdas, in strategies: hypothesis reads a lambda's source to describe
# it, and that parse once failed inside the interpreter (SystemError) in a full run
stamps = st.none() | st.integers(min_value=0, max_value=200).map(_stamp)
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
    return st.builds(_bound, low, high).filter(_ordered)


def _bound(lo: float | None, hi: float | None) -> dict[str, float]:
    return {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}


def _ordered(bound: dict[str, float]) -> bool:
    return bound.get("min", 0) <= bound.get("max", 1e9)


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
    _filters_agree(data, open_state(None))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_sql_filters_on_postgresql_give_the_verdicts_of_apply_filters(
    pg_state_url: str, data: st.DataObject
) -> None:
    """The same filter SQL, rewritten for PostgreSQL (handle patterns as a regex, ``like`` and
    ``instr``, truth values): the same verdicts. One database, emptied between examples."""
    db = open_state(pg_state_url)
    for table in ("candidates", "source_fetches"):
        db.conn.execute(f"delete from {table}")
    try:
        _filters_agree(data, db)
    finally:
        db.conn.close()


def _filters_agree(data: st.DataObject, db: Any) -> None:
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
    _store(db, found)
    by_id = {p.id: p for p in found}
    store.set_relationship_verdicts(db, "studio", relationship_verdicts(rels, allow_manual))
    query = filter_query(filters, ctx, ["studio.example"])
    dropped: Counter[str] = Counter()
    passing: dict[str, bool] = {}
    earlier: list[str] = []
    for source in SOURCES:
        counts, rows = store.filter_source(db, "studio", source, earlier, query, None)
        dropped.update(counts)
        for row in rows:
            passing[row[0]] = store.row_flags(row[-1])[0]
        earlier.append(source)
        # the pool holds each passing profile's typed numbers (some packed in one value)
        pool = Pool.of([Part("film", source, rows)])
        for i, pid in enumerate(pool.profile_id):
            profile = by_id[pid]
            avatar = None if profile.has_avatar is None else int(profile.has_avatar)
            typed = store.typed_fields(profile)
            assert pool.known_of(i)[:6] == (
                profile.followers,
                profile.following,
                profile.posts,
                typed["last_seen_us"],
                avatar,
                source,
            )
            assert int(pool.post_count[i]) == len(profile.recent_posts)
            assert bool(pool.unknown[i]) == passing[pid]
            assert pool.rowid[i] == rows[i][4] and pool.cached[i] == 0

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


def test_the_ratio_filter_of_a_profile_without_followers_on_each_backend(state_db: Any) -> None:
    """Following per follower is infinite with no followers (0 when both are 0): a ``ratio.max``
    drops such a profile, a ``ratio.min`` keeps it, on SQLite and on PostgreSQL alike (where an
    out-of-range literal once failed the statement)."""
    found = [
        replace(_plain(f"u{i}"), followers=followers, following=following)
        for i, (followers, following) in enumerate([(0, 1), (0, 0), (10, 5), (4, 40)])
    ]
    _store(state_db, found)
    store.set_relationship_verdicts(state_db, "studio", {})
    ctx = FilterContext(now=NOW, blocklist=(), allowlist=(), relationships={}, allow_manual=False)
    verdicts = {}
    for bound in ({"max": 1.0}, {"min": 0.5}):
        query = filter_query(Filters.model_validate({"ratio": bound}), ctx, ["studio.example"])
        counts, rows = store.filter_source(state_db, "studio", SOURCES[0], [], query, None)
        passing = [row[0] for row in rows]
        more, others = store.filter_source(
            state_db, "studio", SOURCES[1], [SOURCES[0]], query, None
        )
        dropped = Counter(counts) + Counter(more)
        verdicts[next(iter(bound))] = (dropped, sorted(passing + [r[0] for r in others]))
    assert verdicts["max"] == (Counter(ratio=2), ["u1", "u2"])
    assert verdicts["min"] == (Counter(ratio=1), ["u0", "u2", "u3"])


def _plain(pid: str) -> Profile:
    return Profile(platform="sandbox", id=pid, handle=f"ann{pid}.example", bio="film")


# -- the heuristic's numbers -------------------------------------------------------------------
@PROFILE_SETTINGS
@given(
    st.data(),
    st.sampled_from(["", "People who shoot analog film in a darkroom."]),
    st.lists(st.sampled_from(["film", "35mm", "#darkroom", "kelvin", "film roll"]), max_size=3),
    st.integers(min_value=0, max_value=10**12),
)
def test_the_numbers_from_typed_columns_are_those_of_score_one(
    data: st.DataObject, description: str, keywords: list[str], later_us: int
) -> None:
    """The cold path's numbers (typed columns and two fields of the JSON, no profile built)
    are bit for bit those of the heuristic's ``score_one``."""
    found = [data.draw(profiles(f"u{i}")) for i in range(data.draw(st.integers(1, 8)))]
    db = open_state(None)
    _store(db, found)
    now = NOW + timedelta(microseconds=later_us)
    terms = topic_terms(Topic(description, tuple(keywords), ("filmphotography",)))
    rowids = [r for (r,) in db.conn.execute("select rowid from candidates")]
    by_id = {p.id: p for p in found}
    pids = dict(db.conn.execute("select rowid, profile_id from candidates").fetchall())
    rows, columns = store.score_fact_columns(db, rowids)
    db.conn.execute("update candidates set created_us = null, post_facts = null")
    # a row without the typed facts (written elsewhere): read from its JSON, the same columns
    assert repr(store.score_fact_columns(db, rowids)) == repr((rows, columns))
    auth, rel, rec = numbers_columns(FactColumns(*columns), terms, store.micros(now))
    in_columns = list(zip(auth.tolist(), rel.tolist(), rec.tolist(), strict=True))
    for at, facts in enumerate(store.score_facts(db, rowids)):
        made = numbers(Facts(*facts[1:]), terms, store.micros(now))
        score = HeuristicScorer(now=now).score_one(by_id[pids[facts[0]]], terms)
        assert made == (score.authenticity, score.relevance, score.recommendation)
        assert (rows[at], in_columns[at]) == (facts[0], made)  # the columns: the same numbers


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
    if shuffle is not None:  # the plan's way: columns of numbers, one sort
        columns = RankColumns(
            [s.candidate.targeting for s in items],
            np.array([s.score.authenticity for s in items], dtype=float),
            np.array([s.score.relevance for s in items], dtype=float),
            [s.score.recommendation for s in items],
            np.array([bool(s.filters.unknown) for s in items], dtype=bool),
            np.array([s.place for s in items], dtype=np.int64),
        )
        sorted_once = Shortlist.of_columns(
            columns, lambda _: scoring, lambda indices: [items[i] for i in indices], Counter()
        )
        assert [id(s) for s in sorted_once.best_first()] == [id(s) for s in reference]
        assert sorted_once.low_relevance == pool.low_relevance


# -- the whole plan ----------------------------------------------------------------------------
def _config(
    raw: dict[str, Any], like: int, control_pct: float, caps: tuple[int, int] = (4, 3)
) -> Config:
    data = copy.deepcopy(BASE_CONFIG)
    film = data["targeting"]["film"]
    film["filters"] = {k: v for k, v in raw.items() if k != "allowlist"}
    film["filters"]["allowlist"] = raw.get("allowlist", [])
    film["actions"] = {"follow": True, "like_recent": like}
    film["scoring"] = {"provider": "heuristic", "min_authenticity": 0.55, "min_relevance": 0.1}
    film["experiment"] = {"control_pct": control_pct}
    data["phases"]["standard"][0]["daily"] = {"follow": caps[0], "like": caps[1]}
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
    ranks = reference_ranks(
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


def _outcomes(db: Database, account: str, draw: st.DrawFn) -> None:
    """Follows made long enough ago to judge, half of them followed back, with features
    drawn as the ranker makes them: enough for the ranker to learn (its model, not the prior,
    then ranks)."""
    since = NOW - timedelta(days=growth_store.MATURE_DAYS + 5)
    proposals = []
    for i in range(ranking.MIN_OUTCOMES + 4):
        known = ranking.Known(
            draw(counts),
            draw(counts),
            draw(counts),
            store.micros(NOW - timedelta(days=draw(st.integers(0, 90)))),
            draw(st.sampled_from([None, 0, 1])),
            draw(st.sampled_from(SOURCES)),
            draw(st.floats(0, 1)),
            draw(st.floats(0, 1)),
        )
        features = ranking.features_of(known, store.micros(since))
        proposals.append(
            growth_store.Proposal(f"old{i}", "film", known.source, "chosen", 0.1, features)
        )
    growth_store.record_proposals(db, account, proposals, now=since)
    ids = [p.target_id for p in proposals]
    record_follows(db, account, [(t, "socialseed", since) for t in ids])
    mark_followed_back_many(db, account, ids[::2], at=since + timedelta(days=1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_path_plans_what_the_reference_plans(data: st.DataObject) -> None:
    """Filters, scores (made cold, then read warm), expected follow-back (the prior, or a model
    learned from outcomes), places with a control group, risk, the top of the pool and today's
    caps: the fast path and the reference plan the same actions."""
    found = [data.draw(profiles(f"u{i:02d}")) for i in range(data.draw(st.integers(1, 24)))]
    raw = data.draw(filter_sets)
    like, control = data.draw(st.sampled_from([0, 1])), data.draw(st.sampled_from([0, 25]))
    caps = data.draw(st.tuples(st.integers(2, 6), st.integers(1, 4)))  # hourly follow: 2
    config = _config(raw, like, control, caps)
    network = FakeNetwork()
    db = open_state(None)
    _store(db, found)
    learned = data.draw(st.booleans())
    if learned:
        _outcomes(db, config.accounts[0].id, data.draw)
    for warm in (False, True):  # the first plan scores (cold), the second reads the cache
        fast = _fast_plan(config, db, network)
        reference = _reference_plan(config, db, network, warm=warm)
        assert [a.to_data() for a in fast.actions] == [a.to_data() for a in reference.actions]
        assert _without_funnel(fast.accounts) == reference.accounts
        assert fast.scorers == reference.scorers
        notes = " ".join(fast.accounts[0].notes)
        assert ("learned from" in notes) == (learned and "ranking by" in notes)


def _without_funnel(accounts: list[AccountPlan]) -> list[AccountPlan]:
    """The fast path's summaries without the funnel notes discovery adds (the reference plans
    from profiles, with no discovery)."""
    return [
        replace(a, notes=tuple(n for n in a.notes if not n.startswith(("funnel ", "source "))))
        for a in accounts
    ]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_the_fast_path_plans_the_same_on_postgresql(pg_state_url: str, data: st.DataObject) -> None:
    """The fast path's SQL on PostgreSQL (passing rows joined to score copies, scores stored as
    numbers alone in one transaction, the facts read from the JSON, reasons made again): the
    plans of a SQLite state, cold then warm. One database, emptied between examples."""
    found = [data.draw(profiles(f"u{i:02d}")) for i in range(data.draw(st.integers(1, 24)))]
    raw = data.draw(filter_sets)
    like, control = data.draw(st.sampled_from([0, 1])), data.draw(st.sampled_from([0, 25]))
    config = _config(raw, like, control, data.draw(st.tuples(st.integers(2, 6), st.integers(1, 4))))
    network = FakeNetwork()
    pg = open_state(pg_state_url)
    try:
        for table in pg.table_names():
            if table != "_migrations":
                pg.conn.execute(f'delete from "{table}"')
        lite = open_state(None)
        _store(lite, found)
        _store(pg, found)
        for _ in ("cold", "warm"):
            on_pg, on_lite = _fast_plan(config, pg, network), _fast_plan(config, lite, network)
            assert [a.to_data() for a in on_pg.actions] == [a.to_data() for a in on_lite.actions]
            assert on_pg.accounts == on_lite.accounts
        stored = pg.conn.execute("select count(*) from scores where data is null").fetchone()
        assert (
            stored[0]
            == lite.conn.execute("select count(*) from scores where data is null").fetchone()[0]
        )
    finally:
        pg.conn.close()

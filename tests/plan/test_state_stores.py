"""The plan's state stores: candidate cache, score cache, posts cache (on both backends: the
``state_db`` fixture)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from socialseed.model import Candidate, Profile, Score
from socialseed.state import candidates as store
from socialseed.state.plans import load_plan, record_plan
from socialseed.state.scores import cached_scores, score_key, store_scores
from tests.plan.fakes import NOW, profile
from tests.review.factory import action, make_plan


def test_fast_profile_decoding_matches_the_model() -> None:
    full = profile("p1")
    assert store.profile_from_data(full.to_data()) == Profile.from_data(full.to_data())
    sparse = {"platform": "x", "id": 7, "handle": "h", "created_at": "2026-01-01T00:00:00+01:00"}
    assert store.profile_from_data(sparse) == Profile.from_data(sparse)  # falls back


def test_candidates_round_trip_and_freshness(state_db: Any) -> None:
    db = state_db
    found = [Candidate(profile(f"p{i}"), "hashtag:film", "film") for i in range(3)]
    store.store_candidates(db, "studio", "hashtag:film", found, now=NOW)
    loaded = store.load_candidates(db, "studio", "hashtag:film")
    assert [c for c, _ in loaded] == found
    assert [d for _, d in loaded] == [c.profile.digest for c in found]
    ttl = 3600
    assert store.is_fresh(
        db, "studio", "hashtag:film", now=NOW + timedelta(minutes=59), ttl_seconds=ttl
    )
    assert not store.is_fresh(
        db, "studio", "hashtag:film", now=NOW + timedelta(hours=1), ttl_seconds=ttl
    )
    store.store_candidates(db, "studio", "hashtag:film", found[:1], now=NOW)  # replaces
    assert len(store.load_candidates(db, "studio", "hashtag:film")) == 1


def test_stored_rows_hold_each_profile_and_its_typed_columns(state_db: Any) -> None:
    db = state_db
    found = [Candidate(profile(f"p{i}"), "hashtag:film", "film") for i in range(3)]
    store.store_candidates(db, "studio", "hashtag:film", found, now=NOW)
    rows = {r["profile_id"]: r for r in db.query("select * from candidates")}
    for candidate in found:
        row, typed = rows[candidate.profile.id], store.typed_fields(candidate.profile)
        assert {name: row[name] for name in typed} == typed
        assert json.loads(row["data"]) == candidate.profile.to_data()
        assert (row["targeting"], row["digest"]) == ("film", candidate.profile.digest)


def test_a_profile_shared_by_accounts_and_sources_is_stored_whole_in_each_row(
    state_db: Any,
) -> None:
    """One profile object found by two accounts' sources at two instants (a row's columns of
    the profile are made once per profile object): each row as if written alone."""
    db = state_db
    shared = [profile(f"p{i}") for i in range(3)]
    for account, source, when in (
        ("studio", "hashtag:film", NOW),
        ("cafe", "search:film", NOW + timedelta(hours=2)),
        ("studio", "search:film", NOW + timedelta(hours=3)),
    ):
        found = [Candidate(p, source, account) for p in shared]
        store.add_candidates(db, account, source, found, now=when)
    rows = list(db.query("select * from candidates order by account, source, profile_id"))
    fresh = {p.id: profile(p.id) for p in shared}  # new objects: nothing kept on them
    assert [(r["account"], r["source"], r["fetched_at"][:13]) for r in rows[::3]] == [
        ("cafe", "search:film", "2026-11-25T11"),
        ("studio", "hashtag:film", "2026-11-25T09"),
        ("studio", "search:film", "2026-11-25T12"),
    ]
    for row in rows:
        again = fresh[row["profile_id"]]
        typed = store.typed_fields(again)
        assert {name: row[name] for name in typed} == typed
        assert (row["created_us"], row["post_facts"]) == store.fact_row(again)
        assert (row["data"], row["digest"]) == (again.canonical(), again.digest)
        assert row["targeting"] == row["account"]


def test_posts_cache_honours_its_ttl(state_db: Any) -> None:
    db = state_db
    posts = profile("p1").recent_posts
    store.store_posts(db, "studio", {"p1": posts}, now=NOW)
    got = store.cached_posts(db, "studio", ["p1", "p2"], now=NOW, ttl_seconds=60)
    assert got == {"p1": posts}
    later = NOW + timedelta(seconds=61)
    assert store.cached_posts(db, "studio", ["p1"], now=later, ttl_seconds=60) == {}


def test_scores_cache_by_scorer_version_digest_and_topic(state_db: Any) -> None:
    db = state_db
    score = Score(0.9, 0.5, "engage", ("+ has an avatar",), "heuristic", "1.0")
    key = score_key("heuristic", "1.0", "d" * 64, "t" * 64)
    store_scores(db, {key: ("d" * 64, score)}, now=NOW)
    assert cached_scores(db, [key, "missing"]) == {key: score}
    assert score_key("heuristic", "1.1", "d" * 64, "t" * 64) != key
    row = next(iter(db["scores"].rows))
    assert (row["scorer"], row["version"], row["digest"]) == ("heuristic", "1.0", "d" * 64)


def test_relationship_verdicts_are_replaced_per_account(state_db: Any) -> None:
    db = state_db
    store.set_relationship_verdicts(db, "a", {"p1": "followed", "p2": "requested"})
    store.set_relationship_verdicts(db, "b", {"p1": "followed"})
    store.set_relationship_verdicts(db, "a", {"p3": "rejected"})  # a's earlier ones go
    rows = db.conn.execute(
        "select account, profile_id, verdict from temp.plan_relationships order by 1, 2"
    ).fetchall()
    assert [tuple(r) for r in rows] == [("a", "p3", "rejected"), ("b", "p1", "followed")]


def test_a_plan_is_recorded_once_with_its_actions(state_db: Any) -> None:
    db = state_db
    plan = make_plan([action("a.one"), action("b.two")], config_sha256="c" * 64)
    assert record_plan(db, plan) == plan.id
    assert record_plan(db, plan, path="plan.json") == plan.id  # again: the same rows
    rows = db.conn.execute("select id, path from plans").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(plan.id, "plan.json")]
    loaded = load_plan(db, plan.id[:8])
    assert (loaded.id, loaded.checksum) == (plan.id, plan.checksum)
    assert loaded.to_json(include_profiles=True) == plan.to_json(include_profiles=True)
    actions = db.conn.execute(
        "select plan_id, action_id, seq, verb, data from actions order by seq"
    ).fetchall()
    assert [tuple(r[:4]) for r in actions] == [
        (plan.id, a.id, a.seq, a.verb.value) for a in plan.actions
    ]
    assert [json.loads(r[4]) for r in actions] == [a.to_data() for a in plan.actions]

"""plan.ranking: expected follow-back learned from outcomes, seeded ties, the control group."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialseed.model import Post, Profile, Score
from socialseed.plan import ranking
from socialseed.state.candidates import micros
from tests.plan.ranking_reference import reference_order, reference_ranks

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def _score(rel: float = 1.0, auth: float = 1.0) -> Score:
    return Score(auth, rel, "engage", (), "heuristic", "1")


def test_features_come_from_the_profile_the_source_and_the_score() -> None:
    profile = Profile(
        "sandbox",
        "u1",
        "ada",
        followers=99,
        following=999,
        posts=50,
        last_active=NOW - timedelta(days=2),
        created_at=NOW - timedelta(days=730),
        has_avatar=True,
    )
    feats = ranking.features(profile, "hashtag:film", _score(0.5, 0.8), NOW)
    assert feats["source=hashtag:film"] == 1.0
    assert round(feats["log_ratio"], 3) == round(6.908 - 4.605, 3)
    assert (feats["days_quiet"], feats["relevance"], feats["authenticity"]) == (2.0, 0.5, 0.8)
    assert "age_years" not in feats  # the discovery cache keeps no creation date to rank by


def test_the_cache_numbers_give_the_features_the_profile_gives() -> None:
    profile = Profile(
        "sandbox",
        "u1",
        "ada",
        followers=None,
        following=12,
        posts=7,
        last_active=NOW - timedelta(days=9, hours=3),
        recent_posts=(Post("p1", "u1", "hi", NOW - timedelta(days=1, seconds=1)),),
        has_avatar=False,
    )
    known = ranking.Known(None, 12, 7, micros(NOW - timedelta(days=1, seconds=1)), 0, "s", 1, 1)
    from_numbers = ranking.features_of(known, micros(NOW))
    assert from_numbers == ranking.features(profile, "s", _score(), NOW)
    assert from_numbers["days_quiet"] == 1.0  # the newest post is the last sign of life
    assert (from_numbers["unknown_counts"], from_numbers["log_followers"]) == (1.0, 4.0)


def test_a_pool_ranks_the_same_whatever_order_it_was_found_in() -> None:
    members = [(f"u{i}", "film" if i % 3 else "art") for i in range(60)]
    expected = [round((i * 7 % 11) / 20, 2) for i in range(60)]
    pct, seeds = {"film": 20.0, "art": 0.0}, {"film": "a:film:d", "art": "a:art:d"}
    ranks = ranking.rank_pool(members, expected, control_pct=pct, seed_of=seeds)
    flipped = ranking.rank_pool(members[::-1], expected[::-1], control_pct=pct, seed_of=seeds)
    assert ranks == flipped[::-1]
    film = sorted((r.place, r.arm) for r, (_, t) in zip(ranks, members, strict=True) if t == "film")
    assert [place for place, _ in film] == list(range(40))
    assert sum(arm == "control" for _, arm in film) == 8


def test_without_outcomes_the_prior_ranks_and_says_so() -> None:
    ranker = ranking.Ranker([])
    assert not ranker.learned and "heuristic prior" in ranker.describe()
    rows = [{"relevance": 1.0, "authenticity": 1.0}, {"relevance": 0.2, "authenticity": 1.0}]
    assert ranker.expected(rows) == [0.2, 0.03 + 0.17 * 0.2]


def test_the_model_learns_what_the_outcomes_say_and_is_calibrated() -> None:
    rng = random.Random(3)
    rows = []
    for _ in range(600):
        ratio = rng.uniform(-3, 3)
        rows.append(
            ranking.Outcome(
                {"log_ratio": ratio, "relevance": 1.0}, rng.random() < (0.4 if ratio > 0 else 0.05)
            )
        )
    ranker = ranking.Ranker(rows)
    assert ranker.learned and "600 outcome(s)" in ranker.describe()
    giver, taker = ranker.expected(
        [{"log_ratio": 2.0, "relevance": 1.0}, {"log_ratio": -2.0, "relevance": 1.0}]
    )
    assert giver > 0.3 > 0.1 > taker
    predicted = ranker.expected([dict(o.features) for o in rows])
    observed = sum(o.followed_back for o in rows) / len(rows)
    assert abs(sum(predicted) / len(predicted) - observed) < 0.03


def test_the_model_fits_and_predicts_on_one_blas_thread_with_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the model works, BLAS and OpenMP run on one thread (no threads spinning beside
    it), and the libraries' own thread counts come back after; the numbers are those a fit on
    the libraries' own thread counts gives."""
    from threadpoolctl import threadpool_info

    rng = random.Random(5)
    rows = [
        ranking.Outcome(
            {"log_ratio": rng.uniform(-3, 3), "relevance": rng.random()}, rng.random() < 0.3
        )
        for _ in range(300)
    ]
    pool = [{"log_ratio": rng.uniform(-3, 3), "relevance": rng.random()} for _ in range(50)]
    before = [lib["num_threads"] for lib in threadpool_info()]
    with ranking._one_thread():
        assert {lib["num_threads"] for lib in threadpool_info()} == {1}
    assert [lib["num_threads"] for lib in threadpool_info()] == before
    ours = ranking.Ranker(rows).expected(pool)
    monkeypatch.setattr(ranking, "_one_thread", contextlib.nullcontext)
    assert ranking.Ranker(rows).expected(pool) == ours


def test_a_learned_ranking_is_shrunk_towards_the_observed_rate_not_the_prior() -> None:
    """Outcomes where relevance says nothing (a quarter followed back either way): once the
    model learns, a relevant and an irrelevant candidate both expect about the observed rate;
    the heuristic prior (20% against 3%) no longer pulls them apart, nor above it."""
    rows = [
        ranking.Outcome({"relevance": float(i % 2), "log_ratio": 0.0}, i % 4 < 1 or i % 4 == 3)
        for i in range(40)
    ]  # relevance 1: 10 of 20 followed back; relevance 0: 10 of 20 (i % 4 in {0, 3})
    ranker = ranking.Ranker(rows)
    assert ranker.learned and ranker.rate == 0.5
    relevant, irrelevant = ranker.expected(
        [{"relevance": 1.0, "log_ratio": 0.0}, {"relevance": 0.0, "log_ratio": 0.0}]
    )
    assert abs(relevant - 0.5) < 0.01 and abs(irrelevant - 0.5) < 0.01


def test_the_model_learns_only_from_its_features_and_the_source() -> None:
    """A feature outside ``MODEL_FEATURES`` (here the avatar) that splits a small sample
    perfectly does not move the ranking; the ratio, a model feature that mostly agrees, does."""
    rows = [
        ranking.Outcome(
            {"avatar": float(i % 2), "log_ratio": float(i % 2 if i % 5 else 1 - i % 2)},
            i % 2 == 1,
        )
        for i in range(60)
    ]
    ranker = ranking.Ranker(rows)
    with_avatar, without = ranker.expected([{"avatar": 1.0}, {"avatar": 0.0}])
    assert with_avatar == without
    giver, taker = ranker.expected([{"log_ratio": 1.0}, {"log_ratio": 0.0}])
    assert giver > 0.55 > 0.45 > taker


def test_ties_are_broken_by_a_seeded_shuffle_not_by_id() -> None:
    expected = [0.2] * 50
    first = [p.index for p in ranking.order(expected, control_pct=0, seed="a:day1")]
    again = [p.index for p in ranking.order(expected, control_pct=0, seed="a:day1")]
    other = [p.index for p in ranking.order(expected, control_pct=0, seed="a:day2")]
    assert first == again and first != other and first != list(range(50))


def test_the_control_group_is_a_random_share_spread_through_the_order() -> None:
    expected = [i / 1000 for i in range(1000)]
    placed = ranking.order(expected, control_pct=20, seed="s")
    assert sorted(p.index for p in placed) == list(range(1000))
    top = placed[:50]
    control = [p for p in top if p.arm == "control"]
    assert len(control) == 10  # every fifth place
    chosen = [p.expected for p in top if p.arm == "chosen"]
    assert chosen == sorted(chosen, reverse=True) and min(chosen) >= 0.959
    assert sum(p.expected for p in control) / 10 < 0.9  # random, not the best


expectations = st.lists(
    st.sampled_from([0.03, 0.1, 0.1 + 1e-12, 0.2, 0.2000000005, 0.25, 0.5]) | st.floats(0, 1),
    max_size=400,
)


@settings(max_examples=80, deadline=None)
@given(
    expectations,
    st.sampled_from([0.0, 0.5, 10.0, 20.0, 33.3, 50.0, 90.0, 100.0]),
    st.text(max_size=8),
)
def test_the_order_is_the_plain_reference(
    expected: list[float], control_pct: float, seed: str
) -> None:
    """Ties (equal to 9 decimals) by the seeded permutation, the control group's places from
    the second one, each arm skipping what the other took: the numpy path (sorts, places
    filled in blocks) gives what the one-at-a-time reference in the tests gives."""
    placed = ranking.order(expected, control_pct=control_pct, seed=seed)
    assert [(p.index, p.arm) for p in placed] == reference_order(
        expected, control_pct=control_pct, seed=seed
    )
    assert [p.expected for p in placed] == [expected[p.index] for p in placed]


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=2_000, max_value=20_000), st.sampled_from([5.0, 20.0, 60.0]))
def test_large_pools_order_as_the_reference(count: int, control_pct: float) -> None:
    """Many blocks, and both arms picking the same candidate within one."""
    rng = random.Random(count)
    expected = [round(rng.random(), rng.choice([2, 3, 9])) for _ in range(count)]
    placed = ranking.order(expected, control_pct=control_pct, seed=str(count))
    assert [(p.index, p.arm) for p in placed] == reference_order(
        expected, control_pct=control_pct, seed=str(count)
    )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_pool_ranks_as_the_reference(data: st.DataObject) -> None:
    count = data.draw(st.integers(0, 120))
    ids = data.draw(
        st.lists(st.sampled_from([f"u{i}" for i in range(150)]), min_size=count, max_size=count)
    )
    targetings = data.draw(
        st.lists(st.sampled_from(["film", "art"]), min_size=count, max_size=count)
    )
    members = list(zip(ids, targetings, strict=True))
    expected = data.draw(st.lists(st.sampled_from([0.1, 0.2, 0.3]), min_size=count, max_size=count))
    pct = {"film": data.draw(st.sampled_from([0.0, 25.0])), "art": 50.0}
    seeds = {"film": "a:film:d", "art": "a:art:d"}
    assert ranking.rank_pool(members, expected, control_pct=pct, seed_of=seeds) == reference_ranks(
        members, expected, control_pct=pct, seed_of=seeds
    )


def test_rounding_to_nine_decimals_is_pythons() -> None:
    """Values an ulp around a half of the 9th (or 4th) decimal round as Python's ``round``."""
    import numpy as np

    rng = random.Random(5)
    halves = [(rng.randrange(10**9) + 0.5) / 1e9 for _ in range(2_000)]
    values = [v for h in halves for v in (np.nextafter(h, 0.0), h, np.nextafter(h, 1.0))]
    values += [0.0, -0.0, 1e7 + 0.1234567895, float("inf"), -1.5e-9, 2.5e-9]
    made = ranking.rounded(np.array(values, dtype=float)).tolist()
    assert made == [round(float(v), 9) for v in values]
    halves = [(rng.randrange(10**4) + 0.5) / 1e4 for _ in range(2_000)]  # as scores are kept
    values = [v for h in halves for v in (np.nextafter(h, 0.0), h, np.nextafter(h, 1.0))]
    made = ranking.rounded(np.array(values, dtype=float), 4).tolist()
    assert made == [round(float(v), 4) for v in values]

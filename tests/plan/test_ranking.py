"""plan.ranking: expected follow-back learned from outcomes, seeded ties, the control group."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from socialseed.model import Profile, Score
from socialseed.plan import ranking

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
    assert round(feats["age_years"], 2) == 2.0


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

"""The heuristic scorer: deterministic, explainable, unknowns left out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from socialseed.model import Candidate, Post, Profile, Score
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import HeuristicScorer, topic_terms
from tests.plan.fakes import NOW, bot, profile

TOPIC = Topic("People who shoot analog film.", ("film", "35mm", "darkroom"), ("filmphotography",))
SCORER = HeuristicScorer(now=NOW)


def score(p: Profile) -> Score:
    return SCORER.score_one(p, topic_terms(TOPIC))


def test_a_real_photographer_scores_high_and_says_why() -> None:
    s = score(profile("p1"))
    assert s.authenticity > 0.9 and s.relevance == 1.0
    assert s.recommendation == "engage"
    assert "+ has an avatar" in s.reasons
    assert any(r.startswith("~ relevance 1.00: mentions 35mm, darkroom, film") for r in s.reasons)


def test_a_bot_scores_low_with_reasons() -> None:
    s = score(bot("b1"))
    assert s.authenticity < 0.35 and s.recommendation == "avoid"
    reasons = " ".join(s.reasons)
    for word in ("no avatar", "mass-following", "promotional bio", "days old", "long number"):
        assert word in reasons


def test_unknown_factors_are_left_out_not_zero() -> None:
    s = score(profile("p1", has_avatar=None, followers=None, created_at=None))
    assert s.authenticity > 0.9
    assert "? unknown: avatar, ratio, age" in s.reasons


def test_bursts_and_repeats_lower_authenticity() -> None:
    burst = tuple(
        Post(f"x{i}", "p1", f"text {i}", NOW - timedelta(seconds=30 * i)) for i in range(3)
    )
    repeat = tuple(Post(f"y{i}", "p1", "same", NOW - timedelta(days=i)) for i in range(2))
    assert "burst" in " ".join(score(profile("p1", recent_posts=burst)).reasons)
    assert "repeats" in " ".join(score(profile("p1", recent_posts=repeat)).reasons)


def test_relevance_from_keywords_hashtags_and_description() -> None:
    assert score(profile("p1", bio="I bake bread every morning", recent_posts=())).relevance == 0.0
    one = score(profile("p1", bio="#filmphotography lover, bakes too", recent_posts=()))
    assert one.relevance == 0.5
    loose = score(profile("p1", bio="analog shooter who loves people", recent_posts=()))
    assert 0 < loose.relevance < 0.5


def test_deterministic_and_batch_in_order() -> None:
    cands = [Candidate(profile(f"p{i}"), "hashtag:film") for i in range(5)] + [
        Candidate(bot("b"), "hashtag:film")
    ]
    first = asyncio.run(SCORER.score(cands, TOPIC))
    again = asyncio.run(HeuristicScorer(now=NOW).score(cands, TOPIC))
    assert first == again
    assert first[-1].recommendation == "avoid"
    assert {s.scorer for s in first} == {"heuristic"} and {s.version for s in first} == {"1.1"}

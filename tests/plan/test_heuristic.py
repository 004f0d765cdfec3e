"""The heuristic scorer: deterministic, explainable, unknowns left out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from socialseed.model import Candidate, Post, Profile, Score
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import (
    FactColumns,
    HeuristicScorer,
    _relevance_column,
    relevance_of,
    topic_terms,
)
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


# the pieces texts are drawn from: topic words inside longer runs, apostrophes, marks that are
# not word characters, letters whose lower case is longer or depends on what follows (a final
# sigma), and the character the column path joins texts with
PIECES = ["film", "Film", "FILMS", "35mm", "analog", "shoot", "roll", "'", "#", "@", " ", "-",
          "Σ", "ΟΔΟΣ", "İ", "ß", "é", "\x00", "\n", "c++", "day's", "film roll"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            *[st.lists(st.sampled_from(PIECES), max_size=6).map("".join)] * 2,
            st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), max_size=3),
        ),
        min_size=1,
        max_size=12,
    ),
    st.lists(
        st.sampled_from(["film", "35mm", "film roll", "c++", "day's", "σ", "ß", "'x"]), max_size=4
    ),
    st.sampled_from(["", "People who shoot analog film.", "Ödön's straße roll ΣΑΣ"]),
)
def test_relevance_of_many_profiles_at_once_is_that_of_each(
    texts: list[tuple[str, str, list[str]]], keywords: list[str], description: str
) -> None:
    """The column path (every text joined and searched by one regex) gives each profile the
    relevance ``score_one`` gives it, whatever the texts hold."""
    terms = topic_terms(Topic(description, tuple(keywords), ()))
    found = [
        profile(f"p{i}", display_name=name, bio=bio, recent_posts=tuple(
            Post(f"p{i}-{k}", f"p{i}", text, NOW - timedelta(hours=k)) for k, text in enumerate(posts)
        ))
        for i, (name, bio, posts) in enumerate(texts)
    ]  # fmt: skip
    columns = FactColumns(
        [p.handle for p in found],
        [p.display_name for p in found],
        [p.bio for p in found],
        *[np.zeros(len(found))] * 6,
        [() for _ in found],
        [tuple(post.text for post in p.recent_posts) for p in found],
    )
    expected = [relevance_of(p, terms)[0] for p in found]
    assert _relevance_column(columns, terms).tolist() == expected

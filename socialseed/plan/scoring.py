"""Scoring at plan time: choose the scorer a targeting asks for, and cache the heuristic's
scores in state (a provider's answers are cached by the scoring router itself).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from socialseed.clock import Clock
from socialseed.config.schema import Config, Targeting
from socialseed.errors import ConfigError
from socialseed.model import Candidate, Score, digest
from socialseed.scoring.base import Scorer, Topic
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.heuristic import HeuristicScorer
from socialseed.state import scores as score_store
from socialseed.state.candidates import CandidateRow
from socialseed.state.scores import ScoreNumbers, numbers_of

HEURISTIC = "heuristic"


def select_scorer(
    provider: str,
    config: Config,
    *,
    now: datetime,
    clock: Clock,
    env: Mapping[str, str],
    db: Database,
    meter: SpendMeter | None = None,
) -> Scorer:
    """The scorer a targeting asks for: the heuristic, or whatever the scoring router builds."""
    heuristic = HeuristicScorer(now=now)
    if provider == HEURISTIC:
        return heuristic
    try:
        router = importlib.import_module("socialseed.scoring.router")
        ai = importlib.import_module("socialseed.state.ai")
    except ModuleNotFoundError as exc:
        raise ConfigError(
            [f"scoring.provider {provider!r}: this SocialSeed has no scoring router ({exc.name})"],
            hint="use provider: heuristic in the targeting's scoring",
        ) from exc
    deps = router.ScoringDeps(
        env=env, clock=clock, store=ai.SqliteScoringStore(db), heuristic=heuristic, meter=meter
    )
    scorer: Scorer = router.build_scorer(provider, config.scoring, deps)
    return scorer


def topic_of(targeting: Targeting) -> Topic:
    tags = tuple(sorted({s.value for s in targeting.sources if s.kind == "hashtag"}))
    return Topic(targeting.description, tuple(targeting.keywords), tags)


def _topic_digest(topic: Topic) -> str:
    return digest([topic.description, list(topic.keywords), list(topic.hashtags)])


async def score_cached(
    scorer: Scorer,
    items: Sequence[tuple[Candidate, str]],
    topic: Topic,
    db: Database,
    now: datetime,
) -> list[Score]:
    """Scores for (candidate, digest) pairs; the heuristic's are cached in state."""
    if scorer.name != HEURISTIC:
        return list(await scorer.score([c for c, _ in items], topic))
    tdigest = _topic_digest(topic)
    keys = [score_store.score_key(scorer.name, scorer.version, d, tdigest) for _, d in items]
    found = score_store.cached_scores(db, keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    fresh = await scorer.score([items[i][0] for i in missing], topic)
    new = {keys[i]: (items[i][1], s) for i, s in zip(missing, fresh, strict=True)}
    if new:
        score_store.store_scores(db, new, now=now)
    return [found.get(key) or new[key][1] for key in keys]


COLD_BATCH = 2_000  # candidates scored and stored at a time when their scores are not cached


@dataclass
class ScoreBook:
    """The scores of a group of candidates: numbers for all, the full score (with reasons)
    on demand, read from the cache for the few a plan shows."""

    numbers: list[ScoreNumbers]
    keys: list[str] = field(default_factory=list)  # cache keys by position (the heuristic's)
    fresh: dict[int, Score] = field(default_factory=dict)  # scored in this run, by position

    def full(self, db: Database, positions: Sequence[int]) -> list[Score]:
        """The full scores at ``positions`` (in that order)."""
        wanted = [self.keys[p] for p in positions if p not in self.fresh]
        cached = score_store.cached_scores(db, wanted) if wanted else {}
        return [self.fresh[p] if p in self.fresh else cached[self.keys[p]] for p in positions]


async def score_rows(
    scorer: Scorer,
    rows: Sequence[CandidateRow],
    topic: Topic,
    db: Database,
    now: datetime,
    candidates: Callable[[Sequence[int]], list[Candidate]],
) -> ScoreBook:
    """``score_cached`` over typed rows: cached numbers are read without their reasons, and
    only candidates without a cached score are built (by ``candidates``, from positions)."""
    if scorer.name != HEURISTIC:
        scores = list(await scorer.score(candidates(range(len(rows))), topic))
        return ScoreBook([numbers_of(s) for s in scores], fresh=dict(enumerate(scores)))
    tdigest = _topic_digest(topic)
    keys = [score_store.score_key(scorer.name, scorer.version, r.digest, tdigest) for r in rows]
    found = score_store.cached_numbers(db, keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    fresh: dict[int, Score] = {}
    for start in range(0, len(missing), COLD_BATCH):
        chunk = missing[start : start + COLD_BATCH]
        scores = await scorer.score(candidates(chunk), topic)
        fresh.update(zip(chunk, scores, strict=True))
        new = {keys[i]: (rows[i].digest, s) for i, s in zip(chunk, scores, strict=True)}
        score_store.store_scores(db, new, now=now)
    numbers = [numbers_of(fresh[i]) if i in fresh else found[k] for i, k in enumerate(keys)]
    return ScoreBook(numbers, keys, fresh)

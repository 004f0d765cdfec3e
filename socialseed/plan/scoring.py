"""Scoring at plan time: choose the scorer a targeting asks for, and cache the heuristic's
scores in state (a provider's answers are cached by the scoring router itself).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from socialseed.clock import Clock
from socialseed.config.schema import Config, Targeting
from socialseed.errors import ConfigError
from socialseed.model import Candidate, Score, digest
from socialseed.plan.pool import Pool
from socialseed.scoring.base import Scorer, Topic
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.heuristic import NAME as HEURISTIC_NAME
from socialseed.scoring.heuristic import VERSION as HEURISTIC_VERSION
from socialseed.scoring.heuristic import HeuristicScorer
from socialseed.state import candidates as candidate_store
from socialseed.state import scores as score_store
from socialseed.state.candidates import ScoreJoin, cached_score_data
from socialseed.state.handle import StateDB
from socialseed.state.scores import numbers_of, rounded_numbers

HEURISTIC = "heuristic"
HEURISTIC_LABEL = f"{HEURISTIC_NAME}@{HEURISTIC_VERSION}"  # of the score copies a join finds


def select_scorer(
    provider: str,
    config: Config,
    *,
    now: datetime,
    clock: Clock,
    env: Mapping[str, str],
    db: StateDB,
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
    db: StateDB,
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


def score_join(targeting: Targeting) -> ScoreJoin | None:
    """Where the heuristic's cached scores of a targeting's candidates are (None for a scorer
    that keeps its own cache)."""
    if targeting.scoring.provider != HEURISTIC:
        return None
    key = score_store.score_key(
        HEURISTIC_NAME, HEURISTIC_VERSION, "", _topic_digest(topic_of(targeting))
    )
    prefix, suffix = key.split("::")
    return ScoreJoin(f"{prefix}:", f":{suffix}")


@dataclass
class ScoreBook:
    """The full scores of a group of candidates (with reasons), made on demand: the ones
    scored in this run are kept, cached ones are read for the few a plan shows."""

    join: ScoreJoin | None
    fresh: dict[int, Score] = field(default_factory=dict)  # scored in this run, by rowid

    def full(self, db: StateDB, rowids: Sequence[int]) -> list[Score]:
        """The full scores of candidates (by rowid, in that order)."""
        wanted = [r for r in rowids if r not in self.fresh]
        cached = cached_score_data(db, wanted, self.join) if wanted and self.join else {}
        return [self.fresh[r] if r in self.fresh else cached[r] for r in rowids]


async def score_pool(
    scorer: Scorer,
    pool: Pool,
    indices: list[int],
    topic: Topic,
    db: StateDB,
    now: datetime,
    join: ScoreJoin | None,
    candidates: Callable[[Sequence[int]], list[tuple[Candidate, str]]],
) -> ScoreBook:
    """Fill in the score columns of the pool's candidates at ``indices`` (one targeting's).

    The heuristic's cached scores came with the rows (their copies) or are read from the score
    cache (and copied onto the rows); the rest are scored, for the heuristic in batches, built
    by ``candidates``, and cached. A provider scores every row in one call (it keeps its own
    cache). Returns the book of full scores.
    """
    book = ScoreBook(join)
    missing = indices if join is None else _from_cache(db, pool, indices, join)
    batch = COLD_BATCH if join is not None else max(len(missing), 1)
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        made = candidates(chunk)
        scores = await scorer.score([c for c, _ in made], topic)
        if join is not None:
            keys = [f"{join.prefix}{digest}{join.suffix}" for _, digest in made]
            score_store.store_scores(
                db, {k: (d, s) for k, (_, d), s in zip(keys, made, scores, strict=True)}, now=now
            )
            copies = [
                (k, rounded_numbers(s), pool.rowid[i])
                for k, i, s in zip(keys, chunk, scores, strict=True)
            ]
            candidate_store.keep_scores(db, copies)
        for i, score in zip(chunk, scores, strict=True):
            book.fresh[pool.rowid[i]] = score
        pool.set_numbers(chunk, [numbers_of(s) for s in scores])
    return book


def _from_cache(db: StateDB, pool: Pool, indices: Sequence[int], join: ScoreJoin) -> list[int]:
    """Fill in, from the score cache, candidates whose rows hold no copy of their score (and
    copy it onto them); the indices still without a score."""
    absent = pool.unscored(indices)
    if not absent:
        return []
    keys = {i: f"{join.prefix}{pool.digest[i]}{join.suffix}" for i in absent}
    found = score_store.cached_numbers(db, keys.values())
    hits = [i for i in absent if keys[i] in found]
    candidate_store.keep_scores(db, [(keys[i], found[keys[i]], pool.rowid[i]) for i in hits])
    pool.set_numbers(hits, [found[keys[i]] for i in hits])
    return [i for i in absent if keys[i] not in found]

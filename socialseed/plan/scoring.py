"""Scoring at plan time: choose the scorer a targeting asks for, and cache the heuristic's
scores in state (a provider's answers are cached by the scoring router itself).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
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

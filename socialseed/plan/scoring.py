"""Scoring at plan time: choose the scorer a targeting asks for, and cache the heuristic's
scores in state (a provider's answers are cached by the scoring router itself).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from socialseed.clock import Clock, iso
from socialseed.config.schema import Config, Targeting
from socialseed.errors import ConfigError
from socialseed.model import Candidate, Profile, Score, digest
from socialseed.plan.pool import Pool
from socialseed.plan.ranking import rounded
from socialseed.scoring.base import Scorer, Topic
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.heuristic import NAME as HEURISTIC_NAME
from socialseed.scoring.heuristic import VERSION as HEURISTIC_VERSION
from socialseed.scoring.heuristic import (
    FactColumns,
    HeuristicScorer,
    TopicTerms,
    numbers_columns,
    topic_terms,
)
from socialseed.state import candidates as candidate_store
from socialseed.state import scores as score_store
from socialseed.state.candidates import ScoreCopy, ScoreJoin, cached_score_data, instant_of
from socialseed.state.handle import StateDB
from socialseed.state.scores import numbers_of
from socialseed.state.tx import atomic

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
    """The full scores of a group of candidates (with reasons), made on demand for the few a
    plan shows: a provider's scores made in this run are kept; the heuristic's are read from
    its cache, and where the cache holds numbers alone, made again from the profile at the
    instant they were scored (the same numbers, now with their reasons)."""

    join: ScoreJoin | None
    topic: Topic | None = None  # the heuristic's topic (for scores kept as numbers alone)
    fresh: dict[int, Score] = field(default_factory=dict)  # scored in this run, by rowid
    # rowids the heuristic scored now (at ``now_us``), with their keys in the score cache
    scored_now: dict[int, str] = field(default_factory=dict)
    now_us: int = 0
    _terms: TopicTerms | None = None  # the topic's terms, made once

    def full(
        self, db: StateDB, rowids: Sequence[int], profiles: Mapping[int, Profile]
    ) -> list[Score]:
        """The full scores of candidates (by rowid, in that order; ``profiles`` by rowid)."""
        now = self.scored_now  # made in this run: no look-up (as numbers alone, at now_us)
        wanted = [r for r in rowids if r not in self.fresh and r not in now]
        cached = cached_score_data(db, wanted, self.join) if wanted and self.join else {}
        out: list[Score] = []
        remade: list[tuple[str, str]] = []  # (data, key): kept, for the next plan to read
        for rowid in rowids:
            if rowid in self.fresh:
                out.append(self.fresh[rowid])
                continue
            score, scored_us, key = (
                (None, self.now_us, now[rowid]) if rowid in now else cached[rowid]
            )
            if score is None:
                score = self._remake(profiles[rowid], scored_us or 0, rowid)
                remade.append((json.dumps(score.to_data(), sort_keys=True), key))
            out.append(score)
        if remade:
            score_store.keep_score_data(db, remade)
        return out

    def _remake(self, profile: Profile, scored_us: int, rowid: int) -> Score:
        """The heuristic's score with its reasons, as made at ``scored_us``: exact when made
        in this run, else rounded as a cached score is."""
        if self._terms is None:
            self._terms = topic_terms(self.topic or Topic("", (), ()))
        made = HeuristicScorer(now=instant_of(scored_us)).score_one(profile, self._terms)
        return made if rowid in self.scored_now else Score.from_data(made.to_data())


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
    cache (and copied onto the rows); the rest are scored as numbers alone, in batches, from
    the typed columns, and cached in bulk. A provider scores every candidate, built by
    ``candidates``, in one call (it keeps its own cache). Returns the book of full scores.
    """
    book = ScoreBook(join, topic, now_us=candidate_store.micros(now))
    if join is None:
        scores = await scorer.score([c for c, _ in candidates(indices)], topic)
        book.fresh.update((pool.rowid[i], s) for i, s in zip(indices, scores, strict=True))
        pool.set_numbers(indices, [numbers_of(s) for s in scores])
        return book
    copies = _cache_hits(pool, indices, join)
    missing = _from_cache(db, pool, indices, join)
    rows: list[tuple[str, str, float, float, str]] = []  # as NumbersRow's fields
    for start in range(0, len(missing), COLD_BATCH):
        chunk = missing[start : start + COLD_BATCH]
        _score_numbers(pool, chunk, topic, db, now, join, book, rows, copies)
    if copies:  # cached in bulk: one transaction for the whole group
        with atomic(db) as conn:
            score_store.insert_numbers(
                conn,
                rows,
                scorer=HEURISTIC_NAME,
                version=HEURISTIC_VERSION,
                now_us=candidate_store.micros(now),
                now=iso(now),
            )
            candidate_store.insert_score_rows(conn, copies)
    return book


def _score_numbers(
    pool: Pool,
    chunk: Sequence[int],
    topic: Topic,
    db: StateDB,
    now: datetime,
    join: ScoreJoin,
    book: ScoreBook,
    rows: list[tuple[str, str, float, float, str]],
    copies: list[ScoreCopy],
) -> None:
    """Score some candidates with the heuristic's numbers alone, as columns (their rows to
    cache added to ``rows`` and ``copies``)."""
    terms, now_us = topic_terms(topic), candidate_store.micros(now)
    at = {pool.rowid[i]: i for i in chunk}
    rowids, columns = candidate_store.score_fact_columns(db, list(at))
    authenticity, relevance, recommendation = numbers_columns(FactColumns(*columns), terms, now_us)
    indices = [at[r] for r in rowids]
    pool.set_number_columns(indices, authenticity, relevance, recommendation, HEURISTIC_LABEL)
    # cached rounded as the JSON is (4 decimals, as Python rounds)
    auth, rel, rec = (
        rounded(authenticity, 4).tolist(),
        rounded(relevance, 4).tolist(),
        recommendation.tolist(),
    )
    digests = [pool.digest[i] or "" for i in indices]  # a row without a score has its digest
    keys = [f"{join.prefix}{digest}{join.suffix}" for digest in digests]
    rows += zip(keys, digests, auth, rel, rec, strict=True)
    count = len(keys)
    name, version = [HEURISTIC_NAME] * count, [HEURISTIC_VERSION] * count
    copies += zip(rowids, keys, auth, rel, rec, name, version, strict=True)
    book.scored_now.update(zip(rowids, keys, strict=True))


def _cache_hits(pool: Pool, indices: Sequence[int], join: ScoreJoin) -> list[ScoreCopy]:
    """The copies to keep of the scores the rows brought from the score cache (rows without
    a copy of their own)."""
    unscored = set(pool.unscored(indices))
    return [
        (
            pool.rowid[i],
            f"{join.prefix}{pool.digest[i]}{join.suffix}",
            float(pool.authenticity[i]),
            float(pool.relevance[i]),
            pool.recommendation[i] or "",
            HEURISTIC_NAME,
            HEURISTIC_VERSION,
        )
        for i in indices
        if pool.digest[i] is not None and i not in unscored
    ]


def _from_cache(db: StateDB, pool: Pool, indices: Sequence[int], join: ScoreJoin) -> list[int]:
    """Fill in, from the score cache, candidates whose rows hold no copy of their score and
    whose cached score came without its numbers (a row written before they were kept apart),
    and copy it onto them; the indices still without a score."""
    absent = pool.unscored(indices)
    if not any(pool.cached[i] for i in absent):
        return absent
    keys = {i: f"{join.prefix}{pool.digest[i]}{join.suffix}" for i in absent}
    found = score_store.cached_numbers(db, keys.values())
    hits = [i for i in absent if keys[i] in found]
    candidate_store.keep_scores(db, [(keys[i], found[keys[i]], pool.rowid[i]) for i in hits])
    pool.set_numbers(hits, [found[keys[i]] for i in hits])
    return [i for i in absent if keys[i] not in found]

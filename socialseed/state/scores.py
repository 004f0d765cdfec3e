"""The score cache: one row per scorer, version, profile digest and topic.

A profile that did not change is never scored twice by the same scorer version (which matters
when the scorer is a paid model).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from socialseed.clock import iso
from socialseed.model import Score
from socialseed.state.handle import StateConnection, StateDB
from socialseed.state.tx import atomic

_CHUNK = 500


def score_key(scorer: str, version: str, profile_digest: str, topic_digest: str) -> str:
    return f"{scorer}:{version}:{profile_digest}:{topic_digest[:16]}"


def cached_scores(db: StateDB, keys: Iterable[str]) -> dict[str, Score]:
    """The cached scores among ``keys``."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Score] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            f"select key, data from scores where key in ({marks}) and data is not null", chunk
        )
        for key, data in rows:  # a score kept as numbers alone is not one to hand out here
            found[key] = Score.from_data(json.loads(data))
    return found


class ScoreNumbers(NamedTuple):
    """What ranking needs of a cached score (typed columns; the reasons stay in ``data``)."""

    authenticity: float
    relevance: float
    recommendation: str
    scorer: str
    version: str


def cached_numbers(db: StateDB, keys: Iterable[str]) -> dict[str, ScoreNumbers]:
    """The typed numbers of the cached scores among ``keys`` (no reasons decoded)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, ScoreNumbers] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select key, authenticity, relevance, recommendation, scorer, version, data "
            f"from scores where key in ({marks})",
            chunk,
        )
        for key, auth, rel, rec, scorer, version, data in rows:
            if auth is None or rel is None or rec is None:  # a row written without them
                score = Score.from_data(json.loads(data))
                found[key] = numbers_of(score)
            else:
                found[key] = ScoreNumbers(auth, rel, rec, scorer, version)
    return found


def numbers_of(score: Score) -> ScoreNumbers:
    return ScoreNumbers(
        score.authenticity, score.relevance, score.recommendation, score.scorer, score.version
    )


def rounded_numbers(score: Score) -> ScoreNumbers:
    """The numbers as they are cached (rounded as the JSON is)."""
    data = score.to_data()
    return ScoreNumbers(
        data["authenticity"], data["relevance"], score.recommendation, score.scorer, score.version
    )


def store_scores(db: StateDB, scores: Mapping[str, tuple[str, Score]], *, now: datetime) -> None:
    """Store scores; ``scores`` maps key -> (profile digest, score)."""
    stamp = iso(now)
    rows = [
        (key, digest, stamp, *_typed(score))
        for key, (digest, score) in sorted(scores.items())  # in key order: faster inserts
    ]
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(
            "insert or replace into scores (key, digest, created_at, scorer, version, data, "
            "authenticity, relevance, recommendation) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


class NumbersRow(NamedTuple):
    """A score kept as its numbers alone (rounded as the JSON would be)."""

    key: str
    digest: str
    authenticity: float
    relevance: float
    recommendation: str


def store_numbers(
    db: StateDB, rows: Sequence[NumbersRow], *, scorer: str, version: str, now_us: int, now: str
) -> None:
    """Store scores as numbers alone (no reasons: ``data`` is null), scored at ``now_us``
    (microseconds since the epoch; ``now`` is its text form)."""
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        insert_numbers(conn, rows, scorer=scorer, version=version, now_us=now_us, now=now)


def insert_numbers(
    conn: StateConnection,
    rows: Sequence[tuple[str, str, float, float, str]],
    *,
    scorer: str,
    version: str,
    now_us: int,
    now: str,
) -> None:
    """``store_numbers``' statement, inside a transaction the caller holds (``rows`` as
    ``NumbersRow``'s fields)."""
    same = (now, scorer, version, now_us)
    conn.executemany(
        "insert or replace into scores (key, digest, authenticity, relevance, "
        "recommendation, created_at, scorer, version, scored_us) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, *same) for row in sorted(rows)],  # in key order: faster inserts
    )


def keep_score_data(db: StateDB, rows: Sequence[tuple[str, str]]) -> None:
    """Keep the full score (``data``: its JSON, with reasons) of scores cached as numbers
    alone: (data, key) pairs, made again for the few candidates a plan shows (the next plan
    reads them instead of making them again)."""
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany("update scores set data = ? where key = ? and data is null", rows)


def _typed(score: Score) -> tuple[str, str, str, float, float, str]:
    data = score.to_data()  # the typed numbers are rounded as the JSON is
    return (
        score.scorer,
        score.version,
        json.dumps(data, sort_keys=True),
        data["authenticity"],
        data["relevance"],
        score.recommendation,
    )

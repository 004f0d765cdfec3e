"""The score cache: one row per scorer, version, profile digest and topic.

A profile that did not change is never scored twice by the same scorer version (which matters
when the scorer is a paid model).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlite_utils import Database

from socialseed.clock import iso
from socialseed.model import Score

_CHUNK = 500


def score_key(scorer: str, version: str, profile_digest: str, topic_digest: str) -> str:
    return f"{scorer}:{version}:{profile_digest}:{topic_digest[:16]}"


def cached_scores(db: Database, keys: Iterable[str]) -> dict[str, Score]:
    """The cached scores among ``keys``."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Score] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(f"select key, data from scores where key in ({marks})", chunk)
        for key, data in rows:
            found[key] = Score.from_data(json.loads(data))
    return found


def store_scores(db: Database, scores: Mapping[str, tuple[str, Score]], *, now: datetime) -> None:
    """Store scores; ``scores`` maps key -> (profile digest, score)."""
    stamp = iso(now)
    rows = [
        (key, score.scorer, score.version, digest, _dump(score), stamp)
        for key, (digest, score) in sorted(scores.items())  # in key order: faster inserts
    ]
    with db.conn:
        db.conn.executemany(
            "insert or replace into scores (key, scorer, version, digest, data, created_at) "
            "values (?, ?, ?, ?, ?, ?)",
            rows,
        )


def _dump(score: Score) -> str:
    return json.dumps(score.to_data(), sort_keys=True)

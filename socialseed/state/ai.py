"""The scoring cache (table ``scores``) and the AI usage ledger (table ``ai_usage``) in SQLite.

``SqliteScoringStore`` implements ``socialseed.scoring.store.ScoringStore``; ``usage_totals``
sums the ledger for ``socialseed usage``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socialseed.clock import iso
from socialseed.model import Score
from socialseed.model.scoring import CachedScore, UsageRecord
from socialseed.state.handle import StateDB

_CHUNK = 500  # keys per SELECT (SQLite's variable limit is 999 on old builds)


@dataclass
class SqliteScoringStore:
    """A ``ScoringStore`` over the state database."""

    db: StateDB

    def cached(self, keys: Sequence[str]) -> dict[str, Score]:
        found: dict[str, Score] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            marks = ",".join("?" for _ in chunk)
            for row in self.db.table("scores").rows_where(f"key in ({marks})", chunk):
                found[row["key"]] = Score.from_data(json.loads(row["data"]))
        return found

    def remember(self, entries: Iterable[CachedScore], now: datetime) -> None:
        rows = [_score_row(entry, now) for entry in entries]
        if rows:
            with self.db.conn:
                self.db.table("scores").upsert_all(rows, pk="key")

    def record_usage(self, record: UsageRecord) -> None:
        with self.db.conn:
            self.db.table("ai_usage").insert(_usage_row(record))

    def spent(self, plan_id: str) -> float:
        row = self.db.execute(
            "select coalesce(sum(cost_usd), 0) from ai_usage where plan_id = ?", [plan_id]
        ).fetchone()
        return float(row[0])


def _score_row(entry: CachedScore, now: datetime) -> dict[str, Any]:
    return {
        "key": entry.key,
        "scorer": entry.provider,
        "version": entry.prompt_version,
        "model": entry.model,
        "digest": entry.digest,
        "data": json.dumps(entry.score.to_data(), sort_keys=True),
        "created_at": iso(now),
    }


def _usage_row(record: UsageRecord) -> dict[str, Any]:
    return {
        "at": iso(record.at),
        "provider": record.provider,
        "model": record.model,
        "tokens_in": record.tokens_in,
        "tokens_out": record.tokens_out,
        "cost_usd": record.cost_usd,
        "plan_id": record.plan_id,
        "profiles": record.profiles,
        "outcome": record.outcome,
    }


@dataclass(frozen=True)
class UsageTotal:
    """The ledger summed for one provider and model."""

    provider: str
    model: str
    requests: int
    failed: int
    profiles: int
    tokens_in: int
    tokens_out: int
    cost_usd: float

    def to_data(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "failed": self.failed,
            "profiles": self.profiles,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost_usd": round(self.cost_usd, 6),
        }


_TOTALS_SQL = """
select provider, model, count(*) as requests,
  sum(case when coalesce(outcome, 'ok') = 'ok' then 0 else 1 end) as failed,
  sum(case when coalesce(outcome, 'ok') = 'ok' then coalesce(profiles, 0) else 0 end) as profiles,
  sum(coalesce(tokens_in, 0)) as tokens_in, sum(coalesce(tokens_out, 0)) as tokens_out,
  sum(coalesce(cost_usd, 0)) as cost_usd
from ai_usage where at >= ? group by provider, model order by provider, model
"""


def usage_totals(db: StateDB, since: datetime | None) -> list[UsageTotal]:
    """Totals per provider and model for requests at or after ``since`` (all when ``None``)."""
    cursor = db.execute(_TOTALS_SQL, [iso(since) if since else ""])
    return [
        UsageTotal(
            provider=row[0] or "",
            model=row[1] or "",
            requests=int(row[2]),
            failed=int(row[3] or 0),
            profiles=int(row[4] or 0),
            tokens_in=int(row[5] or 0),
            tokens_out=int(row[6] or 0),
            cost_usd=float(row[7] or 0.0),
        )
        for row in cursor.fetchall()
    ]

"""The SQLite cache and ledger: migration m050, round trips, totals over a time window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from socialseed.model import Score
from socialseed.model.scoring import CachedScore, UsageRecord
from socialseed.state.ai import SqliteScoringStore, usage_totals
from socialseed.state.db import applied, open_state
from tests.scoring.fakes import NOW


def _usage(
    days_ago: int, provider: str, outcome: str = "ok", plan: str | None = None
) -> UsageRecord:
    return UsageRecord(
        at=NOW - timedelta(days=days_ago),
        provider=provider,
        model="m",
        tokens_in=100,
        tokens_out=10,
        cost_usd=0.25,
        profiles=5,
        outcome=outcome,
        plan_id=plan,
    )


def test_migration_adds_model_and_outcome_columns(tmp_path: Path) -> None:
    db = open_state(tmp_path / "s.sqlite")

    assert "m050_scoring_cache_model_and_ledger_outcome" in applied(db)
    assert "model" in db["scores"].columns_dict
    assert "outcome" in db["ai_usage"].columns_dict


def test_cache_round_trip_keeps_the_score_and_who_made_it(tmp_path: Path) -> None:
    db = open_state(tmp_path / "s.sqlite")
    store = SqliteScoringStore(db)
    score = Score(0.9, 0.4, "caution", ("a", "b"), "gpt", "score_v1", "gpt-4o-mini")

    store.remember([CachedScore("k1", "gpt", "gpt-4o-mini", "score_v1", "d1", score)], NOW)
    store.remember([CachedScore("k1", "gpt", "gpt-4o-mini", "score_v1", "d1", score)], NOW)

    assert SqliteScoringStore(open_state(tmp_path / "s.sqlite")).cached(["k1", "k2"]) == {
        "k1": score
    }
    (row,) = db["scores"].rows
    assert (row["scorer"], row["model"], row["version"], row["digest"]) == (
        "gpt",
        "gpt-4o-mini",
        "score_v1",
        "d1",
    )
    assert row["created_at"] == "2026-11-25T18:00:00Z"


def test_cache_lookup_of_many_keys(tmp_path: Path) -> None:
    store = SqliteScoringStore(open_state(tmp_path / "s.sqlite"))
    score = Score(0.5, 0.5, "caution", (), "gpt", "score_v1", "m")
    store.remember(
        [CachedScore(f"k{i}", "gpt", "m", "score_v1", "d", score) for i in range(1200)], NOW
    )

    assert len(store.cached([f"k{i}" for i in range(0, 2400, 2)])) == 600


def test_totals_per_provider_and_model_within_the_window(tmp_path: Path) -> None:
    db = open_state(tmp_path / "s.sqlite")
    store = SqliteScoringStore(db)
    for record in (
        _usage(1, "gpt", plan="p1"),
        _usage(2, "gpt", "malformed", plan="p1"),
        _usage(3, "claude"),
        _usage(40, "claude"),
    ):
        store.record_usage(record)

    recent = {t.provider: t.to_data() for t in usage_totals(db, NOW - timedelta(days=30))}
    everything = {t.provider: t for t in usage_totals(db, None)}

    assert recent["gpt"] == {
        "provider": "gpt",
        "model": "m",
        "requests": 2,
        "failed": 1,
        "profiles": 5,
        "tokens_in": 200,
        "tokens_out": 20,
        "cost_usd": 0.5,
    }
    assert recent["claude"]["requests"] == 1
    assert everything["claude"].requests == 2
    assert store.spent("p1") == 0.5
    assert store.spent("other") == 0.0

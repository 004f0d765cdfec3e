"""The targeting's measured lift: follow-back of the ranked choice vs the control group.

Only follows old enough to judge count (made ``MATURE_DAYS`` or more before ``now``).
The interval is the 95% interval of the rate ratio (Katz's log method); calibration compares
the ranker's mean expectation with the observed rate, per band of expectation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from socialseed.model.rates import rate_ratio
from socialseed.state.growth import MATURE_DAYS, Labelled, labelled
from socialseed.state.handle import StateDB

BANDS = ((0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 1.01))


def experiment(db: StateDB, account: str, since: datetime, now: datetime) -> dict[str, Any]:
    rows = labelled(db, account, made_before=now - timedelta(days=MATURE_DAYS), made_after=since)
    chosen = [r for r in rows if r.arm != "control"]
    control = [r for r in rows if r.arm == "control"]
    return {
        "judged_after_days": MATURE_DAYS,
        "chosen": _arm(chosen),
        "control": _arm(control),
        "lift": _lift(chosen, control),
        "calibration": _calibration(rows),
    }


def _arm(rows: Sequence[Labelled]) -> dict[str, Any]:
    backs = sum(r.followed_back for r in rows)
    return {
        "follows": len(rows),
        "followed_back": backs,
        "rate": round(backs / len(rows), 4) if rows else None,
        "expected": round(sum(r.expected for r in rows) / len(rows), 4) if rows else None,
    }


def _lift(chosen: Sequence[Labelled], control: Sequence[Labelled]) -> dict[str, Any] | None:
    found = rate_ratio(
        sum(r.followed_back for r in chosen),
        len(chosen),
        sum(r.followed_back for r in control),
        len(control),
    )
    if found is None:
        return None
    ratio, low, high = found
    return {"ratio": round(ratio, 3), "low": round(low, 3), "high": round(high, 3)}


def _calibration(rows: Sequence[Labelled]) -> list[dict[str, Any]]:
    out = []
    for low, high in BANDS:
        band = [r for r in rows if low <= r.expected < high]
        if band:
            out.append(
                {
                    "band": f"{low:.0%}-{min(high, 1.0):.0%}",
                    "follows": len(band),
                    "expected": round(sum(r.expected for r in band) / len(band), 4),
                    "observed": round(sum(r.followed_back for r in band) / len(band), 4),
                }
            )
    return out

"""The growth experiment in words: chosen vs control follow-back with its interval, and the
ranker's calibration. One sentence each, shared by the text, Markdown and HTML reports (each
passes it through its own escaping)."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "n/a"


def experiment_text(acct: dict[str, Any]) -> str:
    """Chosen vs control follow-back with the rate ratio's 95% interval ("" before any
    judged follow)."""
    exp = acct.get("experiment") or {}
    chosen, control = exp.get("chosen") or {}, exp.get("control") or {}
    if not chosen.get("follows"):
        return ""
    text = (
        f"chosen {_pct(chosen['rate'])} ({chosen['followed_back']}/{chosen['follows']}, "
        f"predicted {_pct(chosen['expected'])})"
    )
    if control.get("follows"):
        text += (
            f" vs control {_pct(control['rate'])} ({control['followed_back']}/{control['follows']})"
        )
        lift = exp.get("lift")
        if lift:
            text += f" = {lift['ratio']:.2f}x [95% {lift['low']:.2f}-{lift['high']:.2f}]"
    return text + f"; follows judged after {exp['judged_after_days']} days"


def calibration_text(acct: dict[str, Any]) -> str:
    """Predicted against observed follow-back per band of prediction ("" before any judged
    follow): the same words in the text, Markdown and HTML reports."""
    bands = (acct.get("experiment") or {}).get("calibration") or []
    return "; ".join(
        f"{b['band']} band: predicted {_pct(b['expected'])}, observed {_pct(b['observed'])} "
        f"({b['follows']} follows)"
        for b in bands
    )

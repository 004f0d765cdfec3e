"""Watching accounts after the fact: health, recovery, sync, status and analytics.

- ``health``: the traffic light from the journal, audit log, relationships and snapshots.
- ``recovery``: what a light does: pause on red, cool down, a lower phase, timed pauses ending.
- ``sync``: snapshots of followers and following, follow-backs, drift (follows made by hand).
- ``status``: one status row per account (phase, today's budget, health, pause, lock).
- ``analytics``: the data of ``socialseed report`` (growth, actions, follow-backs, costs).
- ``metrics``: Prometheus metrics per account and totals, for ``socialseed metrics``.

Renderers in ``socialseed.report`` show what these build; they import none of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.observe.analytics import build_report
    from socialseed.observe.health import assess
    from socialseed.observe.recovery import pause_if_red, phase_of, recover
    from socialseed.observe.status import account_health, status_rows
    from socialseed.observe.sync import run_sync, sync_account

# The face is lazy: ``import socialseed.observe.X`` loads X alone, not the whole package.
_EXPORTS = {
    "assess": "health",
    "pause_if_red": "recovery",
    "phase_of": "recovery",
    "recover": "recovery",
    "run_sync": "sync",
    "sync_account": "sync",
    "account_health": "status",
    "status_rows": "status",
    "build_report": "analytics",
}
__all__ = [
    "account_health",
    "assess",
    "build_report",
    "pause_if_red",
    "phase_of",
    "recover",
    "run_sync",
    "status_rows",
    "sync_account",
]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)

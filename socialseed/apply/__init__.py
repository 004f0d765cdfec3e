"""The apply flow: run a plan's approved actions, crash-safe, paced, behind a circuit breaker.

- ``executor``: the ``Applier``: checksum, staleness, approvals, then one run per account.
- ``account_run``: one account's run: lock, reconcile, pace, journal, execute, break the circuit.
- ``context``: what the executor hands a run (options, events, the ``RunContext`` protocol).
- ``pacing``: waits from phase caps, platform hard caps and rate-limit headers (pure).
- ``replan``: apply on merge: which actions of a stale reviewed plan a fresh plan still
  confirms, and what is dropped and why (pure).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.apply.account_run import AccountReport, AccountRun, Result, approval_of
    from socialseed.apply.context import Event, Options, RunContext
    from socialseed.apply.executor import Applier, Prepared, Report, check_fresh, select
    from socialseed.apply.pacing import Caps, Pacer, Wait

# The face is lazy: ``import socialseed.apply.X`` loads X alone, not the whole package.
_EXPORTS = {
    "Applier": "executor",
    "Prepared": "executor",
    "Report": "executor",
    "check_fresh": "executor",
    "select": "executor",
    "Event": "context",
    "Options": "context",
    "RunContext": "context",
    "AccountReport": "account_run",
    "AccountRun": "account_run",
    "Result": "account_run",
    "approval_of": "account_run",
    "Caps": "pacing",
    "Pacer": "pacing",
    "Wait": "pacing",
}
__all__ = [
    "AccountReport",
    "AccountRun",
    "Applier",
    "Caps",
    "Event",
    "Options",
    "Pacer",
    "Prepared",
    "Report",
    "Result",
    "RunContext",
    "Wait",
    "approval_of",
    "check_fresh",
    "select",
]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)

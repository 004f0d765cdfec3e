"""Every metric family SocialSeed can expose, from seeded state plus what other flows add."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from prometheus_client import CollectorRegistry, generate_latest
from sqlite_utils import Database

from socialseed.config.load import load_config
from socialseed.model.status import StatusRow
from socialseed.observe import metrics
from socialseed.state import counters
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import NOW

_NAME = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)")


@dataclass(frozen=True)
class _WithRunway(StatusRow):  # what discovery adds to the row
    runway_days: float = 0.0


def full_exposition(db: Database) -> str:
    """The exposition with every optional family present (token, AI budget, runway)."""
    config = load_config(DEMO_CONFIG)
    config = config.model_copy(
        update={"scoring": config.scoring.model_copy(update={"max_cost_usd": 5.0})}
    )
    inputs = metrics.gather(db, config, now=NOW)
    rows = [_WithRunway(**vars(r), runway_days=2.5) for r in inputs.rows]
    expiry = {r.account: NOW for r in inputs.rows}
    account = rows[0].account
    inputs = replace(
        inputs,
        rows=rows,
        token_expiry=expiry,
        last_plan_cost=4.2,
        waits=[counters.WaitTotal(account, "rate_limit", 1, 900.0)],
        ai=[counters.AiTotal("openai", "gpt-4o-mini", "ok", 1, 1000, 200, 0.25)],
        notifications=[("ops-webhook", "sent", 1)],
    )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(metrics.StateCollector(lambda: metrics.families(inputs)))
    return generate_latest(registry).decode("utf-8")


def sample_names(text: str) -> set[str]:
    found = set()
    for line in text.splitlines():
        match = _NAME.match(line)
        if match and not line.startswith("#"):
            found.add(match.group(1))
    return found

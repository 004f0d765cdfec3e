"""A platform that says the budget is gone for the month stops the account until then."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from socialseed.clock import iso
from socialseed.errors import UsageCapped
from socialseed.model import Verb
from socialseed.state.accounts import active_pause

from .fakes import NOW, Harness, action, approve, config, plan_for, state

RESET = datetime(2026, 12, 1, tzinfo=UTC)


async def test_usage_capped_pauses_the_account_until_the_reset_and_runs_nothing_more(
    tmp_path: Path,
) -> None:
    cfg = config(("alpha", "beta"))
    actions = [action(a, Verb.FOLLOW, n) for a in ("alpha", "beta") for n in (1, 2, 3)]
    plan = plan_for(cfg, actions)
    db = state(tmp_path)
    approve(db, plan, actions)
    h = Harness(db, cfg, plan)
    capped = UsageCapped("x: Usage cap exceeded: Monthly product cap", reset_at=RESET)
    h.scripts["alpha"] = {actions[1].id: [capped]}

    report = await h.run()

    assert report.exit_code == 1
    alpha = next(a for a in report.accounts if a.account == "alpha")
    assert [r.status for r in alpha.results] == ["done", "skipped", "skipped"]
    assert "budget spent until 2026-12-01T00:00:00Z" in alpha.results[1].detail
    assert alpha.error is not None and "Monthly product cap" in alpha.error.message
    assert h.clock.slept == []  # no waiting for a month inside a run
    assert [c[0] for c in h.world.calls].count("alpha") == 2  # nothing sent after the cap
    paused = active_pause(db, "alpha", NOW)
    assert paused is not None and paused.until == RESET
    assert "Monthly product cap" in paused.reason
    assert active_pause(db, "alpha", RESET) is None  # lifts at the reset
    assert active_pause(db, "beta", NOW) is None
    beta = next(a for a in report.accounts if a.account == "beta")
    assert [r.status for r in beta.results] == ["done"] * 3
    assert iso(RESET) in alpha.error.message

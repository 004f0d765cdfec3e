"""The experiment in every report: chosen vs control follow-back with the rate ratio's 95%
interval, and the calibration, in the same words in the text, Markdown and HTML reports."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from socialseed.config.load import load_config
from socialseed.observe.analytics import build_report
from socialseed.report.report_html import render_html
from socialseed.report.report_text import render_report, report_markdown
from socialseed.state.db import open_state
from socialseed.state.growth import Proposal, record_proposals
from socialseed.state.handle import StateDB
from socialseed.state.relationships import mark_followed_back_many, record_follows
from tests.conftest import DEMO_CONFIG

NOW = datetime(2026, 12, 20, 9, tzinfo=UTC)
ACCOUNT = "demo-studio"
LIFT = (
    "chosen 30.0% (12/40, predicted 25.0%) vs control 10.0% (2/20) = 3.00x [95% 0.74-12.13]; "
    "follows judged after 3 days"
)
CALIBRATION = (
    "10%-20% band: predicted 10.0%, observed 10.0% (20 follows); "
    "20%-30% band: predicted 25.0%, observed 30.0% (40 follows)"
)


def _seed(db: StateDB) -> None:
    """40 chosen follows (predicted 25%, 12 followed back), 20 control (10%, 2 back), made
    ten days ago; 5 more chosen two days ago (too young to judge: left out)."""
    for arm, count, backs, expected, made in (
        ("chosen", 40, 12, 0.25, NOW - timedelta(days=10)),
        ("control", 20, 2, 0.10, NOW - timedelta(days=10)),
        ("chosen", 5, 5, 0.25, NOW - timedelta(days=2)),
    ):
        ids = [f"{arm}-{made.day}-{i}" for i in range(count)]
        proposals = [Proposal(t, "film-photographers", "hashtag:x", arm, expected, {}) for t in ids]
        record_proposals(db, ACCOUNT, proposals, now=made)
        record_follows(db, ACCOUNT, [(t, "socialseed", made) for t in ids])
        mark_followed_back_many(db, ACCOUNT, ids[:backs], at=made + timedelta(days=1))


def _report() -> dict:  # type: ignore[type-arg]
    db = open_state(None)
    _seed(db)
    config = load_config(DEMO_CONFIG)
    return build_report(db, now=NOW, since=NOW - timedelta(days=30), config=config)


def test_text_markdown_and_html_reports_show_the_experiment_and_calibration() -> None:
    data = _report()
    out = io.StringIO()
    render_report(Console(file=out, width=400, color_system=None), data)
    text = out.getvalue()
    assert f"  experiment: {LIFT}\n" in text
    assert f"  calibration: {CALIBRATION}\n" in text
    md = report_markdown(data)
    escaped = LIFT.replace("[", "\\[").replace("]", "\\]")  # Markdown link syntax escaped
    assert f"Experiment: {escaped}\n" in md
    assert f"Calibration: {CALIBRATION}\n" in md
    page = render_html(data)
    assert f'<h3>Experiment: chosen vs control</h3><div class="experiment"><p>{LIFT}</p>' in page
    assert f"<p>calibration: {CALIBRATION}</p>" in page


def test_without_judged_follows_no_experiment_is_shown() -> None:
    db = open_state(None)
    data = build_report(
        db, now=NOW, since=NOW - timedelta(days=30), config=load_config(DEMO_CONFIG)
    )
    assert "Experiment:" not in report_markdown(data)
    assert "Experiment: chosen vs control" not in render_html(data)

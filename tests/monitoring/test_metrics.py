"""``socialseed metrics``: the exposition a scraper sees, checked by promtool, on seeded state."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.config.load import load_config
from socialseed.model import Outcome, Verb
from socialseed.model.scoring import UsageRecord
from socialseed.model.status import StatusRow
from socialseed.observe import metrics
from socialseed.state.accounts import audit
from socialseed.state.ai import SqliteScoringStore
from socialseed.state.counters import record_wait
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.monitoring.promtool import check
from tests.ops.conftest import ACCOUNT, NOW, make_action, make_plan, run_action, seed_month

ENV = {"SOCIALSEED_NOW": iso(NOW)}
STUDIO = 'account="demo-studio",platform="sandbox"'
ACCOUNT_L = 'account="demo-studio"'
PLAT = 'platform="sandbox"'


def PV(verb: str) -> str:
    return f'{PLAT},verb="{verb}"'


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture
def db(state_path: Path) -> Database:
    database = open_state(state_path)
    seed_month(database)
    return database


def exposition() -> str:
    result = run("metrics", "-c", str(DEMO_CONFIG))
    assert result.exit_code == 0, result.output
    return result.stdout


def value(text: str, name: str, labels: str) -> float | None:
    """The sample ``name{labels}`` of an exposition (``None`` when absent)."""
    for line in text.splitlines():
        if line.startswith(f"{name}{{{labels}}} "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_a_month_of_history_as_metrics(db: Database) -> None:
    text = exposition()
    assert value(text, "socialseed_account_health", f'{ACCOUNT_L},light="green",{PLAT}') == 1.0
    assert value(text, "socialseed_account_health", f'{ACCOUNT_L},light="red",{PLAT}') == 0.0
    assert value(text, "socialseed_account_health_level", STUDIO) == 0.0
    assert value(text, "socialseed_account_phase_day", STUDIO) == 7.0
    assert value(text, "socialseed_account_phase_info", f'{ACCOUNT_L},phase="growth",{PLAT}') == 1
    assert value(text, "socialseed_account_followers", STUDIO) == 187.0
    assert value(text, "socialseed_account_following", STUDIO) == 108.0
    assert value(text, "socialseed_today_used_actions", f'{STUDIO},verb="follow"') == 2.0
    assert value(text, "socialseed_today_remaining_actions", f'{STUDIO},verb="follow"') == 58.0
    assert value(text, "socialseed_today_cap_actions", f'{STUDIO},verb="follow"') == 60.0
    done = f'{ACCOUNT_L},outcome="done",{PV("follow")}'
    assert value(text, "socialseed_actions_total", done) == 60.0
    failed = f'{ACCOUNT_L},outcome="failed",{PV("like")}'
    assert value(text, "socialseed_actions_total", failed) == 1.0
    assert value(text, "socialseed_api_requests_total", f'{ACCOUNT_L},code="5xx",{PLAT}') == 1.0
    stamp = (NOW - timedelta(hours=1) + timedelta(seconds=5)).timestamp()
    assert value(text, "socialseed_account_last_apply_timestamp_seconds", STUDIO) == stamp


def test_no_target_handle_or_free_text_in_any_label(db: Database) -> None:
    text = exposition()
    assert ".example" not in text and "HTTP 500" not in text and "u0-0" not in text
    names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}
    assert names and all(n.startswith("socialseed_") for n in names)


def test_promtool_accepts_the_exposition(db: Database) -> None:
    _signals(db)
    checked = check("metrics", stdin=exposition())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == ""  # no lint finding


def _signals(db: Database) -> None:
    """A 429, a block, a red turn, a rate-limit wait and an AI request on top of the month."""
    plan_id = "p-signals"
    at = NOW - timedelta(minutes=30)
    limited = Outcome("failed", "rate limited: too many requests", 429)
    blocked = Outcome("failed", "ActionBlocked: this action was blocked", 403)
    plan = make_plan([make_action(Verb.FOLLOW, "r1"), make_action(Verb.FOLLOW, "r2")], at)
    for action, outcome in zip(plan.actions, (limited, blocked), strict=True):
        run_action(db, plan, action, at, outcome, "alice@example.com")
    with db.conn:
        audit(db, account=ACCOUNT, kind="health_red", actor="t", now=at, detail={})
    record_wait(db, ACCOUNT, cause="rate_limit", seconds=900, reason="rate limited", now=at)
    SqliteScoringStore(db).record_usage(
        UsageRecord(at, "openai", "gpt-4o-mini", 1000, 200, 0.25, 10, "ok", plan_id)
    )


def test_rate_limits_blocks_waits_and_ai_cost(db: Database) -> None:
    _signals(db)
    text = exposition()
    assert value(text, "socialseed_rate_limited_total", STUDIO) == 1.0
    assert value(text, "socialseed_block_signals_total", STUDIO) == 2.0  # refusal + red turn
    assert value(text, "socialseed_rate_limited_total", STUDIO.replace("studio", "cafe")) == 0.0
    assert value(text, "socialseed_api_requests_total", f'{ACCOUNT_L},code="429",{PLAT}') == 1.0
    assert value(text, "socialseed_account_health_level", STUDIO) == 2.0
    waits = f'{ACCOUNT_L},cause="rate_limit",{PLAT}'
    assert value(text, "socialseed_apply_waits_total", waits) == 1.0
    assert value(text, "socialseed_apply_wait_seconds_total", waits) == 900.0
    ai = 'model="gpt-4o-mini",provider="openai"'
    assert value(text, "socialseed_ai_cost_usd_total", ai) == 0.25
    assert (
        value(
            text,
            "socialseed_ai_requests_total",
            'model="gpt-4o-mini",outcome="ok",provider="openai"',
        )
        == 1.0
    )
    assert value(text, "socialseed_ai_tokens_total", f'direction="in",{ai}') == 1000.0
    assert value(text, "socialseed_ai_last_plan_cost_usd", "") is None  # no labels: no braces
    assert "socialseed_ai_last_plan_cost_usd 0.25" in text


def test_unanswered_and_runway_only_when_the_status_row_has_them(db: Database) -> None:
    config = load_config(DEMO_CONFIG)
    inputs = metrics.gather(db, config, now=NOW)
    names = {f.name for f in metrics.families(inputs)}
    assert "socialseed_pool_runway_seconds" not in names
    unanswered = {f.name: f for f in metrics.families(inputs)}["socialseed_unanswered_messages"]
    assert [(s.labels["account"], s.value) for s in unanswered.samples] == [("demo-studio", 0.0)]

    @dataclass(frozen=True)
    class Later(StatusRow):  # what discovery adds to the row
        runway_days: float = 0.0

    rows = [Later(**(vars(r) | {"unanswered": 4}), runway_days=2.5) for r in inputs.rows]
    found = {f.name: f for f in metrics.families(_with_rows(inputs, rows))}
    assert [s.value for s in found["socialseed_unanswered_messages"].samples] == [4.0, 4.0]
    assert [s.value for s in found["socialseed_pool_runway_seconds"].samples] == [216000.0] * 2


def _with_rows(inputs: metrics.Inputs, rows: list[StatusRow]) -> metrics.Inputs:
    from dataclasses import replace

    return replace(inputs, rows=rows)


def test_textfile_is_written_whole(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "socialseed.prom"
    result = run("metrics", "-c", str(DEMO_CONFIG), "--textfile", str(target))
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stderr
    assert value(target.read_text(), "socialseed_account_followers", STUDIO) == 187.0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("socialseed.prom")] == [
        "socialseed.prom"
    ]  # no temporary file left behind


def test_textfile_in_a_missing_folder_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    result = run("metrics", "-c", str(DEMO_CONFIG), "--textfile", str(tmp_path / "no" / "x.prom"))
    assert result.exit_code == 1
    assert f"--textfile {tmp_path / 'no' / 'x.prom'}: cannot write it" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1:99999", "a b:1"])
def test_serve_refuses_a_bad_address(db: Database, address: str) -> None:
    result = run("metrics", "-c", str(DEMO_CONFIG), "--serve", address)
    assert result.exit_code == 1
    assert f"--serve {address}: not an address to listen on" in result.stderr
    assert "--serve 127.0.0.1:9464" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_scrapes_with_fresh_state(db: Database, state_path: Path) -> None:
    port = _free_port()
    env = {"SOCIALSEED_STATE": str(state_path), "SOCIALSEED_NOW": iso(NOW), "PATH": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "socialseed", "metrics", "-c", str(DEMO_CONFIG), "--serve",
         f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = _scrape(port)
        assert value(first, "socialseed_rate_limited_total", STUDIO) == 0.0
        _signals(db)  # written by another process meanwhile (apply)
        second = _scrape(port)
        assert value(second, "socialseed_rate_limited_total", STUDIO) == 1.0
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert f"serving metrics on http://127.0.0.1:{port}/metrics" in err


def _scrape(port: int) -> str:
    for _ in range(100):
        try:
            answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        return answer.text
    raise AssertionError("metrics --serve never answered")

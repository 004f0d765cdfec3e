"""``socialseed worker`` and ``apply --queue``: clean stops, the queue URL, errors a user sees."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state import worker_runs
from socialseed.state.db import open_state
from socialseed.state.journal import FINISHED
from tests.apply import sandbox_setup
from tests.apply.workers import (
    SOCIALSEED,
    enqueue,
    env_of,
    follows_by_world,
    job_states,
    start_worker,
)


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_sigterm_ends_the_run_after_its_current_call_and_queues_it_again(
    tmp_path: Path, pg_url: str
) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=6)
    env = env_of(setup, pg_url, latency_ms=250)
    queued = enqueue(setup, env)
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout == f"queued\t{setup.plan.id}\tsolo\t6\n"
    assert f"Queued 1 accounts (6 approved actions) of plan {setup.plan.id} on " in queued.stderr
    again = enqueue(setup, env)
    assert again.stdout == f"already-queued\t{setup.plan.id}\tsolo\t6\n"
    worker = start_worker(env, "w1")
    db = open_state(setup.state_path)
    deadline = time.monotonic() + 40
    while _outcomes(setup.state_path) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)

    assert worker.returncode == 0, err
    assert "w1: solo [plan " in out and "] stopped: " in out
    assert "queued again" in out and "Traceback" not in err
    # the call under way when the signal came was finished and journalled: no intent is open
    rows = db.conn.execute(
        "select action_id, kind, status from journal where account = 'solo' order by id"
    ).fetchall()
    intents = [a for a, kind, _ in rows if kind == "intent"]
    finished = [a for a, kind, status in rows if kind == "outcome" and status in FINISHED]
    assert intents == finished and 2 <= len(finished) < 6
    assert [r.outcome for r in worker_runs.runs(db)] == ["stopped"]
    assert job_states(pg_url)["todo"] == 1

    # another worker resumes it: each follow once in the sandbox's own records
    done = subprocess.run(
        [SOCIALSEED, "worker", "--until-empty", "--name", "w2"],
        env={**env, "SOCIALSEED_SANDBOX_LATENCY_MS": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"w2: solo [plan {setup.plan.id}, job 1] done: " in done.stdout
    rows = db.conn.execute(
        "select action_id, kind, status from journal where account = 'solo' order by id"
    ).fetchall()
    assert sorted(a for a, kind, s in rows if kind == "outcome" and s in FINISHED) == sorted(
        a.id for a in setup.plan.actions
    )
    assert set(follows_by_world(setup).values()) == {1}
    assert job_states(pg_url) == {"succeeded": 1}


def _outcomes(state: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
    try:
        return int(
            conn.execute("select count(*) from journal where kind = 'outcome'").fetchone()[0]
        )
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_no_queue_named_says_how_to_name_one(tmp_path: Path) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=1)
    env = {**setup.env, "SOCIALSEED_CONFIG": str(setup.config_path)}
    code, _, err = run(env, "worker")
    assert code == 1
    assert "Error: no apply queue given" in err
    assert "--queue-url postgresql://HOST/DB or set SOCIALSEED_QUEUE" in err
    code, _, err = run(env, "apply", str(setup.plan_path), "--queue", "--yes")
    assert code == 1 and "Error: no apply queue given" in err
    assert _journal_rows(setup) == 0


def test_a_queue_url_that_is_not_postgresql_is_refused_without_echoing_it(
    tmp_path: Path,
) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=1)
    env = {**setup.env, "SOCIALSEED_CONFIG": str(setup.config_path)}
    code, _, err = run(env, "worker", "--queue-url", "mysql://bob:hunter2@db.example/q")
    assert code == 1
    assert "Error: --queue-url is not a PostgreSQL URL (it must start with postgresql://)" in err
    assert "hunter2" not in err
    env["SOCIALSEED_QUEUE"] = "redis://:hunter2@cache/0"
    code, _, err = run(env, "apply", str(setup.plan_path), "--queue", "--yes")
    assert code == 1 and "SOCIALSEED_QUEUE is not a PostgreSQL URL" in err
    assert "hunter2" not in err


def test_an_unreachable_queue_names_the_server_never_the_password(tmp_path: Path) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=1)
    port = _closed_port()
    url = f"postgresql://bob:hunter2@127.0.0.1:{port}/queue?connect_timeout=2"
    env = {**setup.env, "SOCIALSEED_CONFIG": str(setup.config_path), "SOCIALSEED_QUEUE": url}
    code, out, err = run(env, "apply", str(setup.plan_path), "--queue", "--yes")
    assert code == 1
    assert f"Error: the apply queue at postgresql://127.0.0.1:{port}/queue cannot be used" in err
    assert "hint: check that PostgreSQL runs there" in err
    assert "hunter2" not in out + err and "Traceback" not in err
    assert _journal_rows(setup) == 0
    code, _, err = run(env, "worker", "--until-empty")
    assert code == 1 and "cannot be used" in err and "hunter2" not in err


def test_queue_and_dry_run_do_not_go_together(tmp_path: Path) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=1)
    env = {
        **setup.env,
        "SOCIALSEED_CONFIG": str(setup.config_path),
        "SOCIALSEED_QUEUE": "postgresql://127.0.0.1:1/q",
    }
    code, _, err = run(env, "apply", str(setup.plan_path), "--queue", "--dry-run")
    assert code == 1
    assert "Error: --queue and --dry-run do not go together" in err


def test_a_bad_sandbox_latency_is_a_clear_error(tmp_path: Path) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=("solo",), follows=1)
    env = {
        **setup.env,
        "SOCIALSEED_CONFIG": str(setup.config_path),
        "SOCIALSEED_SANDBOX_LATENCY_MS": "40ms",
    }
    code, _, err = run(env, "apply", str(setup.plan_path), "--yes")
    assert code == 1
    assert "SOCIALSEED_SANDBOX_LATENCY_MS='40ms' is not a whole number of milliseconds" in err
    assert "SOCIALSEED_SANDBOX_LATENCY_MS=40" in err


def _journal_rows(setup: sandbox_setup.Setup) -> int:
    db = open_state(setup.state_path)
    return int(db.conn.execute("select count(*) from journal").fetchone()[0])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

"""Notifications through Apprise to a webhook receiver on 127.0.0.1: what it is sent, once per
red-turn, retried after a 500, and never a secret in the payload, the output or the logs."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.config.load import load_config
from socialseed.model import Outcome, Verb
from socialseed.observe import alerts as alerts_mod
from socialseed.observe.notify import apprise_send, notify
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.monitoring.webhook import Receiver, webhook_receiver
from tests.ops.conftest import ACCOUNT, NOW, make_action, make_plan, run_action, seed_month

TOKEN = "hook0secret0Zq81xQvT42"  # what the receiver's URL needs; never shown anywhere


def _config(tmp_path: Path, events: str = "[account_red]", extra: str = "") -> Path:
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    text += (
        "\nnotify:\n"
        "  - name: ops-hook\n"
        '    url: "json://127.0.0.1:{env/HOOK_PORT}/hook/{env/HOOK_TOKEN}"\n'
        f"    events: {events}\n"
        f"{extra}"
    )
    path = tmp_path / "socialseed.yaml"
    path.write_text(text)
    return path


def _run(receiver: Receiver, *args: str, now: str = iso(NOW)) -> Result:
    env = {"SOCIALSEED_NOW": now, "HOOK_TOKEN": TOKEN, "HOOK_PORT": str(receiver.port)}
    return CliRunner().invoke(app, list(args), env=env)


def _block(db: Database, minutes: int) -> None:
    """A block signal (a refused follow) ``minutes`` after NOW."""
    at = NOW + timedelta(minutes=minutes)
    plan = make_plan([make_action(Verb.FOLLOW, f"b{minutes}")], at)
    blocked = Outcome("failed", "ActionBlocked: this action was blocked", 403)
    run_action(db, plan, plan.actions[0], at, blocked, "alice@example.com")


def test_one_notification_per_red_turn_with_no_secret_anywhere(
    state_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    db = open_state(state_path)
    seed_month(db)
    config = str(_config(tmp_path))
    outputs: list[str] = []
    with webhook_receiver() as hook:
        green = _run(hook, "status", "-c", config)
        assert green.exit_code == 0, green.output
        assert hook.received == []
        _block(db, -30)
        for _ in range(3):  # red at three checks in a row: one notification
            red = _run(hook, "status", "-c", config)
            assert red.exit_code == 0, red.output
            outputs.append(red.stderr)
        assert len(hook.received) == 1
        assert "notify: ops-hook: sent account_red for demo-studio" in outputs[0]
        assert "notify:" not in outputs[1] + outputs[2]
        resumed = _run(hook, "resume", ACCOUNT, "-c", config)  # a clean slate: green
        assert resumed.exit_code == 0, resumed.output
        cleared = _run(hook, "status", "-c", config, now=iso(NOW + timedelta(minutes=10)))
        assert cleared.exit_code == 0 and len(hook.received) == 1
        assert "red" not in cleared.stdout
        _block(db, 20)
        again = _run(hook, "status", "-c", config, "--json", now=iso(NOW + timedelta(minutes=30)))
        assert again.exit_code == 0, again.output
        assert len(hook.received) == 2  # the second red-turn, the second notification
        assert again.stdout.lstrip().startswith("[")  # --json stays clean on stdout
    first = hook.received[0]
    assert first.path == f"/hook/{TOKEN}"  # the secret goes where it belongs, and only there
    assert first.headers["Content-Type"].startswith("application/json")
    assert first.body["title"] == "SocialSeed: demo-studio is red"
    assert first.body["message"].startswith("demo-studio (sandbox) turned red: ")
    assert "Run 'socialseed status' and 'socialseed log'." in first.body["message"]
    assert first.body["type"] == "info"
    for got in hook.received:
        assert TOKEN not in str(got.body) and TOKEN not in str(got.headers)
    everything = "".join(outputs) + again.output + caplog.text + _dump(db)
    assert TOKEN not in everything
    sent = db.execute("select count(*) from audit where kind = 'notify_sent'").fetchone()[0]
    assert sent == 2


def test_send_resolved_says_once_when_the_red_turn_is_over(
    state_path: Path, tmp_path: Path
) -> None:
    db = open_state(state_path)
    seed_month(db)
    config = str(_config(tmp_path, extra="    send_resolved: true\n"))
    with webhook_receiver() as hook:
        _block(db, -30)
        assert _run(hook, "status", "-c", config).exit_code == 0
        assert _run(hook, "resume", ACCOUNT, "-c", config).exit_code == 0
        later = iso(NOW + timedelta(minutes=10))
        cleared = _run(hook, "status", "-c", config, now=later)
        quiet = _run(hook, "status", "-c", config, now=iso(NOW + timedelta(minutes=20)))
    assert cleared.exit_code == 0 and quiet.exit_code == 0
    assert [r.body["title"] for r in hook.received] == [
        "SocialSeed: demo-studio is red",
        "SocialSeed: resolved: demo-studio: account_red",
    ]
    assert "notify: ops-hook: sent account_red_resolved for demo-studio" in cleared.stderr
    assert "notify:" not in quiet.stderr  # said once; nothing more until it turns red again
    assert TOKEN not in str(hook.received[1].body)


def _dump(db: Database) -> str:
    return "\n".join(db.conn.iterdump())


def test_a_500_is_retried_with_backoff(state_path: Path, tmp_path: Path) -> None:
    db = open_state(state_path)
    seed_month(db)
    _block(db, -30)
    config = load_config(_config(tmp_path))
    waits: list[float] = []
    found = alerts_mod.active(db, config, now=NOW)
    with webhook_receiver() as hook:
        hook.answers = [500]
        env = {"HOOK_TOKEN": TOKEN, "HOOK_PORT": str(hook.port)}
        done = notify(db, config, found, env=env, now=NOW, send=apprise_send, sleep=waits.append)
    assert [(d.event, d.delivered, d.attempts) for d in done] == [("account_red", True, 2)]
    assert len(hook.received) == 2  # the 500, then the retry that was delivered
    assert hook.received[0].body == hook.received[1].body
    assert waits == [1.0]


def test_a_target_that_keeps_failing_is_counted_and_never_fails_the_command(
    state_path: Path, tmp_path: Path
) -> None:
    db = open_state(state_path)
    seed_month(db)
    _block(db, -30)
    config = str(_config(tmp_path))
    with webhook_receiver() as hook:
        hook.answers = [500, 500, 500]
        result = _run(hook, "status", "-c", config, "--fail-on-red")
        assert result.exit_code == 3  # the command's own exit code: red, with --fail-on-red
        assert len(hook.received) == 3
        assert (
            "notify: ops-hook: account_red for demo-studio not delivered (the service refused "
            "or failed 3 times); it is tried again at the next check"
        ) in result.stderr
        metrics = _run(hook, "metrics", "-c", config)
        assert 'socialseed_notifications_total{outcome="failed",target="ops-hook"} 1.0' in (
            metrics.stdout
        )
        later = _run(hook, "notify", "check", "-c", config)  # the next check tries again
        assert later.exit_code == 0, later.output
        assert "notify: ops-hook: sent account_red for demo-studio" in later.stderr
        assert len(hook.received) == 4
    assert TOKEN not in result.output + later.output + metrics.output


def test_notify_test_reaches_one_target_or_says_why_not(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    with webhook_receiver() as hook:
        sent = _run(hook, "notify", "test", "ops-hook", "-c", config)
        assert sent.exit_code == 0, sent.output
        assert sent.stderr.strip() == "notify: ops-hook: sent test"
        assert hook.received[0].body["title"] == "SocialSeed: test notification"
        unknown = _run(hook, "notify", "test", "pager", "-c", config)
    assert unknown.exit_code == 1
    assert "no notify target 'pager' in the config (targets: ops-hook)" in unknown.stderr
    missing = CliRunner().invoke(app, ["notify", "test", "-c", config])
    assert missing.exit_code == 1
    assert "environment variable(s) HOOK_PORT, HOOK_TOKEN not set" in missing.stderr
    assert "Traceback" not in missing.output


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("json://user:hunter2@example.com/x", "a literal password in the URL is not allowed"),
        ("json://example.com/x?token=abc", "a literal secret in a query parameter"),
        (
            "slack://T0AAAAAAAAA1/B0BBBBBBBBB2/abcdefghij0123456789xyz",
            "a part of the URL looks like a token",
        ),
        ("json://example.com/{HOOK}", "a placeholder must be {env/NAME}"),
        ("example.com/hook", "not an Apprise URL"),
    ],
)
def test_secrets_in_notify_urls_are_refused_with_their_place(
    tmp_path: Path, url: str, problem: str
) -> None:
    path = (
        _config(tmp_path)
        .read_text()
        .replace('"json://127.0.0.1:{env/HOOK_PORT}/hook/{env/HOOK_TOKEN}"', f'"{url}"')
    )
    config = tmp_path / "bad.yaml"
    config.write_text(path)
    line = path.splitlines().index(f'    url: "{url}"') + 1
    result = CliRunner().invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 1
    assert f"bad.yaml, line {line}, column 10: notify[0].url: {problem}" in result.stderr

"""``--log-format json``: stderr as one JSON event per line, apply's events named as in --json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_CONFIG
from tests.monitoring.webhook import webhook_receiver

TOKEN = "hook0secret0Zq81xQvT42"


def _ss(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "socialseed", *args], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def _config(tmp_path: Path) -> Path:
    text = (DEMO_CONFIG / "socialseed.yaml").read_text() + (
        "\nnotify:\n  - name: ops-hook\n"
        '    url: "json://127.0.0.1:{env/HOOK_PORT}/hook/{env/HOOK_TOKEN}"\n'
    )
    path = tmp_path / "socialseed.yaml"
    path.write_text(text)
    return path


def _events(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]  # every line is one JSON object


def test_apply_events_on_stderr_match_apply_json(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCIALSEED_NO_INPUT": "1",
            "SOCIALSEED_NOW": "2026-11-25T09:00:00Z", "SOCIALSEED_REVIEWER": "t@example.com",
            "HOOK_TOKEN": TOKEN}  # fmt: skip
    env = base | {"SOCIALSEED_STATE": str(first / "s.sqlite"),
                  "SOCIALSEED_SANDBOX": str(first / "sandbox")}  # fmt: skip
    with webhook_receiver() as hook:
        env["HOOK_PORT"] = base["HOOK_PORT"] = str(hook.port)
        for step in (
            ["sandbox", "reset", "-c", config],
            ["plan", "-c", config, "-o", str(tmp_path / "plan.json")],
            ["review", str(tmp_path / "plan.json"), "-c", config, "--approve-risk", "green"],
        ):
            done = _ss(env, *step)
            assert done.returncode in (0, 2), done.stderr
        shutil.copytree(first, second)
        env_b = base | {"SOCIALSEED_STATE": str(second / "s.sqlite"),
                        "SOCIALSEED_SANDBOX": str(second / "sandbox")}  # fmt: skip
        plan = str(tmp_path / "plan.json")
        logged = _ss(env, "--log-format", "json", "apply", plan, "-c", config, "--yes")
        streamed = _ss(env_b, "apply", plan, "-c", config, "--yes", "--json")
        bad = _ss(env, "--log-format", "json", "status", "-c", str(tmp_path / "none.yaml"))
    assert logged.returncode == streamed.returncode == 0, logged.stderr + streamed.stderr
    events = _events(logged.stderr)
    applied = [e for e in events if e["event"] not in ("message", "notify_sent")]
    assert applied == _events(streamed.stdout)  # the same events, in the same order
    names = {str(e["event"]) for e in applied}
    assert {"action_done", "summary"} <= names
    assert TOKEN not in logged.stderr + logged.stdout
    errors = _events(bad.stderr)
    assert bad.returncode == 1 and [e["event"] for e in errors] == ["error"]
    assert errors[0]["exit_code"] == 1 and "none.yaml" in str(errors[0]["message"])

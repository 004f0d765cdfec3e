"""``socialseed schedule``: cron, systemd and GitHub Actions files for the seed's cadence."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

BIN = Path(sys.executable).parent
CRON_FIELDS = re.compile(r"^(\S+ \S+ \S+ \S+ \S+)  (.*)$")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["schedule", *args])


def _cron_jobs(text: str) -> dict[str, tuple[str, str]]:
    """{job name: (schedule, command)} from the crontab's comment + line pairs."""
    found: dict[str, tuple[str, str]] = {}
    lines = text.splitlines()
    for comment, line in itertools.pairwise(lines):
        match = CRON_FIELDS.match(line)
        if comment.startswith("# ") and match:
            found[comment[2:].split(":")[0]] = (match.group(1), match.group(2))
    return found


def test_cron_has_the_cadence_path_and_state(state_path: Path) -> None:
    result = run("--format", "cron", "--apply-at", "09:30", "--apply-at", "18:05", "-c", "cfg")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"PATH={BIN}:/usr/local/bin:/usr/bin:/bin\n" in text
    assert f"SOCIALSEED_STATE={state_path}\n" in text and "CRON_TZ=UTC\n" in text
    jobs = _cron_jobs(text)
    assert {name: when for name, (when, _) in jobs.items()} == {
        "health": "*/15 * * * *",
        "analytics": "30 5 * * *",
        "cleanup": "45 4 * * 0",
        "apply-0930": "30 9 * * *",
        "apply-1805": "5 18 * * *",
    }
    assert "socialseed sync -c cfg && socialseed status -c cfg" in jobs["health"][1]
    assert "socialseed apply plan.json -c cfg --yes" in jobs["apply-0930"][1]


def _cron_command(workdir: Path, config: str, state: Path) -> str:
    result = CliRunner().invoke(
        app,
        ["schedule", "--format", "cron", "-c", config, "--workdir", str(workdir)],
        env={"SOCIALSEED_STATE": str(state)},
    )
    assert result.exit_code == 0, result.output
    return _cron_jobs(result.stdout)["health"][1]


def test_the_cron_job_is_quiet_on_success_and_loud_on_failure(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    (tmp_path / ".env").write_text("SOCIALSEED_SANDBOX_SEED=7\n")
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "SOCIALSEED_STATE": str(state),
           "SOCIALSEED_NOW": "2026-12-01T09:00:00Z", "SOCIALSEED_NO_INPUT": "1",
           "HOME": str(tmp_path)}  # fmt: skip
    good = _cron_command(tmp_path, str(DEMO_CONFIG), state)
    ran = subprocess.run(["/bin/sh", "-c", good], env=env, capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "", "")
    assert state.is_file()  # it did run: sync made the state
    bad = _cron_command(tmp_path, str(tmp_path / "missing.yaml"), state)
    ran = subprocess.run(["/bin/sh", "-c", bad], env=env, capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    assert ran.stdout.startswith("socialseed health failed:\nError: ")
    assert "missing.yaml" in ran.stdout


def test_systemd_units_verify(tmp_path: Path) -> None:
    out = tmp_path / "units"
    result = run("--format", "systemd", "--apply-at", "07:00", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"socialseed-{job}.{kind}"
        for job in ("health", "analytics", "cleanup", "apply-0700")
        for kind in ("service", "timer")
    )
    health = (out / "socialseed-health.service").read_text()
    assert f"ExecStart={BIN}/socialseed sync -c socialseed\n" in health
    assert "Type=oneshot" in health and "EnvironmentFile=-" in health
    assert "OnCalendar=*:0/15\n" in (out / "socialseed-health.timer").read_text()
    assert "OnCalendar=*-*-* 07:00:00 UTC\n" in (out / "socialseed-apply-0700.timer").read_text()
    _verify(out, names)


def _verify(folder: Path, names: list[str]) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # the structure, at least: sections and keys every unit needs
        for name in names:
            text = (folder / name).read_text()
            assert text.startswith("[Unit]\nDescription=")
            assert ("[Service]" in text) if name.endswith(".service") else ("[Timer]" in text)
        return
    env = {**os.environ, "SYSTEMD_LOG_LEVEL": "info"}
    checked = subprocess.run([analyze, "verify", "--man=no", *names], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    broken = folder / "socialseed-broken.timer"  # the check can fail: a bad calendar
    broken.write_text("[Unit]\nDescription=x\n\n[Timer]\nOnCalendar=tomorrowish\n")
    refused = subprocess.run([analyze, "verify", "--man=no", broken.name], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert refused.returncode != 0 or "tomorrowish" in refused.stderr


def test_github_actions_workflow_is_valid_yaml_with_the_jobs() -> None:
    result = run("--format", "github-actions", "--apply-at", "12:00", "-c", "socialseed")
    assert result.exit_code == 0, result.output
    flow = yaml.safe_load(result.stdout)
    crons = [c["cron"] for c in flow[True]["schedule"]]  # YAML 1.1 reads "on" as true
    assert crons == ["*/15 * * * *", "30 5 * * *", "45 4 * * 0", "0 12 * * *"]
    assert list(flow["jobs"]) == ["health", "analytics", "cleanup", "apply-1200"]
    for job, cron in zip(flow["jobs"].values(), crons, strict=True):
        assert job["if"].startswith(f"github.event.schedule == '{cron}'")
        runs = [s["run"] for s in job["steps"] if "run" in s]
        assert runs[0] == 'pipx install "$SOCIALSEED_SOURCE"'
        assert job["runs-on"] == "self-hosted"  # where the one shared state is
        assert not [s for s in job["steps"] if "cache" in str(s.get("uses", ""))]
    assert flow["env"]["SOCIALSEED_STATE"] == "${{ secrets.SOCIALSEED_STATE }}"
    health = [s["run"] for s in flow["jobs"]["health"]["steps"] if "run" in s][1]
    assert health.splitlines() == [
        "socialseed sync -c socialseed",
        "socialseed status -c socialseed",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--apply-at", "25:00"], "--apply-at 25:00: not a time of day"),
        (["--format", "launchd"], "--format launchd: not a schedule format"),
    ],
)
def test_bad_options_are_clear_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output

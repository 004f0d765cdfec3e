"""The cron line and the CI workflow run commands and flags that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import ROOT

CRON = ROOT / "examples" / "cron" / "socialseed.cron"
NIGHTLY = ROOT / "examples" / "cron" / "socialseed-nightly.sh"
WORKFLOW = ROOT / "examples" / "github-actions" / "nightly.yml"


def _flags(command: str) -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]+", CliRunner().invoke(app, [command, "--help"]).stdout))


def test_the_cron_job_runs_the_script_with_a_path() -> None:
    lines = [ln for ln in CRON.read_text().splitlines() if ln and not ln.startswith("#")]
    jobs = [ln for ln in lines if re.match(r"^[\d*/,-]+( [\d*/,-]+){4}\s", ln)]
    assert len(jobs) == 1
    assert jobs[0].split()[-1].endswith("/socialseed-nightly.sh")
    path = next(ln for ln in lines if ln.startswith("PATH="))
    assert "$" not in path and "~" not in path  # cron does not expand variables here
    assert "/.local/bin" in path.split("=", 1)[1].split(":")[0]  # where pipx puts socialseed
    assert "%" not in jobs[0].replace("\\%", "")  # cron turns a bare % into a newline


def test_the_nightly_script_syncs_gates_and_plans_with_real_flags() -> None:
    script = NIGHTLY.read_text()
    assert 'step sync -c "$CONFIG" --fail-on-drift' in script
    assert 'step status -c "$CONFIG" --fail-on-red' in script
    assert 'step plan -c "$CONFIG"' in script and "--detailed-exitcode" in script
    assert "apply" not in script.replace("apply always needs", "")
    assert {"--fail-on-drift"} <= _flags("sync") and {"--fail-on-red"} <= _flags("status")


def _nightly(home: Path, path: str, state: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": path,
        "SOCIALSEED_HOME": str(home),
        "SOCIALSEED_STATE": str(state),
        "SOCIALSEED_NOW": "2026-11-25T09:00:00Z",
        "SOCIALSEED_NO_INPUT": "1",
    }  # what cron gives a job: nothing of the caller's environment
    return subprocess.run(
        ["sh", str(NIGHTLY)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_nightly_script_is_quiet_on_success_and_loud_on_failure(
    tmp_path: Path, state_path: Path
) -> None:
    shutil.copytree(ROOT / "configs" / "demo", tmp_path / "socialseed")
    venv_bin = str(Path(sys.executable).parent)
    ok = _nightly(tmp_path, f"{venv_bin}:/usr/bin:/bin", state_path)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")  # cron mails nothing
    assert len(list((tmp_path / "plans").glob("*.json"))) == 1
    no_path = _nightly(tmp_path, "/usr/bin:/bin", state_path)  # the PATH cron gives by default
    assert no_path.returncode == 127
    assert no_path.stdout.startswith("socialseed nightly check failed: sync (exit 127).")
    assert "socialseed: not found" in no_path.stdout
    config = tmp_path / "socialseed" / "socialseed.yaml"
    config.write_text(config.read_text().replace("min_authenticity: 0.55", "min_authenticity: 5"))
    broken = _nightly(tmp_path, f"{venv_bin}:/usr/bin:/bin", state_path)
    assert broken.returncode == 1
    assert broken.stdout.startswith("socialseed nightly check failed: sync (exit 1).")
    assert "min_authenticity" in broken.stdout  # the step's own error, with its location


def test_every_workflow_passes_the_github_workflow_schema(tmp_path: Path) -> None:
    check = [sys.executable, str(ROOT / "scripts" / "check_workflows.py")]
    result = subprocess.run(check, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "ok: 5 workflow(s) pass the GitHub workflow schema\n"
    bad = tmp_path / "bad.yml"
    bad.write_text(
        (ROOT / "examples/github-actions/plan.yml")
        .read_text()
        .replace("    timeout-minutes: 20", "    timeout: 20")
    )
    result = subprocess.run(
        [*check, str(bad)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert (
        result.stdout
        == f"{bad}: jobs/plan: Additional properties are not allowed ('timeout' was unexpected)\n"
    )


def test_the_workflow_runs_sync_status_and_a_dry_run_plan() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text())
    steps = flow["jobs"]["nightly"]["steps"]
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert "socialseed sync -c socialseed --fail-on-drift" in runs
    assert "socialseed status -c socialseed --fail-on-red" in runs
    assert "--detailed-exitcode" in runs and "socialseed apply" not in runs
    assert {"--html", "--since"} <= _flags("report")
    trigger = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare on: as true
    assert trigger["schedule"][0]["cron"] == "15 3 * * *"


PINNED = re.compile(r"^git\+https://\S+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


def test_no_example_installs_an_unpinned_socialseed() -> None:
    """Every install of SocialSeed in the examples is a pinned source, never the bare name."""
    examples = sorted((ROOT / "examples").rglob("*"))
    installs = []
    for path in (p for p in examples if p.is_file()):
        for line in path.read_text().splitlines():
            command = line.split("#")[0]
            if re.search(r"\bpip[x3]?\s+install\b", command):
                installs.append((path.name, command.strip()))
    assert installs, "the examples install SocialSeed somewhere"
    for name, command in installs:
        assert not re.search(r"install\s+(--\S+\s+)*['\"]?socialseed\b(?![@+/.])", command), (
            name,
            command,
        )
        assert "$SOCIALSEED_SOURCE" in command or "--require-hashes" in command, (name, command)
    for flow in ("plan.yml", "nightly.yml", "decisions.yml", "apply-on-merge.yml"):
        env = yaml.safe_load((ROOT / "examples" / "github-actions" / flow).read_text())["env"]
        assert PINNED.match(env["SOCIALSEED_SOURCE"]), (flow, env["SOCIALSEED_SOURCE"])


def test_the_release_workflow_builds_checks_and_versions_from_the_tag() -> None:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    trigger = flow.get("on", flow.get(True))
    assert trigger == {"push": {"tags": ["v*"]}}
    steps = flow["jobs"]["release"]["steps"]
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert steps[0]["with"]["fetch-depth"] == 0  # the tag is where the version comes from
    assert "python -m build" in runs and "twine check --strict dist/*" in runs
    assert 'test -f "dist/socialseed-${VERSION}.tar.gz"' in runs
    assert "sha256sum" in runs
    project = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in project and "setuptools-scm" in project

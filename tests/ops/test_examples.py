"""The cron line and the CI workflow run commands and flags that exist."""

from __future__ import annotations

import re

import yaml
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import ROOT

CRON = ROOT / "examples" / "cron" / "socialseed.cron"
WORKFLOW = ROOT / "examples" / "github-actions" / "nightly.yml"


def _flags(command: str) -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]+", CliRunner().invoke(app, [command, "--help"]).stdout))


def test_the_cron_line_syncs_gates_and_plans_with_real_flags() -> None:
    lines = [ln for ln in CRON.read_text().splitlines() if ln and not ln.startswith("#")]
    jobs = [ln for ln in lines if re.match(r"^[\d*/,-]+( [\d*/,-]+){4}\s", ln)]
    assert len(jobs) == 1
    job = jobs[0]
    assert "sync -c socialseed --fail-on-drift" in job
    assert "status -c socialseed --fail-on-red" in job
    assert "plan -c socialseed" in job and "apply" not in job
    assert "%" not in job.replace("\\%", "")  # cron turns a bare % into a newline
    assert {"--fail-on-drift"} <= _flags("sync") and {"--fail-on-red"} <= _flags("status")


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
    for flow in ("plan.yml", "nightly.yml"):
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

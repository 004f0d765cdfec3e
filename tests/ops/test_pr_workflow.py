"""The PR workflow's shell steps, replayed on the sandbox with GitHub's variables simulated.

A git repository with a base and a head commit of the config; each ``run:`` step of
examples/github-actions/plan.yml runs in order with its ``env:`` and ``if:`` evaluated the way
GitHub does for these expressions, and ``$GITHUB_OUTPUT`` carried between steps. The comment
the workflow would post is ``comment.md``; the job's result is the last step's exit code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from socialseed.report.diff_markdown import MARKER
from socialseed.state.db import open_state
from tests.conftest import ROOT
from tests.ops.github_sim import commit, git

FLOW = yaml.safe_load((ROOT / "examples" / "github-actions" / "plan.yml").read_text())
STEPS = FLOW["jobs"]["plan"]["steps"]
EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


class Job:
    """One run of the job: the workspace, the step outputs, what each step printed."""

    def __init__(self, repo: Path, base: str, head: str, state: Path) -> None:
        self.repo = repo
        self.values = {
            "github.workspace": str(repo),
            "github.event.pull_request.head.sha": head,
            "github.event.pull_request.base.sha": base,
            "github.event.pull_request.number": "7",
            "github.run_id": "4242",
        }
        self.outputs: dict[str, dict[str, str]] = {}
        self.state = state
        self.failed = False
        self.log: list[str] = []  # what each step printed, for a failing test's message

    def value(self, expr: str) -> str:
        if expr.startswith("secrets."):
            return ""  # no secrets: a sandbox config needs none
        match = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+)", expr)
        if match:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")
        return self.values[expr]

    def expand(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), text)

    def runs(self, step: dict[str, object]) -> bool:
        cond = str(step.get("if", "success()"))
        if cond == "always()":
            return True
        if self.failed:
            return False
        match = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) == '(\w*)'", cond)
        if match:
            return self.value(f"steps.{match.group(1)}.outputs.{match.group(2)}") == match.group(3)
        return cond == "success()"

    def env(self, step: dict[str, object]) -> dict[str, str]:
        env = {
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", str(self.repo)),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/config",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_SHA": "merge-commit-sha-not-the-head",
            "SOCIALSEED_NOW": "2026-11-25T09:00:00Z",
        }
        env |= {k: self.expand(str(v)) for k, v in FLOW["env"].items()}
        env["SOCIALSEED_STATE"] = str(self.state)  # outside the checkout (git worktree add)
        env |= {k: self.expand(str(v)) for k, v in dict(step.get("env") or {}).items()}  # type: ignore[call-overload]
        return env

    def run(self) -> int:
        code = 0
        for step in STEPS:
            if "run" not in step or not self.runs(step):
                continue
            if step["run"].startswith("pipx install"):
                continue  # this checkout's socialseed is on PATH already
            output = self.repo / ".github_output"
            output.write_text("")
            env = self.env(step) | {"GITHUB_OUTPUT": str(output)}
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if "id" in step:
                lines = output.read_text().splitlines()
                self.outputs[step["id"]] = dict(ln.split("=", 1) for ln in lines if "=" in ln)
            code = done.returncode
            self.log.append(f"--- {step.get('name')}: {code}\n{done.stdout}{done.stderr}")
            self.failed = self.failed or code != 0
        return code


def demo_config() -> str:
    return (ROOT / "configs" / "demo" / "socialseed.yaml").read_text()


def pr(tmp_path: Path, base_config: str, head_config: str) -> tuple[Job, str]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    base = commit(repo, base_config, "base")
    head = commit(repo, head_config, "head")
    state = tmp_path / "state" / "state.sqlite"
    open_state(state).conn.close()  # the shared state the plan reads (and never writes)
    return Job(repo, base, head, state), head


def test_a_config_change_posts_its_plan_diff_with_the_head_sha(tmp_path: Path) -> None:
    head_config = demo_config().replace(
        "like_recent: 1}\n    scoring: {provider: heuristic, min_authenticity: 0.5}",
        "like_recent: 0}\n    scoring: {provider: heuristic, min_authenticity: 0.5}",
    )
    assert head_config != demo_config()
    job, head = pr(tmp_path, demo_config(), head_config)
    assert job.run() == 0, job.log  # changes proposed (2) is not a failure
    comment = (job.repo / "comment.md").read_text()
    assert comment.startswith(f"{MARKER}\n## SocialSeed plan diff\n")
    assert re.search(r"\*\*0 added, \d+ removed, 0 changed", comment), comment[:400]
    assert f"commit `{head}`" in comment  # the PR head, not GITHUB_SHA (the merge commit)
    assert "[workflow run](https://github.com/acme/config/actions/runs/4242)" in comment
    assert "gh run download 4242 -R acme/config -n socialseed-plan\n" in comment
    assert "socialseed review plan.json\nsocialseed apply plan.json\n" in comment
    assert "♥ like" in comment and "+ follow" not in comment.split("### ")[1]
    assert (job.repo / "plan.code").read_text() == "2\n"


def test_a_broken_config_replaces_the_comment_with_the_failure(tmp_path: Path) -> None:
    broken = demo_config().replace("min_authenticity: 0.55", "min_authenticity: 5")
    job, head = pr(tmp_path, demo_config(), broken)
    assert job.run() == 1  # the job fails, after the comment is written
    comment = (job.repo / "comment.md").read_text()
    assert comment.startswith(f"{MARKER}\n## SocialSeed plan failed: exit 1 (error)\n")
    assert f"commit `{head}`" in comment
    assert "socialseed/socialseed.yaml, line " in comment and "min_authenticity" in comment
    assert not (job.repo / "plan.json").exists()


def test_a_capability_error_fails_validate_and_says_where(tmp_path: Path) -> None:
    x_follow = demo_config().replace(
        "accounts:\n",
        "accounts:\n  - id: studio-x\n    platform: x\n    handle: studio_example\n"
        "    access_tier: basic\n    client_id: app\n    client_secret: env/STUDIO_X_SECRET\n"
        "    phases: gentle\n    targeting: [coffee-lovers]\n",
        1,
    )
    job, _ = pr(tmp_path, demo_config(), x_follow)
    assert job.run() == 1
    assert job.outputs["validate"]["exit_code"] == "1"
    comment = (job.repo / "comment.md").read_text()
    assert "x (basic tier) does not offer follow" in comment
    assert "targeting.coffee-lovers.actions.follow" in comment


def test_a_new_config_diffs_against_no_base_plan(tmp_path: Path) -> None:
    job, _ = pr(tmp_path, "# nothing yet\n", demo_config())
    assert job.run() == 0, job.log
    comment = (job.repo / "comment.md").read_text()
    assert re.search(r"\*\*\d+ added, 0 removed, 0 changed", comment)
    assert len(comment) <= 65_536

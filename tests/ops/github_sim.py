"""A simulated GitHub for replaying examples/github-actions/*.yml on this machine.

A job runs the way a runner runs it: a fresh clone of the repository at the job's commit (or
the ``ref`` its checkout step names), the workflow's, job's and step's ``env:`` with GitHub's
expressions evaluated (``github.event.*`` from the payload, ``secrets.*``, ``steps.*.outputs``,
``&&``, ``||``, ``!``, ``==``, ``contains()``, ``always()``, ``hashFiles()``), ``if:`` on the
job and on each step, ``bash -eo pipefail`` per ``run:`` step, and the files GitHub provides
(``GITHUB_EVENT_PATH``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``).

GitHub's side is simulated by its effect: ``actions/checkout`` checks the ref out,
``actions/upload-artifact`` keeps the files under the run's id; other ``uses:`` steps (setup,
the github-script comment) change nothing here. The ``gh`` CLI is a stand-in on ``PATH`` that
answers ``pr view``, ``run list`` and ``run download`` from the recorded pull requests, runs
and artifacts, refuses any other call, and logs every call it gets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "github-actions"
REPO = "acme/config"
EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
IDENT = re.compile(r"\b(?:github|steps|secrets|env|vars)(?:\.[A-Za-z_][A-Za-z0-9_-]*)+")
# the file name each example is installed as (.github/workflows/), as `gh run list` names it
INSTALLED = {
    "plan.yml": "socialseed-plan.yml",
    "decisions.yml": "socialseed-decisions.yml",
    "apply-on-merge.yml": "socialseed-apply-on-merge.yml",
    "nightly.yml": "socialseed-nightly.yml",
}

GH = '''#!{python}
"""The gh CLI stand-in: answers from github.json, logs each call, refuses the rest."""
import json, os, shutil, sys
from pathlib import Path

home = Path(os.environ["FAKE_GITHUB"])
args = sys.argv[1:]
with (home / "gh.log").open("a") as log:
    log.write(json.dumps(args) + "\\n")
data = json.loads((home / "github.json").read_text())


def opt(name):
    return args[args.index(name) + 1] if name in args else None


if opt("--repo") != data["repo"]:
    sys.exit(f"gh stand-in: unexpected --repo {{opt('--repo')}}")
if args[:2] == ["pr", "view"] and opt("--json") == "headRefOid" and opt("--jq") == ".headRefOid":
    print(data["pulls"][args[2]]["head"]["sha"])
elif args[:2] == ["run", "list"] and opt("--jq") == ".[0].databaseId":
    runs = [
        r for r in data["runs"]
        if r["workflow"] == opt("--workflow") and r["event"] == opt("--event")
        and r["conclusion"] == opt("--status") and r["sha"] == opt("--commit")
    ]
    runs.sort(key=lambda r: -r["id"])
    print(runs[0]["id"] if runs else "null")
elif args[:2] == ["run", "download"]:
    found = home / "artifacts" / args[2] / opt("--name")
    if not found.is_dir():
        sys.exit(f"no artifact {{opt('--name')}} in run {{args[2]}}")
    for item in found.iterdir():
        shutil.copy(item, Path(opt("--dir")) / item.name)
else:
    sys.exit(f"gh stand-in: unexpected call {{args}}")
'''


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def commit(repo: Path, config: str, message: str) -> str:
    (repo / "socialseed").mkdir(exist_ok=True)
    (repo / "socialseed" / "socialseed.yaml").write_text(config)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def lookup(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Run:
    """One finished job: its id, how it ended, what each step printed, its workspace."""

    id: int
    workflow: str
    conclusion: str
    exit_code: int
    workspace: Path
    log: list[str] = field(default_factory=list)
    summary: str = ""

    def __str__(self) -> str:
        return f"run {self.id} ({self.workflow}): {self.conclusion}\n" + "\n".join(self.log)


class GitHub:
    """The repository, its pull requests, runs and artifacts, and the runner's environment."""

    def __init__(self, root: Path, secrets: dict[str, str]) -> None:
        self.root = root
        self.origin = root / "origin"
        self.secrets = secrets
        self.pulls: dict[str, dict[str, Any]] = {}
        self.runs: list[dict[str, Any]] = []
        self.bin = root / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        gh = self.bin / "gh"
        gh.write_text(GH.format(python=sys.executable))
        gh.chmod(0o755)
        (root / "home").mkdir(exist_ok=True)

    def moved_to(self, root: Path) -> GitHub:
        """The same GitHub, copied under ``root`` (each test branches from a shared start)."""
        shutil.copytree(self.root, root, symlinks=True)
        other = GitHub.__new__(GitHub)
        other.__dict__ |= self.__dict__ | {"root": root, "origin": root / "origin"}
        other.bin = root / "bin"
        other.secrets = {k: v.replace(str(self.root), str(root)) for k, v in self.secrets.items()}
        other.pulls = json.loads(json.dumps(self.pulls))
        other.runs = json.loads(json.dumps(self.runs))
        return other

    def gh_calls(self) -> list[list[str]]:
        log = self.root / "gh.log"
        lines = log.read_text().splitlines() if log.exists() else []
        return [json.loads(line) for line in lines]

    def run(self, example: str, event: str, payload: dict[str, Any], sha: str, now: str) -> Run:
        """Run the example's (only) job for ``event`` at commit ``sha`` with simulated time."""
        flow = yaml.safe_load((EXAMPLES / example).read_text())
        job = next(iter(flow["jobs"].values()))
        run_id = 4242 + len(self.runs)
        home = self.root / f"run-{run_id}"
        workspace = home / "repo"
        subprocess.run(["git", "clone", "-q", str(self.origin), str(workspace)], check=True)
        git(workspace, "checkout", "-q", sha)
        event_path = home / "event.json"
        event_path.write_text(json.dumps(payload))
        runner = _Job(self, flow, job, payload, run_id, workspace, event, event_path, sha, now)
        result = runner.go()
        result.workflow = example
        self.runs.append(
            {
                "id": run_id,
                "workflow": INSTALLED[example],
                "event": event,
                "sha": sha,
                "conclusion": result.conclusion,
            }
        )
        return result

    def write_data(self) -> None:
        data = {"repo": REPO, "pulls": self.pulls, "runs": self.runs}
        (self.root / "github.json").write_text(json.dumps(data))


class _Job:
    def __init__(
        self,
        hub: GitHub,
        flow: dict[str, Any],
        job: dict[str, Any],
        payload: dict[str, Any],
        run_id: int,
        workspace: Path,
        event: str,
        event_path: Path,
        sha: str,
        now: str,
    ) -> None:
        self.hub, self.flow, self.job, self.payload = hub, flow, job, payload
        self.run_id, self.workspace, self.event, self.event_path = (
            run_id,
            workspace,
            event,
            event_path,
        )
        self.sha, self.now = sha, now
        self.outputs: dict[str, dict[str, str]] = {}
        self.failed = False

    # -- expressions ----------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        kind, _, rest = name.partition(".")
        if kind == "github":
            if rest.startswith("event."):
                return lookup(self.payload, rest.removeprefix("event."))
            simple = {"workspace": str(self.workspace), "run_id": str(self.run_id)}
            return simple.get(rest, "fake-token" if rest == "token" else None)
        if kind == "secrets":
            return self.hub.secrets.get(rest, "")
        if kind == "steps":
            step, _, output = rest.partition(".outputs.")
            return self.outputs.get(step, {}).get(output, "")
        if kind == "env":
            return self.expand(str(self.flow.get("env", {}).get(rest, "")))
        raise AssertionError(f"no simulated value for {name}")

    def evaluate(self, expr: str) -> Any:
        py = IDENT.sub(lambda m: f"_v({m.group(0)!r})", expr)
        py = py.replace("&&", " and ").replace("||", " or ")
        py = re.sub(r"!(?!=)", " not ", py)
        py = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", py))
        names = {
            "_v": self.value,
            "contains": lambda a, b: text_of(b).lower() in text_of(a).lower(),
            "always": lambda: True,
            "success": lambda: not self.failed,
            "failure": lambda: self.failed,
            "hashFiles": lambda *p: "h" if any((self.workspace / x).exists() for x in p) else "",
        }
        return eval(py, {"__builtins__": {}}, names)

    def expand(self, text: str) -> str:
        return EXPR.sub(lambda m: text_of(self.evaluate(m.group(1))), text)

    def condition(self, block: dict[str, Any]) -> bool:
        cond = str(block.get("if", "success()"))
        cond = EXPR.sub(lambda m: m.group(1), cond)
        if not re.search(r"\b(always|success|failure)\(\)", cond):
            cond = f"success() && ({cond})"
        return bool(self.evaluate(cond))

    # -- the run --------------------------------------------------------------------------------
    def env(self, step: dict[str, Any], output: Path, summary: Path) -> dict[str, str]:
        env = {
            "PATH": f"{self.hub.bin}:{Path(sys.executable).parent}:{os.environ['PATH']}",
            "HOME": str(self.hub.root / "home"),
            "FAKE_GITHUB": str(self.hub.root),
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": self.event,
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_RUN_ID": str(self.run_id),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_SHA": self.sha,
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "SOCIALSEED_NOW": self.now,
        }
        for block in (self.flow.get("env"), self.job.get("env"), step.get("env")):
            env |= {k: self.expand(str(v)) for k, v in dict(block or {}).items()}
        return env

    def go(self) -> Run:
        result = Run(self.run_id, "", "skipped", 0, self.workspace)
        if not self.condition(self.job):
            return result
        self.hub.write_data()
        summary = self.workspace.parent / "summary.md"
        summary.write_text("")
        for step in self.job["steps"]:
            if not self.condition(step):
                continue
            code, printed = self.step(step, summary)
            result.log.append(f"--- {step.get('name') or step.get('uses')}: {code}\n{printed}")
            result.exit_code = code
            self.failed = self.failed or code != 0
        result.conclusion = "failure" if self.failed else "success"
        result.summary = summary.read_text()
        return result

    def step(self, step: dict[str, Any], summary: Path) -> tuple[int, str]:
        with_ = {k: self.expand(str(v)) for k, v in dict(step.get("with") or {}).items()}
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/checkout@"):
            if with_.get("ref"):
                git(self.workspace, "checkout", "-q", with_["ref"])
            return 0, ""
        if uses.startswith("actions/upload-artifact@"):
            store = self.hub.root / "artifacts" / str(self.run_id) / with_["name"]
            store.mkdir(parents=True, exist_ok=True)
            for name in with_["path"].split():
                if (self.workspace / name).is_file():
                    shutil.copy(self.workspace / name, store / Path(name).name)
            return 0, ""
        if uses:
            return 0, ""  # setup-python, github-script (the comment is comment.md here)
        if str(step["run"]).startswith("pipx install"):
            return 0, ""  # this checkout's socialseed is on PATH already
        output = self.workspace.parent / "output"
        output.write_text("")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", self.expand(step["run"])],
            cwd=self.workspace,
            env=self.env(step, output, summary),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if "id" in step:
            lines = output.read_text().splitlines()
            self.outputs[step["id"]] = dict(ln.split("=", 1) for ln in lines if "=" in ln)
        return done.returncode, done.stdout + done.stderr

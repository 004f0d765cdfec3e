"""The pull-request workflow end to end, on the sandbox, against ONE shared state.

The shipped workflows (examples/github-actions: plan, decisions, apply-on-merge, nightly) are
replayed by a simulated GitHub (tests/ops/github_sim.py) with GitHub's environment variables
and event payloads in their documented shapes, simulated time, and the shared state a
self-hosted runner keeps (``secrets.SOCIALSEED_STATE``). The operator has already applied two
follows today; the pull request raises the daily follow cap from 6 to 8.

PR plan (reads production, writes nothing) -> diff comment -> approval comment -> merge ->
apply runs exactly the approved actions -> the nightly job finds no drift; and the stale
branch: between approval and merge the operator applies one approved action by hand and main
blocklists another, so apply on merge runs only the intersection and says what it dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from socialseed.model.plan import Plan
from tests.ops.github_sim import REPO, GitHub, Run, commit, git

CONFIG = """\
version: 1
accounts:
  - {id: studio, platform: sandbox, handle: demo.studio, phases: std, targeting: [film],
     start_date: 2026-11-01}
phases:
  std:
    - {name: growth, daily: {follow: DAILY}, hourly: {follow: 6}}
targeting:
  film:
    sources: [{hashtag: filmphotography}]
    filters: {followers: {min: 1, max: 100000}}
    actions: {follow: true}
    scoring: {provider: heuristic, min_authenticity: 0.3}
policy:
  auto_approve: []                 # every follow needs a person's decision, as on real platforms
  approval_ttl: 48h
  plan_ttl: 24h
  blocklist: [BLOCKED]
  reviewers:
    - {id: ada@example.com, github: ada-lovelace}
    - {id: ops@example.com}
    - {id: dan@example.com}
  approvals: {unsigned: yellow}
sandbox: {seed: 42, size: 400, latency_ms: 0}
"""
PR_NUMBER = 42
DAN = ("--reviewer", "dan@example.com")  # the operator's plans are approved by a colleague


def config(daily: int, blocked: str = "spam*") -> str:
    return CONFIG.replace("DAILY", str(daily)).replace("BLOCKED", f'"{blocked}"')


def socialseed(hub: GitHub, *args: str, now: str) -> subprocess.CompletedProcess[str]:
    """The operator at a terminal on the runner: the same shared state, writable."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(hub.root / "home"),
        "SOCIALSEED_STATE": hub.secrets["SOCIALSEED_STATE"],
        "SOCIALSEED_NOW": now,
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "ops@example.com",
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        ["socialseed", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def rows(state: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{state.as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def fingerprint(state: Path) -> tuple[str, dict[str, int], list[str]]:
    """The file's bytes, every table's row count, and the files beside it (backups and the
    like; the sandbox's world there is the simulated network, not state)."""
    tables = [r[0] for r in rows(state, "select name from sqlite_master where type = 'table'")]
    counts = {t: rows(state, f'select count(*) from "{t}"')[0][0] for t in tables}
    beside = sorted(
        str(p.relative_to(state.parent))
        for p in state.parent.rglob("*")
        if not p.name.startswith("sandbox")
    )
    return hashlib.sha256(state.read_bytes()).hexdigest(), counts, beside


def pull_request(action: str, head: str, base: str, **extra: Any) -> dict[str, Any]:
    """A pull_request event payload (GitHub's documented shape, the fields the jobs read)."""
    pr = {
        "number": PR_NUMBER,
        "state": "closed" if action == "closed" else "open",
        "user": {"login": "carol-dev", "type": "User"},
        "head": {"sha": head, "ref": "more-follows", "repo": {"full_name": REPO}},
        "base": {"sha": base, "ref": "main", "repo": {"full_name": REPO}},
        "merged": False,
        "merge_commit_sha": None,
    } | extra
    return {"action": action, "number": PR_NUMBER, "pull_request": pr, "repository": _repo()}


def comment(body: str, login: str) -> dict[str, Any]:
    """An issue_comment event on the pull request."""
    issue = {
        "number": PR_NUMBER,
        "user": {"login": "carol-dev", "type": "User"},
        "pull_request": {"url": f"https://api.github.com/repos/{REPO}/pulls/{PR_NUMBER}"},
        "state": "open",
    }
    said = {
        "id": 1836500001,
        "body": body,
        "user": {"login": login, "type": "User"},
        "created_at": "2026-11-25T09:30:00Z",
        "author_association": "MEMBER",
    }
    return {"action": "created", "issue": issue, "comment": said, "repository": _repo()}


def _repo() -> dict[str, Any]:
    return {"full_name": REPO, "name": "config", "owner": {"login": "acme"}}


@dataclass
class Approved:
    """The shared world after the pull request's plan and its approval comment."""

    hub: GitHub
    base: str
    head: str
    plan: dict[str, Any]
    approved: list[str]
    plan_run: Run
    around_pr_plan: tuple[object, object]  # the state's fingerprint before and after

    @property
    def state(self) -> Path:
        return Path(self.hub.secrets["SOCIALSEED_STATE"])

    def branch(self, root: Path) -> Approved:
        return Approved(
            self.hub.moved_to(root),
            self.base,
            self.head,
            self.plan,
            self.approved,
            self.plan_run,
            self.around_pr_plan,
        )

    def merge(self, merged_config: str | None, now: str) -> Run:
        repo = self.hub.origin
        git(repo, "checkout", "-q", "main")
        git(repo, "merge", "-q", "--no-ff", "--no-edit", "more-follows")
        if merged_config is not None:  # main moved meanwhile: another change merged first
            commit(repo, merged_config, "main: another change")
        merged = git(repo, "rev-parse", "HEAD")
        event = pull_request("closed", self.head, self.base, merged=True, merge_commit_sha=merged)
        return self.hub.run("apply-on-merge.yml", "pull_request", event, merged, now)

    def nightly(self, now: str) -> Run:
        main = git(self.hub.origin, "rev-parse", "main")
        return self.hub.run("nightly.yml", "schedule", {"schedule": "15 3 * * *"}, main, now)

    def executed(self) -> list[tuple[str, str]]:
        return rows(
            self.state,
            "select plan_id, action_id from journal where kind = 'outcome' and status = 'done' "
            "order by id",
        )


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Approved]:
    root = tmp_path_factory.mktemp("github")
    state = root / "shared" / "state.sqlite"
    hub = GitHub(root, {"SOCIALSEED_STATE": str(state)})
    hub.origin.mkdir()
    git(hub.origin, "init", "-q", "-b", "main")
    base = commit(hub.origin, config(daily=6), "base")

    # production so far: a baseline sync, then two follows applied by the operator at 08:00
    (root / "ops").mkdir()
    ops_config = root / "ops" / "socialseed.yaml"
    ops_config.write_text(config(daily=6))
    socialseed(hub, "sync", "-c", str(ops_config), now="2026-11-25T07:00:00Z")
    early = root / "ops" / "early.json"
    socialseed(hub, "plan", "-c", str(ops_config), "-o", str(early), now="2026-11-25T08:00:00Z")
    first_two = [a["id"] for a in json.loads(early.read_text())["actions"][:2]]
    at = "2026-11-25T08:00:00Z"
    socialseed(
        hub,
        "review",
        str(early),
        "-c",
        str(ops_config),
        "--approve",
        ",".join(first_two),
        *DAN,
        now=at,
    )
    socialseed(hub, "apply", str(early), "-c", str(ops_config), "--yes", now=at)

    # the pull request: raise the daily follow cap from 6 to 8
    git(hub.origin, "checkout", "-q", "-b", "more-follows")
    head = commit(hub.origin, config(daily=8), "more follows a day")
    hub.pulls[str(PR_NUMBER)] = {"head": {"sha": head}}
    before = fingerprint(state)
    event = pull_request("synchronize", head, base)
    plan_run = hub.run("plan.yml", "pull_request", event, head, "2026-11-25T09:00:00Z")
    assert plan_run.conclusion == "success", plan_run
    after = fingerprint(state)
    text = (plan_run.workspace / "plan.json").read_text()
    plan = json.loads(text) | {"id": Plan.from_json(text).id}

    # a listed reviewer approves three actions by id in a comment
    chosen = [a["id"] for a in plan["actions"][:3]]
    said = f"Looks right.\r\n/socialseed approve {' '.join(chosen)}\r\n"
    decided = hub.run(
        "decisions.yml",
        "issue_comment",
        comment(said, "ada-lovelace"),
        head,
        "2026-11-25T09:30:00Z",
    )
    assert decided.conclusion == "success", decided
    yield Approved(hub, base, head, plan, chosen, plan_run, (before, after))


def test_the_pr_plan_never_writes_the_shared_state(approved: Approved) -> None:
    before, after = approved.around_pr_plan
    assert after == before  # the file's bytes, every table's row count, no file beside it


def test_the_pr_plan_shows_production_and_comments_its_diff(approved: Approved) -> None:
    studio = approved.plan["accounts"][0]
    assert studio["used_today"] == {"follow": 2}  # the operator's two follows this morning
    assert studio["state_serial"] == 1  # production's serial, not an empty state's 0
    assert len(approved.plan["actions"]) == 6  # 8 a day now, 2 used
    ours = "select target_id from relationships where origin = 'socialseed'"
    followed = {r[0] for r in rows(approved.state, ours)}
    assert len(followed) == 2
    assert not {a["target"]["id"] for a in approved.plan["actions"]} & followed
    comment_md = (approved.plan_run.workspace / "comment.md").read_text()
    assert f"commit `{approved.head}`" in comment_md
    assert re.search(r"\*\*2 added, 0 removed, 0 changed", comment_md), comment_md[:500]
    assert "socialseed review plan.json\nsocialseed apply plan.json\n" in comment_md
    assert (approved.plan_run.workspace / "plan.code").read_text() == "2\n"


def test_the_approval_comment_records_exactly_the_named_actions(approved: Approved) -> None:
    decided = rows(
        approved.state,
        "select action_id, verdict, reviewer from decisions where plan_id = ? order by id",
        approved.plan["id"],
    )
    assert decided == [(a, "approve", "ada@example.com") for a in approved.approved]
    calls = approved.hub.gh_calls()
    assert calls[0][:3] == ["pr", "view", str(PR_NUMBER)]
    assert ["run", "download", str(approved.plan_run.id)] == calls[2][:3]


def test_merge_applies_exactly_the_approved_actions_and_nightly_finds_no_drift(
    approved: Approved, tmp_path: Path
) -> None:
    world = approved.branch(tmp_path / "gh")
    applied = world.merge(None, "2026-11-25T10:00:00Z")
    assert applied.conclusion == "success", applied
    ours = [(p, a) for p, a in world.executed() if p == approved.plan["id"]]
    assert ours == [(approved.plan["id"], a) for a in approved.approved]
    assert "is stale" not in applied.summary  # nothing moved between review and merge
    assert "Applied " in applied.summary and "3 done" in applied.summary

    nightly = world.nightly("2026-11-26T03:15:00Z")
    assert nightly.conclusion == "success", nightly
    sync = next(line for line in nightly.log if line.startswith("--- Sync"))
    assert sync.startswith("--- Sync (fails on drift): 0\n"), sync
    origins = rows(world.state, "select origin, count(*) from relationships group by origin")
    assert dict(origins)["socialseed"] == 5  # the operator's two and the three approved


def test_a_stale_plan_on_merge_applies_only_the_intersection_and_says_what_it_dropped(
    approved: Approved, tmp_path: Path
) -> None:
    world = approved.branch(tmp_path / "gh")
    first, second, third = approved.approved
    plan = {a["id"]: a for a in approved.plan["actions"]}
    # the operator follows the first approved target by hand through SocialSeed (another plan)
    ops = world.hub.root / "ops" / "socialseed.yaml"
    ops.write_text(config(daily=8))
    local, at = world.hub.root / "ops" / "local.json", "2026-11-25T09:40:00Z"
    socialseed(world.hub, "plan", "-c", str(ops), "-o", str(local), now=at)
    assert first in {a["id"] for a in json.loads(local.read_text())["actions"]}
    socialseed(world.hub, "review", str(local), "-c", str(ops), "--approve", first, *DAN, now=at)
    socialseed(world.hub, "apply", str(local), "-c", str(ops), "--yes", now=at)
    # and main, before this pull request is merged, blocklists the second approved target
    # (and allows more follows a day, so the third approved one is still proposed)
    blocked = plan[second]["target"]["handle"]
    merged = config(daily=20, blocked=blocked).replace(
        "hourly: {follow: 6}", "hourly: {follow: 20}"
    )
    applied = world.merge(merged, "2026-11-25T10:00:00Z")

    assert applied.conclusion == "success", applied.summary
    out = applied.summary
    assert f"plan {approved.plan['id']} is stale: " in out
    assert re.search(r"1 approved action\(s\) still in both will run, 2 dropped", out), out
    assert (
        f"dropped {first} studio follow {plan[first]['target']['handle']}: already carried out by another plan's apply"
        in out
    )
    assert f"dropped {second} studio follow {blocked}: not in the fresh plan" in out
    assert [a for p, a in world.executed() if p == approved.plan["id"]] == [third]
    audit = rows(world.state, "select detail from audit where kind = 'replan_dropped' order by id")
    dropped = [json.loads(d[0]) for d in audit]
    assert [(d["action_id"], d["plan_id"]) for d in dropped] == [
        (first, approved.plan["id"]),
        (second, approved.plan["id"]),
    ]
    assert all(d["reason"] for d in dropped)

    nightly = world.nightly("2026-11-26T03:15:00Z")
    assert nightly.conclusion == "success", nightly

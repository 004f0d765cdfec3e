"""Decisions from a pull request through the CLI: GitHub's issue_comment and
pull_request_review payloads (tests/fixtures/github) recorded by
'review PLAN --from-github-event', under the same rules and audit rows as a decisions file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model.plan import Plan
from socialseed.state.db import open_state
from tests.apply.sandbox_setup import T0, Setup, build

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
REVIEWERS = """\
  reviewers:
    - {id: ada@example.com, github: ada-lovelace}
    - {id: carol@example.com, github: carol-dev}
  approvals: {unsigned: yellow}
"""


class PR:
    def __init__(self, tmp_path: Path, extra: str = "") -> None:
        self.tmp = tmp_path
        self.setup: Setup = build(tmp_path, accounts=("alpha",), follows=3)
        text = self.setup.config_path.read_text().replace(
            "policy:\n  cooldown: 2h\n", "policy:\n  cooldown: 2h\n" + REVIEWERS + extra
        )
        self.setup.config_path.write_text(text)
        cfg = load_config(self.setup.config_path)
        self.plan = Plan(
            self.setup.plan.actions,
            created_at=T0,
            expires_at=T0 + timedelta(hours=24),
            config_sha256=config_digest(cfg),
            accounts=self.setup.plan.accounts,
            author="carol@example.com",
        )
        self.plan_path = tmp_path / "pr-plan.json"
        self.plan_path.write_text(self.plan.to_json())
        self.ids = [a.id for a in self.plan.actions]

    def event(self, kind: str, body: str, **changes: Any) -> Path:
        data = json.loads((FIXTURES / f"{kind}.json").read_text())
        part = "comment" if kind == "issue_comment" else "review"
        data[part]["body"] = body
        for dotted, value in changes.items():
            target = data
            *path, last = dotted.split("__")
            for key in path:
                target = target[key]
            target[last] = value
        out = self.tmp / f"{kind}-event.json"
        out.write_text(json.dumps(data))
        return out

    def review(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        argv = ["review", str(self.plan_path), "-c", str(self.setup.config_path), *args]
        result = CliRunner().invoke(app, argv, env=self.setup.env | (env or {}))
        return result.exit_code, result.stdout, result.stderr

    def decisions(self) -> list[tuple[object, ...]]:
        rows = open_state(self.setup.state_path)["decisions"].rows_where(
            "plan_id = ?", [self.plan.id], order_by="id"
        )
        return [(r["action_id"], r["verdict"], r["reviewer"], r["reason"]) for r in rows]

    def refusals(self) -> list[dict[str, object]]:
        rows = open_state(self.setup.state_path)["audit"].rows_where(
            "kind = 'approval_refused'", order_by="id"
        )
        return [json.loads(str(r["detail"])) | {"actor": r["actor"]} for r in rows]


def test_approve_by_comment_records_the_listed_reviewer(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    a, b = pr.ids[0], pr.ids[1]
    path = pr.event("issue_comment", f"LGTM\r\n/socialseed approve {a} {b[2:8]}\r\n")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert f"comment.body line 2: approve {a} by ada@example.com" in err
    assert f"Recorded 2 decision(s) from {path}" in err
    assert pr.decisions() == [
        (a, "approve", "ada@example.com", ""),
        (b, "approve", "ada@example.com", ""),
    ]
    assert pr.ids[2] not in [d[0] for d in pr.decisions()]  # never all, only what is named


def test_an_empty_path_reads_github_event_path(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    path = pr.event("issue_comment", f"/socialseed approve {pr.ids[0]}")
    code, _out, err = pr.review("--from-github-event", "", env={"GITHUB_EVENT_PATH": str(path)})
    assert code == 0, err
    assert pr.decisions() == [(pr.ids[0], "approve", "ada@example.com", "")]


def test_reject_with_reason(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    a = pr.ids[0]
    path = pr.event("issue_comment", f"/socialseed reject {a} not a speaker, a recruiter")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert pr.decisions() == [(a, "reject", "ada@example.com", "not a speaker, a recruiter")]


def test_approved_review_approves_only_the_ids_it_lists(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    path = pr.event("pull_request_review", f"Fine.\n/socialseed approve {pr.ids[1]}")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert pr.decisions() == [(pr.ids[1], "approve", "ada@example.com", "")]


def test_review_without_ids_or_not_approved_records_nothing(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    path = pr.event("pull_request_review", "Approved, ship it")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert "Nothing recorded" in err and "no /socialseed approve or reject line" in err
    body = f"/socialseed approve {pr.ids[0]}"
    path = pr.event("pull_request_review", body, review__state="changes_requested")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert "the review's state is changes_requested, not approved" in err
    assert pr.decisions() == []


def test_the_pr_author_may_not_approve_their_pr(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    login = {"login": "carol-dev", "id": 5210001, "type": "User"}
    path = pr.event("issue_comment", f"/socialseed approve {pr.ids[0]}", comment__user=login)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1
    assert "refused (self_approval): github:carol-dev opened this pull request" in err
    assert pr.decisions() == []
    [row] = pr.refusals()
    assert (row["rule"], row["action_id"], row["actor"]) == (
        "self_approval",
        pr.ids[0],
        "carol@example.com",
    )


def test_self_approval_allowed_by_policy_is_recorded(tmp_path: Path) -> None:
    pr = PR(tmp_path, extra="")
    text = pr.setup.config_path.read_text().replace(
        "approvals: {unsigned: yellow}", "approvals: {unsigned: yellow, self_approval: true}"
    )
    pr.setup.config_path.write_text(text)
    pr.plan = Plan(
        pr.plan.actions,
        created_at=T0,
        expires_at=T0 + timedelta(hours=24),
        config_sha256=config_digest(load_config(pr.setup.config_path)),
        accounts=pr.plan.accounts,
        author="bob@example.com",
    )
    pr.plan_path.write_text(pr.plan.to_json())
    login = {"login": "carol-dev", "id": 5210001, "type": "User"}
    path = pr.event("issue_comment", f"/socialseed approve {pr.ids[0]}", comment__user=login)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 0, err
    assert pr.decisions() == [(pr.ids[0], "approve", "carol@example.com", "")]


def test_an_unknown_login_is_refused_and_nothing_is_recorded(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    login = {"login": "mallory", "id": 666, "type": "User"}
    body = f"/socialseed reject {pr.ids[1]} meh\n/socialseed approve {pr.ids[0]}"
    path = pr.event("issue_comment", body, comment__user=login)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1
    assert "comment.body line 2: refused (reviewer_not_listed): github:mallory" in err
    assert pr.decisions() == []  # all or nothing: the rejection is not recorded either
    assert [(r["rule"], r["actor"]) for r in pr.refusals()] == [
        ("reviewer_not_listed", "github:mallory")
    ]


def test_malformed_payloads_name_the_file_and_field(tmp_path: Path) -> None:
    pr = PR(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _out, err = pr.review("--from-github-event", str(bad))
    assert code == 1 and f"{bad}: not a JSON event payload" in err
    assert "Traceback" not in err
    bad.write_text(json.dumps({"ref": "refs/heads/main", "commits": []}))  # a push event
    code, _out, err = pr.review("--from-github-event", str(bad))
    assert code == 1 and "not an issue_comment or pull_request_review event" in err
    path = pr.event("issue_comment", f"/socialseed approve {pr.ids[0]}", comment__user={})
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1 and f"{path}: comment.user.login is missing" in err
    path = pr.event("issue_comment", "/socialseed approve", issue__number=42)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1 and "comment.body line 1: '/socialseed approve' names no action id" in err
    path = pr.event("issue_comment", "/socialseed approve a_0000", issue__pull_request=None)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1 and "issue.pull_request is missing" in err
    path = pr.event("issue_comment", "/socialseed approve a_00000000")
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1 and "comment.body line 1: no action 'a_00000000'" in err
    code, _out, err = pr.review("--from-github-event", "", env={"GITHUB_EVENT_PATH": ""})
    assert code == 1 and "GITHUB_EVENT_PATH is not set" in err
    assert pr.decisions() == []


def test_a_reviewer_listed_with_a_key_is_refused_unsigned(tmp_path: Path) -> None:
    from tests.review.test_team import keypair

    pr = PR(tmp_path)
    _key, line = keypair(tmp_path, "bob")
    text = pr.setup.config_path.read_text().replace(
        "    - {id: carol@example.com, github: carol-dev}\n",
        "    - {id: carol@example.com, github: carol-dev}\n"
        f"    - {{id: bob@example.com, github: Bob-B, key: '{line}'}}\n",
    )
    pr.setup.config_path.write_text(text)
    pr.plan = Plan(
        pr.plan.actions,
        created_at=T0,
        expires_at=T0 + timedelta(hours=24),
        config_sha256=config_digest(load_config(pr.setup.config_path)),
        accounts=pr.plan.accounts,
        author="carol@example.com",
    )
    pr.plan_path.write_text(pr.plan.to_json())
    login = {"login": "bob-b", "id": 77, "type": "User"}
    path = pr.event("pull_request_review", f"/socialseed approve {pr.ids[0]}", review__user=login)
    code, _out, err = pr.review("--from-github-event", str(path))
    assert code == 1
    assert "review.body line 1: refused (signature_missing): bob@example.com" in err
    assert pr.decisions() == []
    assert [(r["rule"], r["actor"]) for r in pr.refusals()] == [
        ("signature_missing", "bob@example.com")
    ]

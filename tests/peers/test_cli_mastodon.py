"""The whole chain on a real server: plan -> review -> apply through the CLI, on mastodon-mock.

Alice's config targets the followers of bob; carol follows bob; the plan proposes following
carol; a person approves it; apply follows carol; the server's own endpoint shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.peers.conftest import Peer

TIMEOUT = 30.0
CONFIG = """\
version: 1
accounts:
  - id: alice-masto
    platform: mastodon
    handle: alice
    instance: {url}
    credentials: env/ALICE_MASTO_TOKEN
    phases: std
    targeting: [bobs-followers]
    start_date: 2026-10-01
phases:
  std:
    - {{name: growth, daily: {{follow: 10}}}}
targeting:
  bobs-followers:
    sources: [{{followers_of: bob}}]
    actions: {{follow: true}}
    scoring: {{provider: heuristic, min_authenticity: 0.0}}
"""


@pytest.fixture
def peer(masto_peer: Peer) -> Iterator[Peer]:
    httpx.post(f"{masto_peer.url}/api/v1/_mock/reset", timeout=TIMEOUT).raise_for_status()
    yield masto_peer


def call(peer: Peer, method: str, path: str, token: str, **kw: Any) -> Any:
    headers = {"authorization": f"Bearer {token}"}
    r = httpx.request(method, peer.url + path, headers=headers, timeout=TIMEOUT, **kw)
    r.raise_for_status()
    return r.json()


def cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def test_plan_review_apply_follows_on_the_server(
    peer: Peer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = call(peer, "GET", "/api/v1/accounts/lookup", "alice_token", params={"acct": "bob"})
    carol = call(peer, "GET", "/api/v1/accounts/lookup", "alice_token", params={"acct": "carol"})
    call(peer, "POST", f"/api/v1/accounts/{bob['id']}/follow", "carol_token")
    config = tmp_path / "socialseed.yaml"
    config.write_text(CONFIG.format(url=peer.url))
    monkeypatch.setenv("ALICE_MASTO_TOKEN", "alice_token")
    monkeypatch.setenv("SOCIALSEED_CONFIG", str(config))
    plan_file = tmp_path / "plan.json"

    cli("plan", "-c", str(config), "-o", str(plan_file))
    actions = json.loads(plan_file.read_text())["actions"]
    assert [(a["verb"], a["target"]["handle"]) for a in actions] == [("follow", "carol")]
    assert actions[0]["requires_human"] is True
    for action in actions:
        override = ["--override", "--reason", "e2e"] if action["risk"] == "red" else []
        cli("review", str(plan_file), "--approve", action["id"], *override)
    cli("apply", str(plan_file), "-c", str(config), "--yes")

    rel = call(peer, "GET", "/api/v1/accounts/relationships", "alice_token",
               params={"id[]": [carol["id"]]})  # fmt: skip
    assert rel[0]["following"] is True
    following = call(peer, "GET", f"/api/v1/accounts/{rel[0]['id']}/followers", "alice_token")
    assert "alice" in {a["username"] for a in following}

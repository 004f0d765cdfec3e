"""One recognisable fake secret fed in every way a secret can enter, driven through every
command: it must never reach stdout, stderr, a plan file, a report, the log export, or the
bytes of the state and sandbox files (WAL included).

tests/auth/test_cli.py covers the auth commands alone; this drives the rest of the product with
the same secret live in the environment, the token store, a failing provider and failing
platform answers that echo it back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
import respx
import yaml

from tests.conftest import DEMO_CONFIG
from tests.qa.harness import Run, invoke

CANARY = "CANARY-s3cr3t-7f3a9c"
APP_PASSWORD = "cnry-s3cr-7f3a-9c0q"  # shaped like a Bluesky app password: a session is made
TEAM_KEY = "CANARY-team-passphrase-51c0de"  # SOCIALSEED_KEY: encrypts the stored tokens
SECRETS = (CANARY, APP_PASSWORD, TEAM_KEY)
NOW = "2026-11-25T09:00:00Z"
LLM = "https://llm.test/v1"
MASTO = "https://social.test"
BSKY = "https://bsky.test"
X_ME = "https://api.x.com/2/users/me"


def echo(request: httpx.Request) -> httpx.Response:
    """A platform or provider that refuses, quoting every credential it was sent."""
    sent = {k: v for k, v in request.headers.items() if k in {"authorization", "x-api-key"}}
    body = {"error": f"token {CANARY} is invalid", "you_sent": sent, "url": str(request.url)}
    text = f"{body} {request.content.decode(errors='replace')}"
    return httpx.Response(401, json={"detail": text, "token": CANARY})


def config(tmp_path: Path) -> Path:
    data = yaml.safe_load((DEMO_CONFIG / "socialseed.yaml").read_text())
    data["sandbox"]["size"] = 300
    studio = next(a for a in data["accounts"] if a["id"] == "demo-studio")
    studio["credentials"] = "env/STUDIO_SECRET"
    data["accounts"] = [
        studio,
        {"id": "masto", "platform": "mastodon", "handle": "studio", "phases": "standard",
         "instance": MASTO, "credentials": "env/MASTO_SECRET", "targeting": ["qa"]},
        {"id": "x-main", "platform": "x", "handle": "studio", "phases": "standard",
         "client_id": "client-abc", "targeting": ["qa"], "access_tier": "enterprise"},
        {"id": "bsky", "platform": "bluesky", "handle": "studio.bsky.test", "phases": "standard",
         "service": BSKY, "credentials": "env/BSKY_SECRET", "targeting": ["qa"]},
    ]  # fmt: skip
    data["scoring"] = {
        "providers": {
            "local": {"kind": "openai", "model": "m", "base_url": LLM, "api_key": "env/LLM_KEY"}
        }
    }
    data["targeting"]["film-photographers"]["scoring"]["provider"] = "local"
    data["targeting"]["qa"] = {"sources": [{"search": "coffee"}], "actions": {"follow": True}}
    path = tmp_path / "conf" / "socialseed.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data))
    return path


class Session:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.cfg = config(tmp_path)
        self.env = {
            "SOCIALSEED_STATE": str(tmp_path / "state.sqlite"),
            "SOCIALSEED_SANDBOX": str(tmp_path / "world.sqlite"),
            "SOCIALSEED_NOW": NOW,
            "SOCIALSEED_KEYRING": "off",
            "SOCIALSEED_KEY": TEAM_KEY,
            "SOCIALSEED_DEMO_STUDIO_TOKEN": CANARY,
            "SOCIALSEED_MASTO_TOKEN": CANARY,
            "STUDIO_SECRET": CANARY,
            "MASTO_SECRET": CANARY,
            "BSKY_SECRET": APP_PASSWORD,
            "LLM_KEY": CANARY,
        }
        self.runs: list[Run] = []
        self.files_seen: set[str] = set()
        self.leaks: list[tuple[tuple[str, ...], Path]] = []

    def __call__(self, *args: str, stdin: str | None = None) -> Run:
        run = invoke(*args, env=self.env, stdin=stdin)
        self.runs.append(run)
        for path in files_under(self.tmp):  # after every command: -wal and -shm files included
            self.files_seen.add(path.name)
            data = path.read_bytes()
            if any(secret.encode() in data for secret in SECRETS):
                self.leaks.append((run.args, path))
        return run

    def c(self, *args: str) -> Run:
        return self(*args, "-c", str(self.cfg))

    def path(self, name: str) -> str:
        return str(self.tmp / name)


def approved_mastodon_plan(s: Session) -> str:
    """A saved, approved plan for the Mastodon account, so apply reaches its (refusing) API."""
    from datetime import timedelta

    from socialseed.clock import parse_instant
    from socialseed.config.load import load_config
    from socialseed.model import Action, Target, Verb, action_id
    from socialseed.model import Risk as RiskLevel
    from socialseed.state.accounts import state_serial
    from socialseed.state.db import open_state
    from tests.apply.fakes import approve, plan_for

    now = parse_instant(NOW)
    target = Target(kind="account", id="109", handle="someone@social.test")
    follow = Action(
        id=action_id("masto", "follow", target),
        account="masto",
        platform="mastodon",
        verb=Verb.FOLLOW,
        target=target,
        reason="qa",
        risk=RiskLevel.GREEN,
    )
    db = open_state(s.tmp / "state.sqlite")
    plan = plan_for(
        load_config(s.cfg), [follow], now=now, serials={"masto": state_serial(db, "masto")}
    )
    approve(db, plan, [follow], now=now, ttl=timedelta(hours=24))
    db.conn.close()
    path = s.tmp / "masto-plan.json"
    path.write_text(plan.to_json())
    return str(path)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.get(X_ME, name="me").mock(
            return_value=httpx.Response(200, json={"data": {"id": "42", "username": "studio"}})
        )
        router.route(url__startswith=LLM, name="llm").mock(side_effect=echo)
        router.route(url__startswith=MASTO, name="masto").mock(side_effect=echo)
        router.route(host="api.x.com", name="x").mock(side_effect=echo)
        router.route(url__startswith=BSKY, name="bsky").mock(side_effect=echo)
        yield router


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def test_the_canary_never_leaks_through_any_command(tmp_path: Path, mock: respx.MockRouter) -> None:
    s = Session(tmp_path)
    me = mock.routes["me"]
    assert s.c("validate").code == 0
    login = s("auth", "login", "x-main", "-c", str(s.cfg), "--with-token", stdin=CANARY + "\n")
    assert login.code == 0 and "encrypted with SOCIALSEED_KEY" in login.err, login
    assert me.calls.last.request.headers["authorization"] == f"Bearer {CANARY}"
    me.mock(side_effect=echo)  # from now on the token is refused, and quoted back

    plan = s.c("plan", "--account", "demo-studio", "-o", s.path("plan.json"), "-v")
    assert plan.code == 0, plan
    llm = mock.routes["llm"].calls  # the provider was asked, with the canary, and refused
    assert llm.call_count > 0 and llm.last.request.headers["authorization"] == f"Bearer {CANARY}"
    s.c("plan", "--account", "demo-studio", "-f", "json", "--include-profiles")
    s.c("plan", "--account", "demo-studio", "-f", "markdown")
    failing = s.c("plan", "-o", s.path("all.json"))  # the other platforms refuse every read
    assert failing.code in {1, 4, 7}, failing  # 7: the sandbox planned, the others not
    sessions = [
        c.request for c in mock.routes["bsky"].calls if "createSession" in c.request.url.path
    ]
    assert sessions and APP_PASSWORD in sessions[0].content.decode()  # refused, and echoed back
    assert mock.routes["masto"].call_count > 0
    assert me.call_count + mock.routes["x"].call_count > 1

    for fmt in ("text", "json", "markdown"):
        assert s("show", s.path("plan.json"), "-f", fmt, "-v").code == 0
    s("show", "--list")
    plan_id = json.loads((tmp_path / "plan.json").read_text())["checksum"][:12]
    s.c("review", s.path("plan.json"), "--list", "--json")
    s.c("review", s.path("plan.json"), "--approve-risk", "yellow")
    applied = s.c("apply", s.path("plan.json"), "--yes", "--json")
    assert applied.code == 0, applied
    s.c("apply", f"p_{plan_id}", "--dry-run")
    refused = s.c("apply", approved_mastodon_plan(s), "--yes", "--json")
    assert refused.code in {1, 4} and "masto" in refused.text, refused
    assert mock.routes["masto"].call_count > 0
    with closing(sqlite3.connect(tmp_path / "state.sqlite")) as conn:
        [(status, http_status, error)] = conn.execute(
            "SELECT status, http_status, error FROM journal WHERE account = 'masto' "
            "AND kind = 'outcome'"
        ).fetchall()
    assert (status, http_status) == ("failed", 401) and "token [redacted] is invalid" in error

    for args in (("status",), ("status", "--json"), ("sync",), ("sync", "--json")):
        s.c(*args)
    s.c("auth", "status")
    s.c("auth", "status", "--json")
    s.c("auth", "status", "--check")
    s.c("auth", "status", "--json", "--check")
    for fmt in ("text", "json", "markdown", "html"):
        s.c("report", "--since", "30d", "--format", fmt, "-o", s.path(f"report.{fmt}"))
        s.c("report", "--format", fmt)
    s("log", "--json")
    s("log", "--csv")
    s("usage")
    s("usage", "--json")
    s.c("pause", "masto", "--reason", "qa")
    s.c("resume", "masto")
    s.c("prune", "--dry-run")
    s.c("auth", "logout", "x-main")

    assert [r.args for r in s.runs if any(secret in r.text for secret in SECRETS)] == []
    assert all(r.code != 1 or "internal error" not in r.err for r in s.runs)
    assert s.leaks == []
    assert any(name.endswith("-wal") for name in s.files_seen)
    written = {p.name for p in files_under(tmp_path)}
    assert {"plan.json", "report.html", "report.json", "state.sqlite", "world.sqlite"} <= written
    assert [r.code for r in s.runs if r.args[0] == "sync"] == [4, 4]  # masto refused, named
    assert all("masto: sync failed" in r.err for r in s.runs if r.args[0] == "sync")

"""socialseed auth login | status | logout through the CLI: exit codes, messages, state left,
and a canary secret that must never reach stdout, stderr or the state file."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import respx
from typer.testing import CliRunner

from socialseed import redact
from socialseed.cli.main import app
from socialseed.state.db import open_state
from socialseed.state.tokens import load_token, save_token
from tests.auth.conftest import file_bytes

CANARY = "CANARY-tok-5e1f0c2b9a7d"
CONFIG = """\
version: 1
accounts:
  - {id: x-main, platform: x, handle: studio, phases: std, client_id: client-abc}
  - {id: masto, platform: mastodon, handle: studio, phases: std,
     instance: "https://social.test"}
  - {id: demo, platform: sandbox, handle: demo.studio, phases: std}
phases:
  std:
    - {name: warmup, daily: {follow: 5}}
"""
ME = "https://api.x.com/2/users/me"
REVOKE = "https://api.x.com/2/oauth2/revoke"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "socialseed.yaml"
    path.write_text(CONFIG)
    return path


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite"


class Session:
    """Runs commands as separate processes would: the redaction registry starts empty."""

    def __init__(self) -> None:
        self.runs: list[Run] = []

    def __call__(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Run:
        redact.forget_all()
        result = CliRunner().invoke(app, list(args), input=stdin, env=env)
        run = Run(result.exit_code, result.stdout, result.stderr)
        self.runs.append(run)
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        return run

    def leaked(self, secret: str) -> list[Run]:
        return [r for r in self.runs if secret in r.out or secret in r.err]


@pytest.fixture
def cli() -> Session:
    return Session()


def x_me(mock: respx.MockRouter, status: int = 200) -> respx.Route:
    body = (
        {"data": {"id": "4242", "username": "studio"}}
        if status == 200
        else {"title": "Unauthorized", "detail": f"token {CANARY} is not valid"}
    )
    return mock.get(ME).mock(return_value=httpx.Response(status, json=body))


def test_canary_never_leaks_through_any_auth_command(cli: Session, cfg: Path, state: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        me = x_me(mock)
        revoke = mock.post(REVOKE).mock(return_value=httpx.Response(200, json={"revoked": True}))

        login = cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin=CANARY + "\n")
        assert login.code == 0, login.err
        assert me.calls.last.request.headers["authorization"] == f"Bearer {CANARY}"
        assert "Connected 'x-main' (x) as @studio" in login.err
        assert "Warning: SOCIALSEED_KEY is not set" in login.err

        status = cli("auth", "status", "-c", str(cfg))
        as_json = cli("auth", "status", "-c", str(cfg), "--json")
        wrong = cli(
            "auth", "status", "-c", str(cfg), env={"SOCIALSEED_KEY": "wrong-team-passphrase"}
        )
        logout = cli("auth", "logout", "x-main", "-c", str(cfg))
        assert logout.code == 0, logout.err
        assert revoke.calls.last.request.content.decode().count(CANARY) == 1
        me.mock(return_value=httpx.Response(401, json={"detail": f"token {CANARY} is bad"}))
        refused = cli(
            "auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin=CANARY + "\n"
        )

    assert "x-main (x): ok" in status.out and "as @studio" in status.out
    rows = {row["account"]: row for row in json.loads(as_json.out)}
    assert rows["x-main"]["source"] == "stored" and rows["x-main"]["whoami"] == "@studio"
    assert wrong.code == 4 and "encrypted with another key" in wrong.out + wrong.err
    assert "Revoked the token at x." in logout.err
    assert refused.code == 4 and "Error:" in refused.err and "[redacted]" in refused.err
    assert cli.leaked(CANARY) == []
    assert CANARY.encode() not in file_bytes(state)


def test_state_and_key_files_are_private(cli: Session, cfg: Path, state: Path) -> None:
    with respx.mock() as mock:
        x_me(mock)
        assert (
            cli(
                "auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin="tok-123456789\n"
            ).code
            == 0
        )
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE((state.parent / "socialseed.key").stat().st_mode) == 0o600


def test_with_socialseed_key_no_key_file_is_written(cli: Session, cfg: Path, state: Path) -> None:
    env = {"SOCIALSEED_KEY": "team passphrase kept in the CI secret store"}
    with respx.mock() as mock:
        x_me(mock)
        run = cli(
            "auth",
            "login",
            "x-main",
            "-c",
            str(cfg),
            "--with-token",
            stdin="tok-123456789\n",
            env=env,
        )
    assert run.code == 0 and "Warning" not in run.err
    assert "encrypted with SOCIALSEED_KEY" in run.err
    assert not (state.parent / "socialseed.key").exists()


def test_status_without_logins_says_what_to_do(cli: Session, cfg: Path) -> None:
    run = cli("auth", "status", "-c", str(cfg))
    assert run.code == 4
    assert "x-main (x): needs login" in run.out
    assert "demo (sandbox): not needed" in run.out
    assert (
        "authentication needed for 2 account(s):\n  x-main: needs login\n  masto: needs login"
        in run.err
    )
    assert "hint: socialseed auth login x-main; socialseed auth login masto" in run.err


def test_env_override_is_reported_as_the_source(cli: Session, cfg: Path) -> None:
    env = {"SOCIALSEED_X_MAIN_TOKEN": CANARY, "SOCIALSEED_MASTO_TOKEN": "tok-masto-123456"}
    run = cli("auth", "status", "-c", str(cfg), "--json", env=env)
    assert run.code == 0, run.err
    rows = {row["account"]: row for row in json.loads(run.out)}
    assert rows["x-main"]["source"] == "env"
    assert rows["x-main"]["source_detail"] == "SOCIALSEED_X_MAIN_TOKEN"
    assert cli.leaked(CANARY) == []


def test_sandbox_needs_no_auth(cli: Session, cfg: Path) -> None:
    run = cli("auth", "login", "demo", "-c", str(cfg))
    assert run.code == 0
    assert "sandbox account: it needs no authentication" in run.err


def test_browser_login_without_a_terminal_is_refused(cli: Session, cfg: Path) -> None:
    run = cli("auth", "login", "x-main", "-c", str(cfg))
    assert run.code == 4
    assert "needs a person at a browser" in run.err
    assert "--with-token" in run.err and "SOCIALSEED_X_MAIN_TOKEN" in run.err


def test_unknown_account_names_the_known_ones(cli: Session, cfg: Path) -> None:
    run = cli("auth", "login", "nope", "-c", str(cfg), "--with-token", stdin="x\n")
    assert run.code == 1
    assert "no account 'nope' in the config (accounts: x-main, masto, demo)" in run.err


def test_corrupt_ciphertext_gives_exit_4(cli: Session, cfg: Path, state: Path) -> None:
    with respx.mock() as mock:
        x_me(mock)
        cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin="tok-123456789\n")
    db = open_state(state)
    record = load_token(db, "x-main")
    assert record is not None
    from dataclasses import replace

    save_token(db, replace(record, ciphertext=record.ciphertext[:20] + b"garbage-bytes-here"))
    db.conn.close()
    run = cli("auth", "status", "-c", str(cfg))
    assert run.code == 4
    assert "x-main (x): unreadable" in run.out
    assert "is corrupt" in run.out
    assert "Traceback" not in run.out + run.err


def test_revoked_token_is_found_by_status_check(cli: Session, cfg: Path) -> None:
    with respx.mock() as mock:
        route = x_me(mock)
        cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin="tok-123456789\n")
        route.mock(return_value=httpx.Response(401, json={"title": "Unauthorized"}))
        run = cli("auth", "status", "-c", str(cfg), "--check")
    assert run.code == 4
    assert "x-main (x): refused" in run.out
    assert "auth login x-main" in run.out + run.err


def test_logout_of_nothing_and_local_only(cli: Session, cfg: Path) -> None:
    assert "Nothing is stored for 'x-main'" in cli("auth", "logout", "x-main", "-c", str(cfg)).err
    with respx.mock() as mock:
        x_me(mock)
        cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin="tok-123456789\n")
    run = cli("auth", "logout", "x-main", "-c", str(cfg), "--local-only")
    assert run.code == 0 and "Deleted the stored token of 'x-main'." in run.err
    assert "needs login" in cli("auth", "status", "-c", str(cfg)).out


def test_mastodon_with_token_checks_the_instance(cli: Session, cfg: Path) -> None:
    with respx.mock() as mock:
        mock.get("https://social.test/api/v1/accounts/verify_credentials").mock(
            return_value=httpx.Response(200, json={"id": "9", "acct": "studio"})
        )
        run = cli(
            "auth", "login", "masto", "-c", str(cfg), "--with-token", stdin="masto-token-123456\n"
        )
    assert run.code == 0, run.err
    assert "as @studio" in run.err and "does not expire" in run.err


def test_status_without_a_config_lists_stored_tokens(
    cli: Session, cfg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with respx.mock() as mock:
        x_me(mock)
        cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin="tok-123456789\n")
    monkeypatch.chdir(tmp_path / "..")
    run = cli("auth", "status")
    assert run.code == 0, run.err
    assert "x-main (x): not in config" in run.out


def test_login_and_logout_are_audited_without_secrets(cli: Session, cfg: Path, state: Path) -> None:
    with respx.mock() as mock:
        x_me(mock)
        mock.post(REVOKE).mock(return_value=httpx.Response(200, json={}))
        cli("auth", "login", "x-main", "-c", str(cfg), "--with-token", stdin=CANARY + "\n")
        cli("auth", "logout", "x-main", "-c", str(cfg))
    db = open_state(state)
    rows = list(db["audit"].rows_where("account = ?", ["x-main"], order_by="id"))
    assert [r["kind"] for r in rows] == ["auth.login", "auth.logout"]
    assert rows[0]["actor"] == "@studio"
    assert CANARY not in json.dumps(rows)

"""A state given as a URL: postgresql:// opens PostgreSQL; any other scheme is refused (exit 1),
never taken as a file path; an unreachable server is a clear error, its password never shown."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("url", ["mysql://ops:hunter2@db/ss", "sqlite+pysqlite://ops:hunter2@x/y"])
def test_an_unknown_backend_in_the_environment_is_refused_and_nothing_is_created(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run(["log"], {"SOCIALSEED_STATE": url})
    scheme = url.split(":")[0]
    assert code == 1
    assert (
        f"Error: SOCIALSEED_STATE is a URL ({scheme}://...) of a backend SocialSeed does not "
        "know: state is kept in SQLite (a file path) or PostgreSQL (postgresql://...); nothing "
        "was created" in err
    )
    assert "hint: point --state or SOCIALSEED_STATE at a SQLite file path" in err
    assert "hunter2" not in err  # the password in the URL is never printed
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []  # no folder named 'mysql:', no SQLite file


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on return: nothing listens there


@pytest.mark.parametrize("flag", [True, False])
def test_an_unreachable_server_is_a_clear_error_without_the_password(
    flag: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"postgresql://ops:hunter2@127.0.0.1:{_closed_port()}/socialseed"
    args, env = (["--state", url, "log"], {}) if flag else (["log"], {"SOCIALSEED_STATE": url})
    code, err = run(args, env)
    shown = url.replace("hunter2", "***")
    assert code == 1
    assert f"Error: state database {shown} cannot be reached: " in err
    assert "Connection refused" in err
    assert "hint: check that the server runs and the URL's host, port, database and user" in err
    assert "hunter2" not in err
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []  # never a silent local file instead


def test_a_plain_path_is_still_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run(["--state", str(tmp_path / "s.sqlite"), "log"], {})
    assert code == 0, err
    assert (tmp_path / "s.sqlite").is_file()


def test_a_postgresql_url_opens_the_database_and_migrates_it(pg_url: str) -> None:
    import psycopg

    code, err = run(["--state", pg_url, "log"], {})
    assert code == 0, err
    with psycopg.connect(pg_url) as conn:
        names = {r[0] for r in conn.execute("select name from _migrations").fetchall()}
    from socialseed.state.migrations import MIGRATIONS

    assert names == {name for name, _ in MIGRATIONS}


def _config_with_state(folder: Path, state: str) -> Path:
    from tests.conftest import DEMO_CONFIG

    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    path = folder / "socialseed.yaml"
    path.write_text(text.replace("version: 1\n", f"version: 1\nstate: {state}\n", 1))
    return path


def test_the_config_may_name_a_postgresql_state_by_an_environment_reference(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOCIALSEED_STATE")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    config = _config_with_state(tmp_path, "env/TEAM_STATE")
    result = CliRunner().invoke(app, ["status", "-c", str(config)], env={"TEAM_STATE": pg_url})
    assert result.exit_code == 0, result.stderr
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select count(*) from _migrations").fetchone() != (0,)
    assert not list(tmp_path.rglob("*.sqlite"))  # no local state made instead


def test_a_password_in_the_configs_state_is_refused_and_never_shown(tmp_path: Path) -> None:
    config = _config_with_state(tmp_path, "postgresql://ops:hunter2@db.example.com/ss")
    code, err = run(["validate", "-c", str(config)], {})
    assert code == 1
    assert "state: the state URL holds a password, and a config is no place for secrets" in err
    assert "hunter2" not in err


def test_the_environment_comes_before_the_configs_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = _config_with_state(tmp_path, "mysql-is-not-used.sqlite")
    code, err = run(["status", "-c", str(config)], {"SOCIALSEED_STATE": str(tmp_path / "e.sqlite")})
    assert code == 0, err
    assert (tmp_path / "e.sqlite").is_file() and not (
        tmp_path / "mysql-is-not-used.sqlite"
    ).exists()


def test_schedule_names_a_postgresql_state_only_without_its_password(tmp_path: Path) -> None:
    from tests.conftest import DEMO_CONFIG

    args = ["schedule", "--format", "cron", "-c", str(DEMO_CONFIG)]
    result = CliRunner().invoke(app, args, env={"SOCIALSEED_STATE": "postgresql://ops@db/ss"})
    assert result.exit_code == 0, result.stderr
    assert "SOCIALSEED_STATE=postgresql://ops@db/ss" in result.stdout
    code, err = run(args, {"SOCIALSEED_STATE": "postgresql://ops:hunter2@db/ss"})
    assert code == 1
    assert "Error: the state URL postgresql://ops:***@db/ss holds a password" in err
    assert "hunter2" not in err

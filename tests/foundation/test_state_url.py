"""A state given as a URL is refused (exit 1), never taken as a file path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (
            "postgresql://ops:hunter2@db.example.com/socialseed",
            "the PostgreSQL state backend is not available in this version of SocialSeed",
        ),
        ("postgres://ops:hunter2@db/ss", "the PostgreSQL state backend is not available"),
        ("mysql://ops:hunter2@db/ss", "'mysql' is not a state backend SocialSeed knows"),
    ],
)
def test_state_url_in_the_environment_is_refused_and_nothing_is_created(
    url: str, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run(["log"], {"SOCIALSEED_STATE": url})
    scheme = url.split(":")[0]
    assert code == 1
    assert f"Error: SOCIALSEED_STATE is a URL ({scheme}://...): {says}" in err
    assert "nothing was created" in err
    assert "hint: point --state or SOCIALSEED_STATE at a SQLite file path" in err
    assert "hunter2" not in err  # the password in the URL is never printed
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []  # no folder named 'postgresql:', no SQLite file


def test_state_url_flag_is_refused_even_under_simulated_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"SOCIALSEED_NOW": "2026-11-25T09:00:00Z"}
    code, err = run(["--state", "postgresql://ops:hunter2@db/ss", "log"], env)
    assert code == 1
    assert "Error: --state is a URL (postgresql://...): the PostgreSQL state backend" in err
    assert "hunter2" not in err
    assert os.listdir(tmp_path) == []


def test_a_plain_path_is_still_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = run(["--state", str(tmp_path / "s.sqlite"), "log"], {})
    assert code == 0, err
    assert (tmp_path / "s.sqlite").is_file()

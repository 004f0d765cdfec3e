"""``socialseed status`` answered without typer (``cli.quick``) is the typer command, byte for byte.

Each command line runs twice in this process, through the console script's entry point
(``cli.main.run``, which takes the quick path where it can) and through the typer app alone
(``cli.app.run``), on the same seeded state; the exit codes, stdout and stderr must be equal,
and the quick path must have been taken where a plain command line allows it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from socialseed.cli import app as app_module
from socialseed.cli import main, quick
from socialseed.clock import iso
from socialseed.state.accounts import pause
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import NOW, Seeded, lock_held_by_ci, turned_red

DEMO = str(DEMO_CONFIG)

Outcome = tuple[int, str, str]


def _run(entry: Callable[[], None], args: list[str], capsys: pytest.CaptureFixture[str]) -> Outcome:
    sys.argv = ["socialseed", *args]
    code: int = 0
    try:
        entry()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _both(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Outcome, Outcome]:
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    taken: list[quick.StatusArgs] = []
    real = quick.run_status

    def counted(found: quick.StatusArgs) -> int:
        taken.append(found)
        return real(found)

    monkeypatch.setattr(quick, "run_status", counted)
    fast = _run(main.run, args, capsys)
    assert len(taken) == (1 if quick.parse(args, os.environ) else 0)
    typer_way = _run(app_module.run, args, capsys)
    return fast, typer_way


@pytest.fixture
def red(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    """The seeded month, demo-studio paused, locked and red."""
    monkeypatch.setenv("SOCIALSEED_NOW", iso(NOW))
    monkeypatch.setenv("COLUMNS", "100")
    pause(seeded.db, "demo-studio", reason="warning [bold]email[/]", now=NOW, until=None)
    lock_held_by_ci(seeded.db, "demo-studio")
    turned_red(seeded.db, "demo-studio")
    return seeded


QUICK = [
    ["status", "-c", DEMO],
    ["status", "--config", DEMO, "--json"],
    ["status", f"--config={DEMO}", "--fail-on-red"],
    ["--no-input", "--no-cache", "status", "-c", DEMO, "--json", "--fail-on-red"],
    ["--log-format", "text", "status", "-c", DEMO],
    ["--log-format=text", "status", "--fail-on-red", "-c", DEMO],
]
TYPER_WAY = [  # typer's to run (and to word the error of)
    ["status", "-c", DEMO, "--help"],
    ["--help", "status"],
    ["status", "-c"],
    ["status", "-c", DEMO, "-c", DEMO],
    ["status", "-c", DEMO, "--nope"],
    ["status", "-c", DEMO, "extra"],
    ["status", "--json=1", "-c", DEMO],
    ["--log-format", "json", "status", "-c", DEMO],
    ["--log-format", "xml", "status", "-c", DEMO],
    ["--version", "status"],
    ["--state", "status"],
    ["status", "-c", "--json"],
    ["status", "--state", "x.sqlite", "-c", DEMO],
]


@pytest.mark.parametrize("args", QUICK + TYPER_WAY, ids=" ".join)
def test_status_is_the_same_either_way(
    args: list[str],
    red: Seeded,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, typer_way = _both(args, capsys, monkeypatch)

    assert fast == typer_way
    assert (quick.parse(args, {}) is not None) == (args in QUICK)


def test_the_quick_status_shows_the_state(
    red: Seeded, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, _ = _both(["status", "-c", DEMO, "--fail-on-red"], capsys, monkeypatch)

    code, out, err = fast
    assert code == 3
    assert "demo-studio: red:" in out and "locked" in out and "follow 2/60" in out
    assert err == "red: demo-studio (see the reasons above); exit 3 because of --fail-on-red\n"


@pytest.mark.parametrize(
    "case", ["no config", "state is a folder", "state URL", "damaged state", "invalid config"]
)
def test_errors_are_worded_and_exit_the_same_either_way(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALSEED_NOW", iso(NOW))
    args = ["status", "-c", DEMO]
    if case == "no config":
        args = ["status"]
    elif case == "state is a folder":
        args = ["--state", str(tmp_path), *args]
    elif case == "state URL":
        args = ["--state", "mysql://u@h/db", *args]
    elif case == "damaged state":
        damaged = tmp_path / "damaged.sqlite"
        damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8000)
        args = ["--state", str(damaged), *args]
    else:
        config = tmp_path / "socialseed.yaml"
        config.write_text("accounts: []\n")
        args = ["status", "-c", str(config)]

    fast, typer_way = _both(args, capsys, monkeypatch)

    assert fast == typer_way
    assert fast[0] != 0 and fast[2].startswith("Error: ")
    assert "Traceback" not in fast[2]

"""A reader that stops early (`socialseed show | head -1`) ends a command quietly, with exit 0."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "socialseed"]


@pytest.mark.parametrize(
    "args",
    [
        ("schema",),  # typer.echo
        ("platforms",),  # a rich table
        ("platforms", "--json"),
        ("log", "--json"),
        ("show", "--list"),
        ("--help",),  # written by click, outside any command
    ],
)
def test_a_closed_stdout_is_not_an_error(args: tuple[str, ...]) -> None:
    proc = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert err == ""


def test_piping_into_head_prints_the_first_line_and_exits_0() -> None:
    shown = " ".join(COMMAND)
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {shown} schema | head -1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == "{\n" and result.stderr == ""


def test_errors_still_exit_1_with_their_message() -> None:
    proc = subprocess.Popen(
        [*COMMAND, "show", "p_nope"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1
    assert err.startswith("Error: no saved plan 'p_nope' in the state file")

"""Run CLI commands as a user would and check what reaches them: exit code, message, no trace."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from socialseed import redact
from socialseed.cli.main import app
from tests.apply.sandbox_setup import Setup


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def invoke(*args: str, env: Mapping[str, str] | None = None, stdin: str | None = None) -> Run:
    """One command, as a separate process would see it (the redaction registry starts empty)."""
    redact.forget_all()
    result = CliRunner().invoke(app, list(args), env=dict(env or {}), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.exception,
    )
    run = Run(tuple(args), result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in run.text, run
    return run


def assert_error(run: Run, code: int, *fragments: str) -> None:
    """A user-facing error: the exit code, what failed, a hint, and never an internal error."""
    assert run.code == code, run
    assert "Error:" in run.err, run
    assert "hint:" in run.err, run
    assert "internal error" not in run.err, run
    for fragment in fragments:
        assert fragment in run.err, (fragment, run)


def in_setup(setup: Setup, *args: str, stdin: str | None = None, **env: str) -> Run:
    """A command run against a sandbox setup, with some of its environment overridden."""
    return invoke(*args, env={**setup.env, **env}, stdin=stdin)


def count_rows(state: Path | str, table: str) -> int:
    with closing(sqlite3.connect(state)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

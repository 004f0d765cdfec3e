"""Run CLI commands as a user would and check what reaches them: exit code, message, no trace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from typer.testing import CliRunner

from socialseed import redact
from socialseed.cli.main import app


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def invoke(
    *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> Run:
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

"""The cost of scrubbing secrets where platform errors are made, and of the bad-input sweep.

Prints microseconds per ``redact.scrub`` call on a 200-character platform error body (with 20
registered secrets, as a run with many accounts has), raise_for_response per refused answer,
and milliseconds per CLI invocation that refuses bad input (a corrupt state file).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from typer.testing import CliRunner

from socialseed import redact
from socialseed.cli.main import app
from socialseed.errors import PlatformError
from socialseed.platforms.http import raise_for_response

N_SCRUBS = 20_000
N_CLI = 30
BODY = '{"error": "token CANARY-s3cr3t-7f3a9c is invalid", "you_sent": "Bearer abcdefgh12345678"}'


def _per_call(n: int, fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n


def _refuse() -> None:
    response = httpx.Response(
        401, json={"detail": BODY}, request=httpx.Request("GET", "https://x.test/")
    )
    with contextlib.suppress(PlatformError):
        raise_for_response(
            response,
            platform="bench",
            now=datetime(2026, 1, 1, tzinfo=UTC),
            reset_reader=lambda r: None,
        )


def main() -> None:
    redact.forget_all()
    for n in range(20):
        redact.register(f"CANARY-s3cr3t-{n:06d}-padding")
    scrub = _per_call(N_SCRUBS, lambda: redact.scrub(BODY))
    refuse = _per_call(N_SCRUBS // 4, _refuse)
    print(f"   redact.scrub, 200-char body, 20 secrets: {scrub * 1e6:.1f} us/call")
    print(f"   raise_for_response on a 401 (scrubbed): {refuse * 1e6:.1f} us/call")
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.sqlite"
        state.write_bytes(bytes(range(256)) * 20)
        env = {"SOCIALSEED_STATE": str(state), "SOCIALSEED_NO_INPUT": "1"}
        runner = CliRunner()
        cli = _per_call(N_CLI, lambda: runner.invoke(app, ["log"], env=env))
    print(f"   refusing a corrupt state file (socialseed log, in-process): {cli * 1e3:.1f} ms/run")
    redact.forget_all()

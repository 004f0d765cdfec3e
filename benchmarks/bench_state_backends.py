"""The same job on a SQLite state and on a PostgreSQL state, side by side in one run.

The demo config on the sandbox (5,000 accounts): ``plan`` (discover, score, fit, save),
``review --approve-risk green`` and ``apply`` (journal before and after every call), each
backend in a fresh interpreter (``measure.in_child``), so neither warms the other. Prints each
step's wall and CPU time; CPU is SocialSeed's process only (the PostgreSQL server's own work
shows in the wall time). The server is a local one from the installed binaries
(``tests/pgserver.py``: loopback TCP, fsync off), so the numbers are the backend's overhead,
not a network's. No targets are asserted here.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT, in_child

STEPS = ("plan", "review", "apply")


def job(state: str, folder: str) -> dict[str, Any]:
    """In the child: reset the world (not timed), then time each step of the job."""
    from typer.testing import CliRunner

    from socialseed.cli.main import app

    config = str(ROOT / "configs" / "demo")
    plan = str(Path(folder) / "plan.json")
    env = {
        "SOCIALSEED_STATE": state,
        "SOCIALSEED_SANDBOX": str(Path(folder) / "world.sqlite"),
        "SOCIALSEED_NOW": "2026-11-25T09:00:00Z",
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "bench@example.com",
    }
    runner = CliRunner()

    def run(args: list[str]) -> None:
        result = runner.invoke(app, args, env=env)
        if result.exit_code not in (0, 2):
            raise RuntimeError(f"{args[0]} exited {result.exit_code}: {result.stderr[-800:]}")

    run(["sandbox", "reset", "-c", config])
    out: dict[str, Any] = {}
    for step, args in zip(
        STEPS,
        (
            ["plan", "-c", config, "-o", plan],
            ["review", plan, "-c", config, "--approve-risk", "green"],
            ["apply", plan, "-c", config, "--yes", "--max-wait", "24h"],
        ),
        strict=True,
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        run(args)
        out[step] = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    return out


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from tests import pgserver

    reason = pgserver.missing_reason()
    if reason:
        print(f"   skipped: {reason}")
        return
    with pgserver.running_server() as server, tempfile.TemporaryDirectory() as folder:
        server.admin('CREATE DATABASE "bench"')
        places = {
            "SQLite": str(Path(folder) / "state.sqlite"),
            "PostgreSQL": server.url("bench"),
        }
        figures = {}
        for name, state in places.items():
            work = Path(folder) / name
            work.mkdir()
            figures[name] = in_child("benchmarks.bench_state_backends:job", state, str(work))
        for step in STEPS:
            for name, figure in figures.items():
                took = figure.data[step]
                print(
                    f"   {step:<7} on {name:<11} {took['wall'] * 1000:8.0f} ms wall "
                    f"{took['cpu'] * 1000:8.0f} ms CPU",
                    flush=True,
                )
        for name, figure in figures.items():
            print(f"   whole job on {name:<11} {figure.text()} (peak {figure.peak_mb:.0f} MB)")
        lite, pg = figures["SQLite"], figures["PostgreSQL"]
        print(
            f"   PostgreSQL / SQLite: {pg.wall / lite.wall:.2f}x wall, {pg.cpu / lite.cpu:.2f}x CPU"
        )


if __name__ == "__main__":
    main()

"""Start-up cost: CPU (median of 5) of the quick commands, beside bare ``python -c pass``.

Targets (CPU, the machine is shared so wall time is noisy and shown only beside it):
``--help`` < 150 ms, ``validate -c configs/demo`` < 300 ms, ``status`` < 300 ms. Every
command runs once first, so byte code is cached as it is for a user.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.measure import ROOT, Figure, command, median

EXE = str(Path(sys.executable).with_name("socialseed"))
RUNS = 5
DEMO = str(ROOT / "configs" / "demo")


def _median(args: list[str]) -> Figure:
    command(args)  # warm: byte code written, files in the page cache
    return median([command(args) for _ in range(RUNS)])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = str(Path(tmp) / "state.sqlite")
        bare = _median([sys.executable, "-c", "pass"])
        print(f"   {'python -c pass':<40} {bare.text()}")
        for label, args, target_ms in (
            ("socialseed --help", [EXE, "--help"], 150),
            ("socialseed validate -c configs/demo", [EXE, "validate", "-c", DEMO], 300),
            (
                "socialseed status -c configs/demo",
                [EXE, "--state", state, "status", "-c", DEMO],
                300,
            ),
        ):
            figure = _median(args)
            verdict = "ok" if figure.cpu * 1000 < target_ms else "OVER TARGET"
            print(
                f"   {label:<40} {figure.text()} ({figure.cpu / bare.cpu:.1f}x bare python; "
                f"target {target_ms} ms CPU: {verdict})"
            )


if __name__ == "__main__":
    main()

"""Start-up cost: CPU of the quick commands, beside bare ``python -c pass``, side by side.

Targets (CPU, the machine is shared so wall time is noisy and shown only beside it):
``--help`` < 150 ms, ``validate -c configs/demo`` < 300 ms, ``status`` < 300 ms (on an existing,
migrated state, as a user's is). Every command runs once first, so byte code is cached as it is
for a user; then the commands take turns, ``ROUNDS`` times, so that a burst of load on the shared
machine falls on all of them alike, and each figure is the median of its turns.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.measure import ROOT, Figure, command, median

EXE = str(Path(sys.executable).with_name("socialseed"))
ROUNDS = 7
DEMO = str(ROOT / "configs" / "demo")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = str(Path(tmp) / "state.sqlite")
        commands: list[tuple[str, list[str], int | None]] = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("socialseed --help", [EXE, "--help"], 150),
            ("socialseed validate -c configs/demo", [EXE, "validate", "-c", DEMO], 300),
            (
                "socialseed status -c configs/demo",
                [EXE, "--state", state, "status", "-c", DEMO],
                300,
            ),
        ]
        for _, args, _ in commands:
            command(args)  # warm: byte code written, the state file made and migrated
        turns: dict[str, list[Figure]] = {label: [] for label, _, _ in commands}
        for _ in range(ROUNDS):
            for label, args, _ in commands:
                turns[label].append(command(args))
        bare = median(turns["python -c pass"])
        print(f"   {'python -c pass':<40} {bare.text()}")
        for label, _, target_ms in commands[1:]:
            assert target_ms is not None
            figure = median(turns[label])
            verdict = "ok" if figure.cpu * 1000 < target_ms else "OVER TARGET"
            least = min(f.cpu for f in turns[label]) * 1000
            print(
                f"   {label:<40} {figure.text()} ({figure.cpu / bare.cpu:.1f}x bare python; "
                f"target {target_ms} ms CPU: {verdict}; least disturbed turn {least:.0f} ms)"
            )


if __name__ == "__main__":
    main()

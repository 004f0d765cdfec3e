"""Start-up cost: CPU of the quick commands, beside bare ``python -c pass``, side by side.

Targets (CPU, the machine is shared so wall time is noisy and shown only beside it):
``--help`` < 150 ms, ``validate -c configs/demo`` < 300 ms, ``status`` < 300 ms (on an existing,
migrated state, as a user's is). Every command runs once first, so byte code is cached and the
config cache (``config.cache``) and the help text are written, as they are for a user after the
first run; then the commands take turns, ``ROUNDS`` times, so that a burst of load on the shared
machine falls on all of them alike, and each figure is the median of its turns. The same
commands with ``--no-cache`` (no target) show what a first run after an edit or an upgrade costs.
"""

from __future__ import annotations

import os
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
        os.environ["SOCIALSEED_CACHE_DIR"] = str(Path(tmp) / "cache")  # the run's own
        commands: list[tuple[str, list[str], int | None]] = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("socialseed --help", [EXE, "--help"], 150),
            ("socialseed validate -c configs/demo", [EXE, "validate", "-c", DEMO], 300),
            (
                "socialseed status -c configs/demo",
                [EXE, "--state", state, "status", "-c", DEMO],
                300,
            ),
            ("  --no-cache --help", [EXE, "--no-cache", "--help"], None),
            ("  --no-cache validate", [EXE, "--no-cache", "validate", "-c", DEMO], None),
            (
                "  --no-cache status",
                [EXE, "--no-cache", "--state", state, "status", "-c", DEMO],
                None,
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
            figure = median(turns[label])
            least = min(f.cpu for f in turns[label]) * 1000
            if target_ms is None:
                verdict = "no target: a first run after an edit or an upgrade"
            else:
                ok = figure.cpu * 1000 < target_ms
                verdict = f"target {target_ms} ms CPU: {'ok' if ok else 'OVER TARGET'}"
            print(
                f"   {label:<40} {figure.text()} ({figure.cpu / bare.cpu:.1f}x bare python; "
                f"{verdict}; least disturbed turn {least:.0f} ms)"
            )
        del os.environ["SOCIALSEED_CACHE_DIR"]


if __name__ == "__main__":
    main()

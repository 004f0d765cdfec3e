"""Start-up cost: median wall time of `socialseed --help` and `socialseed validate` (target < 250 ms)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("socialseed"))
RUNS = 15
TARGET_MS = 250


def _median_ms(args: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([EXE, *args], check=True, capture_output=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    for label, args in (
        ("socialseed --help", ["--help"]),
        ("socialseed validate -c configs/demo", ["validate", "-c", str(ROOT / "configs" / "demo")]),
    ):
        ms = _median_ms(args)
        verdict = "ok" if ms < TARGET_MS else "OVER TARGET"
        print(
            f"   {label:<40} median {ms:6.0f} ms over {RUNS} runs (target {TARGET_MS} ms: {verdict})"
        )


if __name__ == "__main__":
    main()

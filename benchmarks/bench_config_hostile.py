"""The config loader against hostile input, and on a valid config of 1 MB.

Prints: the hostile corpus of tests/config/hostile.py (cases, median and slowest seconds per
case in-process, the peak memory of the five slowest), `socialseed validate` on a valid 1 MB
config (median of 5 processes; target < 1 s) and the time to merge 50,000 top-level keys.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from socialseed.config.load import load_config, parse_file
from socialseed.config.merge import merge
from socialseed.errors import ConfigError
from tests.config.hostile import Case, all_cases

EXE = str(Path(sys.executable).with_name("socialseed"))
TARGET_S = 1.0


def _run_case(case: Case) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path, _, _ = case.build(Path(tmp))
        started = time.perf_counter()
        with contextlib.suppress(ConfigError):
            load_config(path)
        return time.perf_counter() - started


def _peak_mb(case: Case) -> float:
    tracemalloc.start()
    _run_case(case)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def big_config(target: int = 1_000_000) -> str:
    """A valid config of about ``target`` bytes: thousands of accounts, 2,000 keywords."""
    keywords = ", ".join(f"kw{i}" for i in range(2000))
    parts = [
        "version: 1\nphases:\n  std:\n    - {name: warmup, days: 14, daily: {follow: 15}}\n"
        "    - {name: grow}\ntargeting:\n  t0:\n    description: A block.\n"
        f"    keywords: [{keywords}]\n    sources:\n      - hashtag: film\naccounts:\n"
    ]
    size, i = len(parts[0]), 0
    while size < target - 200:
        parts.append(
            f"  - id: acct-{i}\n    platform: sandbox\n    handle: handle{i}.example.com\n"
            "    phases: std\n    targeting: [t0]\n    start_date: 2026-01-01\n"
        )
        size += len(parts[-1])
        i += 1
    return "".join(parts)


def _validate_seconds(path: Path, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([EXE, "validate", "-c", str(path)], check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _merge_seconds(keys: int = 50_000) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        half = keys // 2
        a, b = Path(tmp, "a.yaml"), Path(tmp, "b.yaml")
        a.write_text("".join(f"k{i}: {i}\n" for i in range(half)))
        b.write_text("targeting:\n" + "".join(f"  t{i}: {{}}\n" for i in range(keys - half)))
        c = Path(tmp, "c.yaml")
        c.write_text("targeting:\n" + "".join(f"  u{i}: {{}}\n" for i in range(keys - half)))
        docs = [parse_file(p) for p in (a, b, c)]
        started = time.perf_counter()
        merge(docs)
        return time.perf_counter() - started


def main() -> None:
    cases = all_cases()
    timed = sorted(((_run_case(c), c) for c in cases), key=lambda t: t[0], reverse=True)
    seconds = [t for t, _ in timed]
    print(
        f"   hostile corpus: {len(cases)} cases, median {statistics.median(seconds) * 1000:.1f} ms, "
        f"slowest {seconds[0]:.3f} s ({timed[0][1].name})"
    )
    peaks = [(_peak_mb(c), c.name) for _, c in timed[:5]]
    worst = max(peaks)
    print(f"   peak traced memory of the 5 slowest cases: {worst[0]:.0f} MB ({worst[1]})")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "big.yaml")
        path.write_text(big_config())
        took = _validate_seconds(path)
        verdict = "ok" if took < TARGET_S else "OVER TARGET"
        size = path.stat().st_size / 1e6
        print(
            f"   socialseed validate, valid {size:.2f} MB config: median {took:.2f} s "
            f"(target {TARGET_S:.0f} s: {verdict})"
        )
    print(
        f"   merge of 50,000 keys (25,000 top-level, 2 x 25,000 nested): {_merge_seconds():.3f} s"
    )


if __name__ == "__main__":
    main()

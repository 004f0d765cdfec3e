"""Sandbox speed: world generation (target under 2 s for the default 5,000 accounts),
discovery pages and writes through the httpx layer."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from socialseed.clock import FakeClock
from socialseed.config.schema import Account, Sandbox, SandboxLimits
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms.base import PlatformDeps
from socialseed.platforms.sandbox import build
from socialseed.platforms.sandbox.generate import WorldSpec, generate

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def _generate(path: Path, size: int, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        generate(path, WorldSpec.at(42, size, NOW), use_memo=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def _platform_numbers(path: Path) -> dict[str, float]:
    limits = SandboxLimits(per_window=100_000, daily=100_000)
    deps = PlatformDeps(clock=FakeClock(NOW), sandbox_path=path, sandbox=Sandbox(limits=limits))
    acct = Account(id="bench", platform="sandbox", handle="bench.studio", phases="x")
    platform = build(acct, deps)
    numbers: dict[str, float] = {}
    started = time.perf_counter()
    await platform.discover(Source(SourceKind.HASHTAG, "filmphotography"))
    numbers["hashtag first page (cold), ms"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    page = await platform.discover(Source(SourceKind.SEARCH, "35mm film"))
    numbers["search first page, ms"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for profile in page.profiles:
        target = Target("account", profile.id, profile.handle)
        await platform.execute(
            Action(action_id("bench", "follow", target), "bench", "sandbox", Verb.FOLLOW, target,
                   "", Risk.GREEN)
        )  # fmt: skip
    elapsed = time.perf_counter() - started
    numbers["follows per second (httpx + one SQLite transaction each)"] = (
        len(page.profiles) / elapsed
    )
    await platform.aclose()
    return numbers


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "world.sqlite"
        print(f"   generate 1,000 accounts: {_generate(path, 1000):.3f} s (median of 3)")
        default = _generate(path, 5000)
        print(f"   generate 5,000 accounts (default): {default:.3f} s (median of 3; target < 2 s)")
        print(f"   world file size: {path.stat().st_size / 1e6:.1f} MB")
        for name, value in asyncio.run(_platform_numbers(path)).items():
            print(f"   {name}: {value:.1f}")


if __name__ == "__main__":
    main()

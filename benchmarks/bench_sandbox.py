"""Sandbox speed: world generation, discovery serving, writes, and `socialseed plan` on a
50,000-account world (issue 20).

Every figure is CPU time with wall time beside it (the machine may be shared), each taken in a
fresh process (``measure.in_child`` / ``measure.command``).

- generation: 5,000 accounts (the default; target < 2 s) and 50,000 (target "a few seconds");
- serving: every page (as many profiles a page as the client asks) of five discovery sources
  read through httpx from the in-process server,
  in profiles per CPU second, first read (every profile made) and again by a second account
  (what several accounts on the same sources see; target: tens of thousands a second);
- the CLI: ``socialseed plan`` as a subprocess on the 50,000-account world, 5 accounts reading
  three sources each (every page: ``max_pages: 1000``): cold (empty state: discovery, caching,
  scoring) < 10 s CPU per 100k candidates, warm (everything from the state file) < 1 s CPU per
  100k candidates. The whole command's CPU per 100k holds a fixed part (start-up, imports,
  the plan's actions) that does not grow with candidates, so the same is run with 17 accounts
  on the same sources (about 209k candidates) and the two are split into a fixed part and a
  marginal cost per 100k candidates; every figure is printed, each saying whether it meets
  the target.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.measure import Figure, command, in_child, median

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
PLAN_NOW = "2026-11-25T09:00:00Z"
BIG = 50_000
EXE = str(Path(sys.executable).with_name("socialseed"))
COLD_PER_100K, WARM_PER_100K = 10.0, 1.0
SOURCES = (
    ("hashtag", "filmphotography"),
    ("search", "film"),
    ("followers_of", "lens.collective"),
    ("hashtag", "coffee"),
    ("search", "espresso"),
)
CONFIG = """\
version: 1
accounts:
{accounts}
phases:
  std:
    - {{name: growth, daily: {{follow: 60, like: 150, unfollow: 30}}}}
targeting:
  film:
    description: Analog film photographers.
    keywords: [film, analog, 35mm]
    sources:
      - {{hashtag: filmphotography, limit: 100000, max_pages: 1000}}
      - {{search: film, limit: 100000, max_pages: 1000}}
      - {{followers_of: lens.collective, limit: 100000, max_pages: 1000}}
    filters: {{followers: {{min: 20, max: 20000}}, ratio: {{max: 3.0}}}}
    actions: {{follow: true, like_recent: 1}}
    cache_ttl: 7d
  coffee:
    description: Home baristas.
    keywords: [coffee, espresso]
    sources:
      - {{hashtag: coffee, limit: 100000, max_pages: 1000}}
      - {{search: espresso, limit: 100000, max_pages: 1000}}
      - {{followers_of: lens.collective, limit: 100000, max_pages: 1000}}
    filters: {{followers: {{min: 10, max: 50000}}}}
    actions: {{follow: true, like_recent: 1}}
    cache_ttl: 7d
policy: {{thresholds: {{max_actions_per_plan: 100000}}}}
sandbox: {{size: {size}}}
"""


# -- work done in a fresh child process (measure.in_child) ------------------------------------


def generate_world(path: str, size: str) -> dict[str, Any]:
    from socialseed.platforms.sandbox.generate import WorldSpec, generate

    generate(Path(path), WorldSpec.at(42, int(size), NOW), use_memo=False)
    return {"bytes": Path(path).stat().st_size}


def serve_sources(path: str) -> dict[str, Any]:
    """Every page of ``SOURCES`` for one account, then again for a second account."""
    return asyncio.run(_serve(Path(path)))


async def _serve(path: Path) -> dict[str, Any]:
    import httpx

    from socialseed.clock import FakeClock
    from socialseed.platforms.sandbox.client import DISCOVERY_PAGE
    from socialseed.platforms.sandbox.server import ACTOR_HEADER, BASE_URL, SandboxTransport

    clock, out = FakeClock(NOW), {}
    for reader in ("first", "second"):
        transport = SandboxTransport(path, clock)
        headers = {ACTOR_HEADER: f"{reader}.bench"}
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
            await c.get("/v1/me")
            cpu, profiles = time.process_time(), 0
            for kind, query in SOURCES:
                cursor: str | None = None
                while True:
                    params = {"q": query, "limit": str(DISCOVERY_PAGE)}  # as the client
                    params |= {"cursor": cursor} if cursor else {}
                    data = (await c.get(f"/v1/discover/{kind}", params=params)).json()
                    profiles += len(data["profiles"])
                    cursor = data.get("next_cursor")
                    if not cursor:
                        break
            out[reader] = {
                "profiles": profiles,
                "cpu": time.process_time() - cpu,
                "page": DISCOVERY_PAGE,
            }
    return out


def platform_numbers(path: str) -> dict[str, float]:
    return asyncio.run(_platform_numbers(Path(path)))


async def _platform_numbers(path: Path) -> dict[str, float]:
    from socialseed.clock import FakeClock
    from socialseed.config.schema import Account, Sandbox, SandboxLimits
    from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
    from socialseed.platforms.base import PlatformDeps
    from socialseed.platforms.sandbox import build

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


# -- the parent: figures side by side ----------------------------------------------------------


def _generation(tmp: Path) -> Path:
    for size, runs, target in ((5_000, 3, "target < 2 s"), (BIG, 1, "a few seconds")):
        path = tmp / f"world-{size}.sqlite"
        figure = median([in_child("benchmarks.bench_sandbox:generate_world", str(path), str(size))
                         for _ in range(runs)])  # fmt: skip
        print(
            f"   generate {size:,} accounts: {figure.text()} "
            f"({path.stat().st_size / 1e6:.0f} MB, median of {runs}; {target})",
            flush=True,
        )
    return tmp / f"world-{BIG}.sqlite"


def _serving(world: Path, tmp: Path) -> None:
    copy = tmp / "serve.sqlite"
    shutil.copyfile(world, copy)
    data = in_child("benchmarks.bench_sandbox:serve_sources", str(copy)).data
    for reader, label in (("first", "first read"), ("second", "a second account")):
        r = data[reader]
        print(
            f"   discovery serving, {BIG:,}-account world, pages of {r['page']}, {label}: "
            f"{r['profiles']:,} profiles "
            f"in {r['cpu']:.2f} s CPU = {r['profiles'] / r['cpu']:,.0f} profiles/s",
            flush=True,
        )


SMALL, LARGE = 5, 17  # accounts of the two plans: 62,399 and 208,997 candidates


def _config(tmp: Path, accounts: int) -> Path:
    folder = tmp / f"config-{accounts}"
    folder.mkdir()
    lines = "\n".join(
        f"  - {{id: acct{i}, platform: sandbox, handle: bench{i}.studio, phases: std, "
        f"targeting: [{'film' if i % 2 else 'coffee'}], start_date: 2026-10-01}}"
        for i in range(1, accounts + 1)
    )
    (folder / "socialseed.yaml").write_text(CONFIG.format(accounts=lines, size=BIG))
    return folder


@dataclass(frozen=True)
class PlanRuns:
    accounts: int
    candidates: int
    cold: Figure
    warm: Figure
    refresh: Figure | None


def _plans(world: Path, tmp: Path, accounts: int, *, refresh: bool) -> PlanRuns:
    """A cold plan (fresh world copy, empty state), three warm ones (median), and, if asked,
    one ``--refresh`` plan, of ``accounts`` accounts x 3 sources on the world."""
    folder = _config(tmp, accounts)
    state, live = tmp / f"state-{accounts}.sqlite", tmp / f"plan-world-{accounts}.sqlite"
    shutil.copyfile(world, live)
    args = [EXE, "--state", str(state), "--no-input", "plan", "-c", str(folder), "-o"]
    out = tmp / f"out-{accounts}"
    out.mkdir()
    saved = dict(os.environ)
    os.environ.update({"SOCIALSEED_NOW": PLAN_NOW, "SOCIALSEED_SANDBOX": str(live)})
    try:
        command([EXE, "--help"])  # byte code written, as a user has it
        cold = command([*args, str(out / "cold.json")])
        warm = median([command([*args, str(out / f"warm{i}.json")]) for i in range(3)])
        again = command([*args, str(out / "refresh.json"), "--refresh"]) if refresh else None
    finally:
        os.environ.clear()
        os.environ.update(saved)
    with sqlite3.connect(state) as db:
        (count,) = db.execute("select count(*) from candidates").fetchone()
    return PlanRuns(accounts, int(count), cold, warm, again)


def _plan(world: Path, tmp: Path) -> None:
    small = _plans(world, tmp, SMALL, refresh=True)
    for label, target in (("cold", COLD_PER_100K), ("warm", WARM_PER_100K)):
        _print_plan(label, getattr(small, label), small, target)
    if small.refresh is not None:
        warm, cold, refresh = small.warm.cpu, small.cold.cpu, small.refresh.cpu
        print(
            f"   where the cold plan's CPU goes: {warm:.1f} s a warm plan (start-up, planner "
            f"on cached scores), {refresh - warm:.1f} s discovery (serving, httpx, the "
            f"candidate cache writes: --refresh less warm), {cold - refresh:.1f} s scoring "
            f"the new candidates (cold less --refresh); --refresh: {small.refresh.text()}",
            flush=True,
        )
    large = _plans(world, tmp, LARGE, refresh=False)
    for label, target in (("cold", COLD_PER_100K), ("warm", WARM_PER_100K)):
        _print_plan(label, getattr(large, label), large, target)
    for label, target in (("cold", COLD_PER_100K), ("warm", WARM_PER_100K)):
        _print_split(label, small, large, target)


def _print_plan(label: str, figure: Figure, runs: PlanRuns, target: float) -> None:
    per_100k = figure.cpu * 100_000 / runs.candidates
    verdict = "meets the target" if per_100k < target else "OVER TARGET"
    print(
        f"   socialseed plan, {label}, {runs.accounts} accounts x 3 sources, "
        f"{runs.candidates:,} candidates: {figure.text()} = {per_100k:.2f} s CPU per 100k "
        f"(whole command; target < {target:g} s: {verdict})",
        flush=True,
    )


def _print_split(label: str, small: PlanRuns, large: PlanRuns, target: float) -> None:
    """The two plans' difference: the marginal CPU per 100k candidates and the fixed part
    (start-up, imports, what does not grow with candidates) it leaves of the smaller plan."""
    a, b = getattr(small, label).cpu, getattr(large, label).cpu
    extra = large.candidates - small.candidates
    marginal = (b - a) / extra if extra > 0 else float("nan")
    fixed = a - marginal * small.candidates
    verdict = "meets the target" if marginal * 100_000 < target else "OVER TARGET"
    print(
        f"   socialseed plan, {label}, split from the two plans ({small.candidates:,} and "
        f"{large.candidates:,} candidates, {small.accounts} and {large.accounts} accounts on "
        f"the same sources): fixed {fixed:.2f} s CPU + marginal {marginal * 100_000:.2f} s "
        f"CPU per 100k candidates (marginal, target < {target:g} s: {verdict})",
        flush=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        world = _generation(tmp)
        _serving(world, tmp)
        writes = tmp / "writes.sqlite"
        shutil.copyfile(tmp / "world-5000.sqlite", writes)
        for label, value in in_child(
            "benchmarks.bench_sandbox:platform_numbers", str(writes)
        ).data.items():
            print(f"   {label}: {value:.1f}", flush=True)
        _plan(world, tmp)


if __name__ == "__main__":
    main()

"""Planning at scale: 20 accounts with 500, 5,000 and 50,000 cached candidates each (10k, 100k
and 1M in all), heuristic scorer, beside a lean reference pass over the same rows.

Every figure is CPU time (wall time beside it; the machine is shared), the median of 3 runs,
each run in a fresh process that reports its own peak memory (VmHWM), on a state file prepared
by another process. Cold: no score cached (every candidate scored and stored); warm: scores
from the cache. The lean pass is what Python on SQLite can do at the least: one SQL query per
account with the filters on typed columns, a simple score, a top-k heap (cold: its scores
stored). Targets: 100k warm <= 1.5x lean, cold <= 3x lean; 1M < 10 s CPU and < 300 MB;
growth linear (per-100k figures side by side, and the 100k and 1M ones on one line).

``python -m benchmarks.bench_plan series STATE RUNS`` measures a state file prepared before
(``setup STATE PER_ACCOUNT``), e.g. to profile or to repeat the 1M figures alone;
``python -m benchmarks.bench_plan breakdown STATE`` plans once on it and prints the CPU time of
the plan's steps (``STEPS``) beside the totals (it plans on STATE: the first run is cold).
"""

from __future__ import annotations

import asyncio
import heapq
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ACCOUNTS = 20
SOURCE = "hashtag:filmphotography"
SIZES = (500, 5_000, 50_000)  # per account
RUNS = 3
TOP_K = 210  # what one account's day uses: 60 follows + 150 likes
WARM_RATIO, COLD_RATIO, MILLION_CPU_S, MILLION_MB = 1.5, 3.0, 10.0, 300
WORDS = [
    "film",
    "analog",
    "35mm",
    "darkroom",
    "coffee",
    "bread",
    "street",
    "portrait",
    "travel",
    "music",
    "garden",
]


def config_data(accounts: int) -> dict[str, Any]:
    return {
        "version": 1,
        "accounts": [
            {
                "id": f"acct-{i:02d}",
                "platform": "sandbox",
                "handle": f"acct{i}.example",
                "phases": "standard",
                "targeting": ["film"],
                "start_date": "2026-10-01",
            }
            for i in range(accounts)
        ],
        "phases": {
            "standard": [{"name": "growth", "daily": {"follow": 60, "like": 150, "unfollow": 30}}]
        },
        "targeting": {
            "film": {
                "description": "People who shoot analog film.",
                "keywords": ["film", "35mm", "darkroom"],
                "sources": [{"hashtag": "filmphotography", "limit": 100_000}],
                "filters": {"followers": {"min": 20, "max": 20000}, "ratio": {"max": 3.0}},
                "actions": {"follow": True, "like_recent": 2},
                "cache_ttl": "7d",
            }
        },
        "policy": {"auto_approve": ["green"], "thresholds": {"max_actions_per_plan": 100_000}},
    }


def _profile(rng: random.Random, account: int, i: int) -> Any:
    from socialseed.model import Post, Profile

    pid = f"{account}-{i}"
    bio = " ".join(rng.sample(WORDS, 4))
    posts = tuple(
        Post(f"{pid}-p{k}", pid, f"{rng.choice(WORDS)} roll {k}", NOW - timedelta(hours=5 + 30 * k))
        for k in range(2)
    )
    return Profile(
        platform="sandbox",
        id=pid,
        handle=f"user{pid}.example",
        bio=bio,
        followers=rng.randint(5, 30_000),
        following=rng.randint(5, 3_000),
        posts=rng.randint(0, 3_000),
        last_active=NOW - timedelta(days=rng.randint(0, 60)),
        created_at=NOW - timedelta(days=rng.randint(2, 3_000)),
        has_avatar=rng.random() < 0.85,
        language="en",
        recent_posts=posts,
    )


def setup(path: Path, per_account: int) -> None:
    """A state file holding ``per_account`` fresh candidates for each account."""
    from socialseed.model import Candidate
    from socialseed.state.candidates import store_candidates
    from socialseed.state.db import open_state

    db = open_state(path)
    rng = random.Random(7)
    for account in range(ACCOUNTS):
        found = [Candidate(_profile(rng, account, i), SOURCE, "film") for i in range(per_account)]
        store_candidates(db, f"acct-{account:02d}", SOURCE, found, now=NOW)


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> dict[str, float]:
    """Plan once on the prepared state file (CPU, wall, this process's peak memory)."""
    from socialseed.clock import FakeClock
    from socialseed.config.schema import Config
    from socialseed.plan.run import PlanOptions, Runtime, make_plan
    from socialseed.state.db import open_state
    from tests.plan.fakes import FakeNetwork, FakePlatform

    config = Config.model_validate(config_data(ACCOUNTS))
    network = FakeNetwork()
    db = open_state(path)
    runtime = Runtime(
        db=db,
        clock=FakeClock(NOW),
        platform_for=lambda a: FakePlatform(a.id, a.handle, network),
        capabilities_for=lambda a: network.caps,
    )
    started, cpu = time.perf_counter(), time.process_time()
    run = asyncio.run(make_plan(config, runtime, PlanOptions()))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not network.calls, "a cached plan must not touch the network"
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak_mb(), "actions": len(run.plan)}


# what ``breakdown`` times inside one plan: (module, attribute), each a plain function or method
# (not a coroutine: the accounts' coroutines interleave on one event loop)
STEPS = (
    ("socialseed.state.candidates", "filter_source"),
    ("socialseed.plan.run", "AccountRun._filter"),
    ("socialseed.plan.pool", "Pool.of"),
    ("socialseed.plan.scoring", "cached_score_data"),
    ("socialseed.plan.run", "AccountRun._rank"),
    ("socialseed.plan.run", "CandidateMaker.build"),
    ("socialseed.state.candidates", "load_profiles"),
    ("socialseed.plan.run", "plan_account"),
    ("socialseed.plan.run", "AccountRun._keep_proposals"),
    ("socialseed.plan.run", "assemble_plan"),
)


def breakdown(path: Path) -> dict[str, float]:
    """``measure``, with the CPU time spent in each of ``STEPS`` (process time around every
    call, summed; a step inside another counts in both). The plan is the product's: each step
    is wrapped, not changed."""
    import importlib
    from collections import defaultdict
    from functools import wraps

    spent: dict[str, float] = defaultdict(float)

    def timed(label: str, fn: Any) -> Any:
        @wraps(fn)
        def step(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        return step

    for module_name, name in STEPS:
        owner: Any = importlib.import_module(module_name)
        *outer, attr = name.split(".")
        for part in outer:
            owner = getattr(owner, part)
        found = owner.__dict__[attr]
        if isinstance(found, classmethod):
            setattr(owner, attr, classmethod(timed(name, found.__func__)))
        else:
            setattr(owner, attr, timed(name, found))
    result = measure(path)
    return {**result, **{f"step {label}": spent[label] for _, label in STEPS}}


def lean(path: Path, cold: bool) -> dict[str, float]:
    """The reference: per account one SQL query over typed columns with the filters, a simple
    score (stored when cold, read back when warm), the top k by a heap."""
    db = sqlite3.connect(path)
    if cold:
        db.execute("drop table if exists lean_scores")
        db.execute("create table lean_scores (profile_id text primary key, score real)")
    started, cpu = time.perf_counter(), time.process_time()
    chosen = 0
    for account in range(ACCOUNTS):
        query = (
            "select c.profile_id, c.followers, c.following, c.has_avatar, c.post_count"
            + ("" if cold else ", s.score")
            + " from candidates c"
            + ("" if cold else " join lean_scores s on s.profile_id = c.profile_id")
            + " where c.account = ? and c.followers between 20 and 20000"
            " and c.following <= 3.0 * c.followers"
        )
        rows = db.execute(query, [f"acct-{account:02d}"]).fetchall()
        if cold:
            scored = [(_simple(r), r[0]) for r in rows]
            with db:
                db.executemany("insert into lean_scores values (?, ?)", [(p, s) for s, p in scored])
        else:
            scored = [(r[5], r[0]) for r in rows]
        chosen += len(heapq.nlargest(TOP_K, scored))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak_mb(), "actions": chosen}


def _simple(row: tuple[Any, ...]) -> float:
    _, followers, following, avatar, posts = row
    return (1.0 if avatar else 0.1) + min(followers / max(following, 1), 3.0) / 3 + 0.1 * posts


def _child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_plan", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def _series(prepared: Path, tmp: Path, runs: int) -> dict[str, dict[str, float]]:
    """Cold and warm plans and lean passes, each the median of ``runs`` fresh processes."""
    cold, warm, lean_cold, lean_warm = [], [], [], []
    for index in range(runs):
        state = tmp / f"state-{index}.sqlite"
        shutil.copyfile(prepared, state)
        cold.append(_child("measure", str(state)))
        warm.append(_child("measure", str(state)))
        lean_cold.append(_child("lean", str(state), "cold"))
        lean_warm.append(_child("lean", str(state), "warm"))
        state.unlink()
    return {
        "cold": _median(cold),
        "warm": _median(warm),
        "lean cold": _median(lean_cold),
        "lean warm": _median(lean_warm),
    }


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_PLAN_SIZES", "").split(",") if s] or SIZES
    measured: dict[int, dict[str, dict[str, float]]] = {}
    for per_account in sizes:
        total = ACCOUNTS * per_account
        with tempfile.TemporaryDirectory() as tmp:
            prepared = Path(tmp) / "prepared.sqlite"
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_plan", "setup", str(prepared),
                 str(per_account)], cwd=ROOT, check=True,
            )  # fmt: skip
            print(
                f"   {total:,} candidates ({ACCOUNTS} accounts x {per_account:,}); "
                f"state prepared in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            runs = RUNS if total <= 100_000 else 1
            measured[total] = _series(prepared, Path(tmp), runs)
            _print(measured[total], total, runs)
    _print_growth(measured)


def _print_growth(measured: dict[int, dict[str, dict[str, float]]]) -> None:
    """Linear growth: the CPU per 100k candidates at 1M beside that at 100k."""
    if 100_000 not in measured or 1_000_000 not in measured:
        return
    parts = []
    for label in ("cold", "warm", "lean cold", "lean warm"):
        small = measured[100_000][label]["cpu_s"]
        large = measured[1_000_000][label]["cpu_s"] / 10
        parts.append(f"{label} {small:.2f} -> {large:.2f} s ({large / small:.2f}x)")
    print("   growth, cpu per 100k at 100k -> at 1M: " + "; ".join(parts), flush=True)


def _print(series: dict[str, dict[str, float]], total: int, runs: int) -> None:
    for label, r in series.items():
        per_100k = r["cpu_s"] * 100_000 / total
        print(
            f"     {label:9}: cpu {r['cpu_s']:6.2f} s (wall {r['wall_s']:6.2f} s), "
            f"{per_100k:5.2f} s cpu per 100k, peak {r['peak_mb']:4.0f} MB, "
            f"{r['actions']:,.0f} chosen (median of {runs})",
            flush=True,
        )
    warm = series["warm"]["cpu_s"] / series["lean warm"]["cpu_s"]
    cold = series["cold"]["cpu_s"] / series["lean cold"]["cpu_s"]
    line = f"     ratio to lean (cpu): warm {warm:.2f}x, cold {cold:.2f}x"
    if total == 100_000:
        line += f" [targets <= {WARM_RATIO:g}x warm, <= {COLD_RATIO:g}x cold: " + (
            "ok]" if warm <= WARM_RATIO and cold <= COLD_RATIO else "MISSED]"
        )
    if total == 1_000_000:
        ok = all(
            series[k]["cpu_s"] < MILLION_CPU_S and series[k]["peak_mb"] < MILLION_MB
            for k in ("cold", "warm")
        )
        line += f" [1M target < {MILLION_CPU_S:g} s cpu, < {MILLION_MB} MB: "
        line += "ok]" if ok else "MISSED]"
    print(line, flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "setup":
        setup(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "breakdown":
        for key, value in breakdown(Path(sys.argv[2])).items():
            print(f"{key:40} {value:10.3f}")
    elif len(sys.argv) > 1 and sys.argv[1] == "series":
        prepared = Path(sys.argv[2])
        total = sum(1 for _ in sqlite3.connect(prepared).execute("select 1 from candidates"))
        with tempfile.TemporaryDirectory() as tmp:
            _print(_series(prepared, Path(tmp), int(sys.argv[3])), total, int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "lean":
        print(json.dumps(lean(Path(sys.argv[2]), cold=sys.argv[3] == "cold")))
    else:
        main()

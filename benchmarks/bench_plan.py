"""Planning at scale: 20 accounts x 5,000 cached candidates with the heuristic scorer.

Prints wall time and peak memory (target: under 3 s and 300 MB), cold (scores computed and
stored) and warm (scores from the cache), then the same at 4x the candidates to show that
growth is linear. Each measurement runs in its own process, on a state file prepared by
another process, so that the peak memory is the plan's own.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
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
TARGET_S = 3.0
TARGET_MB = 300
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


def measure(path: Path) -> dict[str, float]:
    """Plan once on the prepared state file; wall time and peak RSS of this process."""
    from socialseed.clock import FakeClock
    from socialseed.config.schema import Config
    from socialseed.plan.run import PlanOptions, Runtime, make_plan
    from socialseed.state.db import open_state
    from tests.plan.fakes import FakeNetwork, FakePlatform

    config = Config.model_validate(config_data(ACCOUNTS))
    network = FakeNetwork()
    db = open_state(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mb": peak,
        "base_mb": before,
        "actions": len(run.plan),
    }


def _child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_plan", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def main() -> None:
    for per_account in (5_000, 20_000):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "state.sqlite"
            started = time.perf_counter()
            _child("setup", str(path), str(per_account))
            prep = time.perf_counter() - started
            total = ACCOUNTS * per_account
            print(
                f"   {ACCOUNTS} accounts x {per_account:,} cached candidates ({total:,}); "
                f"state prepared in {prep:.1f} s"
            )
            for label in ("cold score cache", "warm score cache"):
                result = json.loads(_child("measure", str(path)))
                _report(label, result, total, check=per_account == 5_000)


def _report(label: str, result: dict[str, float], total: int, *, check: bool) -> None:
    ok = result["wall_s"] < TARGET_S and result["peak_mb"] < TARGET_MB
    verdict = "ok" if ok else f"over the {TARGET_S:g} s / {TARGET_MB} MB target"
    per_k = 1000 * result["cpu_s"] / total * 1000
    print(
        f"     {label}: wall {result['wall_s']:.2f} s, cpu {result['cpu_s']:.2f} s "
        f"({per_k:.0f} ms cpu per 1k candidates), peak {result['peak_mb']:.0f} MB "
        f"(process at start {result['base_mb']:.0f} MB), {result['actions']:,.0f} actions"
        + (f" [{verdict}]" if check else "")
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "setup":
        setup(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()

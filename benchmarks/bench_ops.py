"""Operations at scale: a year of history for one busy account (≈ 100 actions a day).

Measures building the report data, rendering it (text, HTML), status, the audit trail, a sync
reconcile of 20,000 follows, and prune. Then ``socialseed metrics`` for 100 accounts with a
30-day history each (target: under 1 s). Prints wall and CPU times; nothing is asserted here.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlite_utils import Database

from socialseed.config.load import load_config
from socialseed.model import Target, Verb, action_id
from socialseed.observe.analytics import build_report
from socialseed.observe.status import status_rows
from socialseed.observe.sync import sync_account
from socialseed.report.report_html import render_html
from socialseed.report.report_text import render_report
from socialseed.state.audit_log import trail
from socialseed.state.db import open_state
from socialseed.state.retention import prune

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
DAYS = 365
PER_DAY = 100
ACCOUNT = "demo-studio"


def _timed(label: str, fn: Callable[[], Any]) -> Any:
    started, cpu = time.perf_counter(), time.process_time()
    value = fn()
    wall = (time.perf_counter() - started) * 1000
    used = (time.process_time() - cpu) * 1000
    print(f"   {label:<52} {wall:8.1f} ms wall {used:8.1f} ms CPU", flush=True)
    return value


def _seed(db: Database) -> None:
    db["accounts"].insert({"id": ACCOUNT, "platform": "sandbox", "state_serial": 0}, pk="id")
    journal, decisions, actions, rels, snaps, cands = [], [], [], [], [], []
    for day in range(DAYS):
        at = NOW - timedelta(days=DAYS - day)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        plan_id = f"p_{day:012d}"
        snaps.append(
            {
                "account": ACCOUNT,
                "taken_at": stamp,
                "followers": 100 + day * 3,
                "following": 50 + day,
            }
        )
        for n in range(PER_DAY):
            verb = Verb.FOLLOW if n % 2 else Verb.LIKE
            target = Target("account", f"u{day}-{n}", f"u{day}-{n}")
            aid = action_id(ACCOUNT, verb.value, target)
            actions.append(
                {
                    "plan_id": plan_id,
                    "action_id": aid,
                    "seq": n,
                    "account": ACCOUNT,
                    "verb": verb.value,
                    "risk": "green",
                    "data": "{}",
                }
            )
            decisions.append(
                {
                    "plan_id": plan_id,
                    "action_id": aid,
                    "verdict": "approve",
                    "reviewer": "policy:auto_approve",
                    "decided_at": stamp,
                    "reason": "",
                    "override": 0,
                }
            )
            journal.append(
                {
                    "plan_id": plan_id,
                    "action_id": aid,
                    "account": ACCOUNT,
                    "verb": verb.value,
                    "target": target.id,
                    "kind": "outcome",
                    "attempt": 1,
                    "at": stamp,
                    "status": "done",
                    "request_id": f"r{day}-{n}",
                }
            )
            cands.append(
                {
                    "account": ACCOUNT,
                    "source": "hashtag:film",
                    "profile_id": f"c{day}-{n}",
                    "targeting": "t",
                    "digest": "d",
                    "data": "{}" + " " * 400,
                    "fetched_at": stamp,
                }
            )
            if verb is Verb.FOLLOW:
                rels.append(
                    {
                        "account": ACCOUNT,
                        "target_id": target.id,
                        "origin": "socialseed",
                        "since": stamp,
                        "followed_back_at": stamp if n % 3 == 0 else None,
                    }
                )
    with db.conn:
        for table, rows in (
            ("journal", journal),
            ("decisions", decisions),
            ("actions", actions),
            ("relationships", rels),
            ("snapshots", snaps),
            ("candidates", cands),
        ):
            db.table(table).insert_all(rows, batch_size=5000)


class _Platform:
    """Just enough of a Platform for sync: 20,000 follows, half of them following back."""

    name = "bench"

    def __init__(self) -> None:
        self.account_id, self.handle = ACCOUNT, "bench"
        self.following = {f"f{i}" for i in range(20_000)}

    async def me(self) -> Any:
        from socialseed.model import Profile

        return Profile("bench", "me", "bench", followers=10_000, following=20_000)

    async def following_ids(self) -> set[str]:
        return self.following

    async def follower_ids(self) -> set[str]:
        return {f"f{i}" for i in range(0, 20_000, 2)}


def main() -> None:
    db = open_state(None)
    _timed(f"seed {DAYS} days x {PER_DAY} actions", lambda: _seed(db))
    config = load_config(Path(__file__).resolve().parent.parent / "configs" / "demo")
    since = NOW - timedelta(days=30)
    data = _timed(
        "report data, last 30 days",
        lambda: build_report(db, now=NOW, since=since, accounts=[ACCOUNT], config=config),
    )
    year = _timed(
        "report data, whole year",
        lambda: build_report(
            db, now=NOW, since=NOW - timedelta(days=DAYS), accounts=[ACCOUNT], config=config
        ),
    )
    html = _timed("render HTML, whole year", lambda: render_html(year))
    print(f"   {'HTML size, whole year':<52} {len(html) / 1024:8.1f} KiB")
    console = Console(file=io.StringIO(), width=100)
    _timed("render text, 30 days", lambda: render_report(console, data))
    _timed("status", lambda: status_rows(db, config, now=NOW))
    entries = _timed("audit trail, whole year", lambda: trail(db))
    print(f"   {'audit trail entries':<52} {len(entries):8d}")
    platform: Any = _Platform()
    _timed(
        "sync: baseline of 20,000 follows", lambda: asyncio.run(sync_account(db, platform, now=NOW))
    )
    _timed(
        "sync again: no change",
        lambda: asyncio.run(sync_account(db, platform, now=NOW + timedelta(days=1))),
    )
    result = _timed(
        "prune --dry-run (older than 90 days)",
        lambda: prune(db, cutoff=NOW - timedelta(days=90), dry_run=True),
    )
    print(f"   {'rows prune would delete':<52} {result.total:8d}")
    done = _timed(
        "prune (older than 90 days), with VACUUM",
        lambda: prune(db, cutoff=NOW - timedelta(days=90)),
    )
    print(f"   {'rows deleted':<52} {done.total:8d}")

    bench_metrics()


METRICS_ACCOUNTS = 100
METRICS_DAYS = 30
METRICS_PER_DAY = 30


def bench_metrics() -> None:
    """The exposition of 100 accounts, each with 30 days of 30 actions, snapshots and audits."""
    from prometheus_client import CollectorRegistry, generate_latest

    from socialseed.observe.metrics import StateCollector, families, gather

    db = open_state(None)
    base = load_config(Path(__file__).resolve().parent.parent / "configs" / "demo")
    accounts = [
        base.accounts[0].model_copy(update={"id": f"acct-{i:03d}", "handle": f"acct{i}.example"})
        for i in range(METRICS_ACCOUNTS)
    ]
    config = base.model_copy(update={"accounts": accounts})
    _timed(
        f"seed {METRICS_ACCOUNTS} accounts x {METRICS_DAYS} days x {METRICS_PER_DAY} actions",
        lambda: _seed_accounts(db, [a.id for a in accounts]),
    )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(lambda: families(gather(db, config, now=NOW))))
    text = _timed(
        f"metrics: {METRICS_ACCOUNTS} accounts, {METRICS_DAYS}-day history (target < 1 s)",
        lambda: generate_latest(registry),
    )
    samples = sum(1 for line in text.decode().splitlines() if not line.startswith("#"))
    print(f"   {'metrics: samples exposed':<52} {samples:8d}")


def _seed_accounts(db: Database, ids: list[str]) -> None:
    journal, snaps, audits, accounts = [], [], [], []
    verbs = (Verb.FOLLOW, Verb.LIKE, Verb.REPOST)
    for account in ids:
        accounts.append({"id": account, "platform": "sandbox", "state_serial": 0})
        for day in range(METRICS_DAYS):
            at = NOW - timedelta(days=METRICS_DAYS - 1 - day, hours=2)
            stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            snaps.append(
                {"account": account, "taken_at": stamp, "followers": 100 + day, "following": 50}
            )
            for n in range(METRICS_PER_DAY):
                failed = n == 0 and day % 7 == 0
                journal.append(
                    {
                        "plan_id": f"p-{day}",
                        "action_id": f"a-{account}-{day}-{n}",
                        "account": account,
                        "verb": verbs[n % 3].value,
                        "target": f"t{day}-{n}",
                        "kind": "outcome",
                        "attempt": 1,
                        "at": stamp,
                        "status": "failed" if failed else "done",
                        "http_status": 500 if failed else 200,
                        "error": "HTTP 500" if failed else None,
                    }
                )
            if day % 10 == 0:
                audits.append(
                    {"at": stamp, "account": account, "kind": "pause", "actor": "t", "detail": "{}"}
                )
    with db.conn:
        db.table("accounts").insert_all(accounts, pk="id")
        for table, rows in (("journal", journal), ("snapshots", snaps), ("audit", audits)):
            db.table(table).insert_all(rows, batch_size=5000)


if __name__ == "__main__":
    main()

"""Several processes on one world; a process killed mid-run leaves every write whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import asyncio, sqlite3, sys
    from pathlib import Path
    from socialseed.clock import FakeClock, parse_instant
    from socialseed.config.schema import Account, Sandbox, SandboxLimits
    from socialseed.model import Action, Risk, Target, Verb, action_id
    from socialseed.platforms.base import PlatformDeps
    from socialseed.platforms.sandbox import build

    async def main(path: Path, count: int) -> None:
        conn = sqlite3.connect(path)
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM users WHERE kind = 'person' ORDER BY id LIMIT ?", (count,))]
        conn.close()
        limits = SandboxLimits(per_window=100_000, daily=100_000)
        deps = PlatformDeps(clock=FakeClock(parse_instant("2026-11-25T18:00:00Z")),
                            sandbox_path=path, sandbox=Sandbox(limits=limits))
        acct = Account(id="demo-studio", platform="sandbox", handle="demo.studio", phases="x")
        platform = build(acct, deps)
        for user_id in ids:
            target = Target("account", user_id, user_id)
            act = Action(action_id("demo-studio", "follow", target), "demo-studio",
                         "sandbox", Verb.FOLLOW, target, "", Risk.GREEN)
            outcome = await platform.execute(act)
            print(outcome.status, flush=True)
        await platform.aclose()

    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
    """
)


def spawn(world: Path, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(world), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def tally(world: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(world)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events WHERE verb = 'follow'").fetchone()[0]
        edges = conn.execute(
            "SELECT count(*) FROM edges e JOIN events v ON v.actor = e.src AND v.target = e.dst"
        ).fetchone()[0]
    finally:
        conn.close()
    return str(check), int(events), int(edges)


def test_a_killed_process_leaves_each_follow_recorded_or_not(world_path: Path) -> None:
    child = spawn(world_path, 400)
    assert child.stdout is not None
    answered = [child.stdout.readline() for _ in range(25)]
    assert all(line.strip() == "done" for line in answered), child.stderr
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    assert child.stderr is not None
    child.stderr.close()
    check, events, edges = tally(world_path)
    assert check == "ok"
    assert 25 <= events < 400
    assert edges == events  # every recorded follow has its edge and its event, no half writes


def test_two_processes_on_one_world_never_double_a_follow(world_path: Path) -> None:
    children = [spawn(world_path, 60), spawn(world_path, 60)]
    statuses: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        statuses += out.split()
    assert len(statuses) == 120
    check, events, edges = tally(world_path)
    assert statuses.count("done") == events == edges  # each follow done by exactly one
    assert statuses.count("already") == 120 - events
    assert (check, events) == ("ok", 60)

"""Injected faults surface as their own error types; what was recorded stays recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from socialseed.clock import FakeClock
from socialseed.errors import AccountRestricted, ActionBlocked, ConfigError, Transient
from socialseed.model import Target, Verb
from socialseed.platforms.sandbox.faults import Faults, clear_faults, get_faults, set_faults
from tests.sandbox.conftest import NOW, Connect, action


def targets(path: Path, count: int) -> list[Target]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT id, handle FROM users WHERE kind = 'person' ORDER BY id DESC LIMIT ?", (count,)
        ).fetchall()
    finally:
        conn.close()
    return [Target("account", str(i), str(h)) for i, h in found]


def events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


async def test_server_errors_are_transient_and_record_nothing(
    connect: Connect, world_path: Path
) -> None:
    platform = connect()
    await platform.me()
    set_faults(world_path, Faults(error_rate=1.0), now=NOW)
    with pytest.raises(Transient, match="simulated server error") as caught:
        await platform.execute(action(Verb.FOLLOW, targets(world_path, 1)[0]))
    assert caught.value.status == 503
    assert events(world_path) == 0
    await platform.lookup("lens.collective")  # reads are spared unless asked


async def test_timeouts_are_transient_and_record_nothing(
    connect: Connect, world_path: Path
) -> None:
    platform = connect()
    await platform.me()
    set_faults(world_path, Faults(timeout_rate=1.0, reads=True), now=NOW)
    with pytest.raises(Transient, match="timed out"):
        await platform.execute(action(Verb.FOLLOW, targets(world_path, 1)[0]))
    with pytest.raises(Transient):
        await platform.lookup("lens.collective")
    assert events(world_path) == 0


async def test_a_lost_answer_leaves_the_write_done_for_verify_to_find(
    connect: Connect, world_path: Path
) -> None:
    platform = connect()
    await platform.me()
    set_faults(world_path, Faults(lost_reply_rate=1.0), now=NOW)
    act = action(Verb.FOLLOW, targets(world_path, 1)[0])
    with pytest.raises(Transient):
        await platform.execute(act)
    assert await platform.verify(act)
    assert events(world_path) == 1


@pytest.mark.parametrize(
    ("kind", "error"), [("blocked", ActionBlocked), ("restricted", AccountRestricted)]
)
async def test_a_block_after_n_actions_surfaces_as_its_own_type(
    connect: Connect, world_path: Path, kind: str, error: type[ActionBlocked]
) -> None:
    platform = connect()
    await platform.me()
    set_faults(world_path, Faults(block_after=2, block_kind=kind), now=NOW)  # type: ignore[arg-type]
    first, second, third = targets(world_path, 3)
    await platform.execute(action(Verb.FOLLOW, first))
    await platform.execute(action(Verb.FOLLOW, second))
    with pytest.raises(error) as caught:
        await platform.execute(action(Verb.FOLLOW, third))
    assert type(caught.value) is error
    assert caught.value.status == 403
    assert "after 2 actions" in str(caught.value)
    assert "socialseed sandbox faults --clear" in str(caught.value)
    assert events(world_path) == 2
    clear_faults(world_path, now=NOW)
    assert (await platform.execute(action(Verb.FOLLOW, third))).status == "done"


async def test_faults_set_later_reach_an_open_connection(
    connect: Connect, world_path: Path
) -> None:
    platform = connect()  # opened before the faults exist, as a running apply would be
    await platform.me()
    set_faults(world_path, Faults(error_rate=1.0), now=NOW)
    assert get_faults(world_path) == Faults(error_rate=1.0)
    with pytest.raises(Transient):
        await platform.execute(action(Verb.MUTE, targets(world_path, 1)[0]))


async def test_latency_passes_on_the_injected_clock(
    connect: Connect, world_path: Path, clock: FakeClock
) -> None:
    platform = connect(latency_ms=200)
    await platform.me()
    set_faults(world_path, Faults(latency_ms=300), now=NOW)
    await platform.lookup("lens.collective")
    assert clock.slept[-1] == pytest.approx(0.5)


def test_nonsense_fault_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="error_rate=2 must be between 0 and 1"):
        Faults(error_rate=2)

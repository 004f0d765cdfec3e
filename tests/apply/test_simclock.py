"""SimClock: parallel sleepers share simulated time (FakeClock would add their waits up)."""

from __future__ import annotations

import asyncio

from socialseed.clock import SimClock, iso

from .fakes import NOW


async def test_parallel_sleepers_share_time() -> None:
    clock = SimClock(NOW)
    woke: dict[str, str] = {}

    async def sleeper(name: str, *waits: float) -> None:
        for wait in waits:
            await clock.sleep(wait)
        woke[name] = iso(clock.now())

    async def both() -> None:
        await asyncio.gather(sleeper("a", 600), sleeper("b", 300, 300, 300))

    main = asyncio.ensure_future(both())
    await clock.drive(main)
    assert woke == {"a": "2026-11-25T09:10:00Z", "b": "2026-11-25T09:15:00Z"}
    assert clock.now() == NOW.replace(minute=15)

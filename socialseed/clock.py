"""The one seam for time. Nothing in the core reads the system clock directly.

``SOCIALSEED_NOW`` (read only in ``cli.context``) fixes "now" and turns sleeping into
fast-forwarding, so simulations and tests run days in seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import asyncio


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        import asyncio

        if seconds > 0:
            await asyncio.sleep(seconds)


class FakeClock:
    """Simulated time: starts at ``start``; ``sleep`` advances it at once."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._now = start.astimezone(UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self._now += timedelta(seconds=seconds)
        import asyncio

        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


IDLE_TURNS = 50  # turns of the event loop before SimClock.drive stops spinning
IDLE_PAUSE = 0.001  # seconds


class SimClock:
    """Simulated time shared by concurrent tasks (a discrete-event clock).

    ``FakeClock`` advances on every ``sleep``, so two tasks sleeping side by side add their
    waits up. Here a sleeper waits until ``drive`` sees every other task asleep, then time jumps
    to the earliest wake-up: parallel accounts share the same simulated hour.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = 0

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        import asyncio
        import heapq

        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self._now + timedelta(seconds=seconds), self._seq, future))
        await future

    async def drive(self, main: asyncio.Future[Any]) -> None:
        """Until ``main`` is done: whenever every other task sleeps, jump to the next wake-up."""
        import asyncio

        me = asyncio.current_task()
        idle = 0
        while not main.done():
            # a task waiting on something real (a socket, another process's lock) is not
            # spun for: after a few idle turns, yield to the event loop for a millisecond
            await asyncio.sleep(IDLE_PAUSE if idle > IDLE_TURNS else 0)
            busy = [t for t in asyncio.all_tasks() if t not in (me, main) and not t.done()]
            asleep = sum(1 for *_, f in self._sleepers if not f.done())
            if self._sleepers and asleep >= len(busy):
                self._wake_next()
                idle = 0
            else:
                idle += 1

    def _wake_next(self) -> None:
        import heapq

        self._now = max(self._now, self._sleepers[0][0])
        while self._sleepers and self._sleepers[0][0] <= self._now:
            future = heapq.heappop(self._sleepers)[2]
            if not future.done():
                future.set_result(None)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; a naive value is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(when: datetime) -> str:
    """The canonical text form of an instant: UTC, seconds, ``Z``."""
    if when.tzinfo is not UTC:
        when = when.astimezone(UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")  # microseconds dropped

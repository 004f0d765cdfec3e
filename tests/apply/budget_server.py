"""A fake platform server that enforces a platform's documented budgets and answers 429.

Every request is matched against the adapter's ENDPOINTS table, charged to each budget at the
platform's documented cost (counted in rolling windows, the strictest reading of any fixed or
sliding window the platform uses), and refused with the platform's own 429 shape once a budget
would be exceeded. Time is the test's simulated clock, so a day of pacing runs in seconds. No
rate-limit headers are sent on success: the pacing has to hold the budgets on its own.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from socialseed.clock import Clock
from socialseed.platforms.http import Endpoint, endpoint_for

Answer = Callable[[str, httpx.Request], httpx.Response]
TooMany = Callable[["Limit", datetime], httpx.Response]


@dataclass(frozen=True)
class Limit:
    """A documented budget: ``limit`` cost units per rolling ``window`` seconds."""

    name: str
    limit: int
    window: float
    costs: Mapping[str, int]  # endpoint name -> cost; ``{"*": 1}``: every request costs 1

    def cost(self, endpoint: str) -> int:
        return self.costs.get(endpoint, self.costs.get("*", 0))


@dataclass
class Spent:
    """One budget's charges inside its window, and the most it ever held."""

    limit: Limit
    entries: deque[tuple[datetime, int]] = field(default_factory=deque)
    total: int = 0
    peak: int = 0

    def held(self, now: datetime) -> int:
        start = now - timedelta(seconds=self.limit.window)
        while self.entries and self.entries[0][0] <= start:
            self.total -= self.entries.popleft()[1]
        return self.total

    def charge(self, now: datetime, cost: int) -> None:
        self.entries.append((now, cost))
        self.total += cost
        self.peak = max(self.peak, self.total)


class BudgetServer:
    """An ``httpx.MockTransport`` handler for one platform host."""

    def __init__(
        self,
        clock: Clock,
        table: Mapping[str, Endpoint],
        limits: list[Limit],
        answer: Answer,
        too_many: TooMany,
    ) -> None:
        self.clock, self.table, self.answer, self.too_many = clock, table, answer, too_many
        self.spent = {limit.name: Spent(limit) for limit in limits}
        self.sent: list[tuple[datetime, str]] = []
        self.refused: list[tuple[datetime, str, str]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode().split("?", 1)[0]
        name = endpoint_for(self.table, request.method, path)
        assert name is not None, f"request outside the ENDPOINTS table: {request.method} {path}"
        now = self.clock.now()
        self.sent.append((now, name))
        for spent in self.spent.values():
            cost = spent.limit.cost(name)
            if cost and spent.held(now) + cost > spent.limit.limit:
                self.refused.append((now, name, spent.limit.name))
                return self.too_many(spent.limit, now)
        for spent in self.spent.values():
            if cost := spent.limit.cost(name):
                spent.charge(now, cost)
        return self.answer(name, request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def peak(self, name: str) -> int:
        return self.spent[name].peak

    def count(self, endpoint: str) -> int:
        return sum(1 for _, name in self.sent if name == endpoint)


def body(request: httpx.Request) -> Any:
    if not request.content:
        return {}
    try:
        return json.loads(request.content)
    except ValueError:
        return dict(httpx.QueryParams(request.content.decode()).items())

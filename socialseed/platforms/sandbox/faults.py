"""Fault injection, stored in the world file so that every process (apply in a subprocess
too) sees the same settings: a 5xx rate, timeouts, a block after N actions, latency.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from socialseed.errors import ConfigError

BlockKind = Literal["blocked", "restricted"]


@dataclass(frozen=True)
class Faults:
    """What the sandbox should get wrong, and how often.

    ``error_rate``: share of requests answered 503. ``timeout_rate``: share that time out
    before reaching the world (nothing recorded). ``lost_reply_rate``: share of writes that are
    recorded but whose answer is lost (a timeout after the write: reconcile with verify).
    ``block_after``: after this many writes by an account since the faults were set, its writes
    are refused with 403 (``block_kind`` "blocked" or "restricted"). ``latency_ms`` is added to
    every request. Faults hit writes only, unless ``reads`` is true.
    """

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    lost_reply_rate: float = 0.0
    block_after: int | None = None
    block_kind: BlockKind = "blocked"
    latency_ms: int = 0
    reads: bool = False

    def __post_init__(self) -> None:
        problems = [
            f"{f.name}={getattr(self, f.name)} must be between 0 and 1"
            for f in fields(self)
            if f.name.endswith("_rate") and not 0 <= getattr(self, f.name) <= 1
        ]
        if self.block_after is not None and self.block_after < 0:
            problems.append(f"block_after={self.block_after} cannot be negative")
        if self.latency_ms < 0:
            problems.append(f"latency_ms={self.latency_ms} cannot be negative")
        if self.block_kind not in ("blocked", "restricted"):
            problems.append(f"block_kind={self.block_kind!r} must be 'blocked' or 'restricted'")
        if problems:
            raise ConfigError([f"sandbox faults: {p}" for p in problems])

    @property
    def active(self) -> bool:
        return self != Faults()

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Faults:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def load(conn: Any) -> tuple[Faults, int]:
    """The faults in force and when they were set (epoch seconds)."""
    row = conn.execute("SELECT data, since_ts FROM faults WHERE id = 1").fetchone()
    if row is None:
        return Faults(), 0
    return Faults.from_data(json.loads(row[0])), int(row[1])


def set_faults(path: Path, faults: Faults, *, now: datetime) -> None:
    """Store ``faults`` in the world at ``path`` (``Faults()`` clears them)."""
    from socialseed.platforms.sandbox.world import World

    world = World(path)
    try:
        with world.transaction() as conn:
            conn.execute("DELETE FROM faults")
            if faults.active:
                data = json.dumps(faults.to_data(), sort_keys=True)
                conn.execute("INSERT INTO faults VALUES (1, ?, ?)", (data, int(now.timestamp())))
    finally:
        world.close()


def get_faults(path: Path) -> Faults:
    from socialseed.platforms.sandbox.world import World

    world = World(path)
    try:
        return load(world.conn)[0]
    finally:
        world.close()


def clear_faults(path: Path, *, now: datetime) -> None:
    set_faults(path, Faults(), now=now)

"""What one account's run is handed by the executor: the options, the events it emits, and the
``RunContext`` the executor offers (so ``account_run`` needs no import of the executor)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from socialseed.clock import iso

if TYPE_CHECKING:
    from socialseed.apply.pacing import Pacer
    from socialseed.apply.standing import Standing
    from socialseed.auth.approvals import Team
    from socialseed.clock import Clock
    from socialseed.config.schema import Account, Config
    from socialseed.model import Action, Capabilities
    from socialseed.platforms.base import Platform
    from socialseed.state import locks
    from socialseed.state.handle import StateDB

PlatformFactory = Callable[["Account"], "Platform"]
TextGuard = Callable[["Action", str], "str | None"]
ReplyCap = Callable[["Action"], "str | None"]  # why one more reply to the author is one too many
CapabilitiesFor = Callable[["Account"], "Capabilities | None"]
EventSink = Callable[["Event"], None]


@dataclass(frozen=True)
class Options:
    """What the person asked for on the command line."""

    only: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    account: str | None = None
    dry_run: bool = False
    lock_timeout: float = 0.0
    max_wait: float = 6 * 3600.0
    transient_retries: int = 4
    backoff_base: float = 2.0
    # apply --replan-if-stale: a fresh plan confirmed the chosen actions (``apply.replan``),
    # so the reviewed plan's own staleness (expiry, config digest, serials) is not checked
    revalidated: bool = False


@dataclass(frozen=True)
class Event:
    """One line of progress (``--json`` prints each as a JSON object)."""

    kind: str
    at: datetime
    account: str
    action_id: str | None = None
    verb: str | None = None
    target: str | None = None
    status: str | None = None
    detail: str = ""
    wait_seconds: float | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": self.kind, "at": iso(self.at), "account": self.account}
        for key in ("action_id", "verb", "target", "status", "wait_seconds"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.detail:
            data["detail"] = self.detail
        return data


class RunContext(Protocol):
    """What ``AccountRun`` uses of the executor that started it."""

    db: StateDB
    clock: Clock
    lock_clock: Clock  # real time: another process holds the lock
    rng: random.Random
    config: Config
    options: Options
    me: locks.Me
    plan_id: str
    standing: Standing  # decisions, rejections and pauses, kept up to date
    deadline: datetime
    alive: locks.PidAlive
    platform_for: PlatformFactory
    reply_guard: TextGuard | None
    reply_cap: ReplyCap | None
    team: Team | None  # policy.reviewers (None: any name decides, unverified)
    plan_author: str | None
    stopping: Callable[[], bool]  # a queue worker is shutting down: no new call starts
    on_event: EventSink | None  # None: nobody listens (``emit`` makes no event)

    def pacer_for(self, account: Account, capabilities: Capabilities | None) -> Pacer: ...

    def emit(
        self,
        kind: str,
        action: Action | None = None,
        *,
        account: str = "",
        status: str | None = None,
        detail: str = "",
        wait: float | None = None,
    ) -> None: ...

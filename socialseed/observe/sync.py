"""``socialseed sync``: snapshot counts and relationships, detect drift, record follow-backs.

For each account: the platform's own profile gives follower and following counts (a row in
``snapshots``). Where the API can list them, the following and follower ids are read and
compared with ``relationships``:

- a follow the state does not know, and that SocialSeed's journal did not make, is *drift*:
  it is recorded with origin ``manual`` (never touched by SocialSeed unless opted in);
- a follow the state knows but the platform no longer shows is recorded as ended; when the
  journal has no unfollow for it, that is drift too;
- a target SocialSeed followed that now follows back gets ``followed_back_at``.

The first sync of an account records what exists as its baseline (origin ``manual``, no
drift). Drift bumps the account's state serial (reason ``drift``), so plans made before it go stale.
An empty or sharply shrunken read of following is suspect: it is reported, never applied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialseed.clock import Clock
from socialseed.config.schema import Account, Config, parse_duration
from socialseed.errors import SocialSeedError
from socialseed.model.health import Health
from socialseed.observe.recovery import pause_if_red, recover
from socialseed.observe.status import account_health
from socialseed.platforms.base import Platform
from socialseed.redact import scrub
from socialseed.state import growth as growth_store
from socialseed.state.accounts import bump_serial, ensure_account
from socialseed.state.handle import StateDB
from socialseed.state.health_rows import store_health
from socialseed.state.relationships import (
    MANUAL,
    SOCIALSEED,
    active_ids,
    awaiting_follow_back,
    executed_targets,
    follow_starts,
    mark_followed_back_many,
    record_follows,
    record_unfollows,
)
from socialseed.state.snapshots import latest_snapshot, record_snapshot


@dataclass(frozen=True)
class Drift:
    """Changes made outside SocialSeed since the last sync."""

    followed: tuple[str, ...] = ()  # follows SocialSeed did not make (origin manual)
    unfollowed: tuple[str, ...] = ()  # follows that ended without a SocialSeed unfollow

    def __bool__(self) -> bool:
        return bool(self.followed or self.unfollowed)

    def to_data(self) -> dict[str, list[str]]:
        return {"followed": list(self.followed), "unfollowed": list(self.unfollowed)}


@dataclass(frozen=True)
class SyncResult:
    account: str
    platform: str
    taken_at: datetime
    followers: int | None
    following: int | None
    followers_change: int | None
    drift: Drift = Drift()
    new_follow_backs: int = 0
    relationships_read: bool = False
    serial: int | None = None  # the new state serial, when drift moved it
    suspect: bool = False  # the following read looked wrong and was not applied
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_data(self) -> dict[str, object]:
        from socialseed.clock import iso

        return {
            "account": self.account,
            "platform": self.platform,
            "taken_at": iso(self.taken_at),
            "followers": self.followers,
            "following": self.following,
            "followers_change": self.followers_change,
            "drift": self.drift.to_data(),
            "new_follow_backs": self.new_follow_backs,
            "relationships_read": self.relationships_read,
            "serial": self.serial,
            "suspect": self.suspect,
            "notes": list(self.notes),
        }


async def sync_account(
    db: StateDB, platform: Platform, *, now: datetime, max_shrink_pct: float = 20.0
) -> SyncResult:
    """Sync one account through its connected platform."""
    account = platform.account_id
    ensure_account(db, account, platform.name, platform.handle)
    me = await platform.me()
    previous = latest_snapshot(db, account, before=now)
    record_snapshot(db, account, taken_at=now, followers=me.followers, following=me.following)
    following = await platform.following_ids()
    followers = await platform.follower_ids()
    drift, notes = Drift(), list[str]()
    if following is not None:
        drift, notes = _reconcile(db, account, following, now=now, max_shrink_pct=max_shrink_pct)
    if previous is None and drift.followed:  # the first sync: what exists is the baseline
        notes.append(
            f"first sync: {len(drift.followed)} existing follows recorded as origin manual "
            "(the baseline, not drift)"
        )
        drift = Drift(unfollowed=drift.unfollowed)
    backs = _follow_backs(db, account, followers, now=now) if followers is not None else 0
    serial = None
    if drift:
        serial = bump_serial(db, account, plan_id="", reason="drift", now=now)
    if following is None:
        notes.append("this platform offers no following list: counts only, no drift check")
    change = _change(previous.followers if previous else None, me.followers)
    return SyncResult(
        account=account,
        platform=platform.name,
        taken_at=now,
        followers=me.followers,
        following=me.following,
        followers_change=change,
        drift=drift,
        new_follow_backs=backs,
        relationships_read=following is not None,
        serial=serial,
        suspect=any(n.startswith("suspect read") for n in notes),
        notes=tuple(notes),
    )


def _change(before: int | None, after: int | None) -> int | None:
    return after - before if before is not None and after is not None else None


def _reconcile(
    db: StateDB, account: str, following: set[str], *, now: datetime, max_shrink_pct: float
) -> tuple[Drift, list[str]]:
    known = active_ids(db, account)
    gone = sorted(known - following)
    if _suspect(len(known), len(gone), max_shrink_pct):
        return Drift(followed=_add_new(db, account, following, known, now)), [
            f"suspect read: the platform lists {len(following)} follows but the state knows "
            f"{len(known)} ({len(gone)} missing); ended follows were not recorded"
        ]
    followed = _add_new(db, account, following, known, now)
    unfollowed = _end_gone(db, account, gone, now)
    return Drift(followed=followed, unfollowed=unfollowed), []


def _suspect(known: int, gone: int, max_shrink_pct: float) -> bool:
    """An empty read, or one that lost more than ``max_shrink_pct`` of many follows."""
    if known == 0 or gone == 0:
        return False
    return gone == known or (known >= 10 and gone * 100 / known > max_shrink_pct)


def _add_new(
    db: StateDB,
    account: str,
    following: set[str],
    known: set[str],
    now: datetime,
) -> tuple[str, ...]:
    """Record follows the state lacks; return those SocialSeed did not make."""
    ours = executed_targets(db, account, "follow")
    undone = executed_targets(db, account, "unfollow")
    rows, manual = [], []
    for target in sorted(following - known):
        made_by_us = target in ours and ours[target] >= undone.get(target, ours[target])
        rows.append((target, SOCIALSEED if made_by_us else MANUAL, ours.get(target, now)))
        if not made_by_us:
            manual.append(target)
    record_follows(db, account, rows)
    return tuple(manual)


def _end_gone(db: StateDB, account: str, gone: list[str], now: datetime) -> tuple[str, ...]:
    """Record ended follows; return those SocialSeed did not unfollow."""
    undone = executed_targets(db, account, "unfollow")
    record_unfollows(db, account, [(target, undone.get(target, now)) for target in gone])
    return tuple(target for target in gone if target not in undone)


def _follow_backs(db: StateDB, account: str, followers: set[str], *, now: datetime) -> int:
    """Mark follows that are now followed back; return how many of SocialSeed's are new.

    A follow-back is a follow that started after ours: a follower first seen at or before
    the day we followed them already followed the account, and is not counted.
    """
    seen = growth_store.first_seen(db, account)
    growth_store.note_followers(db, account, followers - set(seen), now=now)
    waiting = awaiting_follow_back(db, account)
    since = follow_starts(db, account, set(waiting) & followers)
    new = sorted(
        target
        for target in set(waiting) & followers
        if target not in seen or since.get(target) is None or seen[target] > since[target]
    )
    mark_followed_back_many(db, account, new, at=now)
    return sum(1 for target in new if waiting[target] == SOCIALSEED)


@dataclass(frozen=True)
class AccountSync:
    """What ``sync`` did for one account, including health and the phase it feeds."""

    account: str
    result: SyncResult | None
    health: Health | None = None
    demoted_to: str | None = None  # the lower phase it resumed in after a cool-down
    paused: bool = False  # paused now because its light turned red
    error: SocialSeedError | None = None

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {"account": self.account}
        if self.result is not None:
            data.update(self.result.to_data())
        data["health"] = self.health.to_data() if self.health else None
        data["demoted_to"] = self.demoted_to
        data["paused"] = self.paused
        data["error"] = scrub(self.error.message) if self.error else None
        return data


async def run_sync(
    db: StateDB,
    config: Config,
    accounts: Sequence[Account],
    build: Callable[[Account], Platform],
    clock: Clock,
) -> list[AccountSync]:
    """Sync each account in turn; one account's platform error does not stop the others."""
    return [await _one(db, config, account, build, clock) for account in accounts]


async def _one(
    db: StateDB,
    config: Config,
    account: Account,
    build: Callable[[Account], Platform],
    clock: Clock,
) -> AccountSync:
    now = clock.now()
    demoted = recover(db, account, config.phases[account.phases], now)
    platform = build(account)
    try:
        shrink = config.policy.thresholds.max_shrink_pct
        result = await sync_account(db, platform, now=now, max_shrink_pct=shrink)
    except SocialSeedError as exc:
        return AccountSync(account.id, None, demoted_to=demoted, error=exc)
    finally:
        await platform.aclose()
    health = account_health(db, account.id, now=now)
    store_health(db, account.id, health, now=now)
    cooldown = timedelta(seconds=parse_duration(config.policy.cooldown))
    paused = pause_if_red(db, account.id, health, now=now, cooldown=cooldown)
    return AccountSync(account.id, result, health, demoted, paused)

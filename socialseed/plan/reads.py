"""Fresh reads of an account's followers and following, before any unfollow is proposed.

An empty read, or one that shrank sharply against the last snapshot (or the relationships
state knows of), is suspect: it stops the plan (exit 3), and with ``--force`` the plan goes on
without unfollows for that account. A suspect read is never a reason to unfollow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from socialseed.errors import UnsafePlanError
from socialseed.plan import policy
from socialseed.plan.filters import Relationship
from socialseed.platforms.base import Platform
from socialseed.state import usage
from socialseed.state.handle import StateDB


@dataclass
class Reads:
    """What the reads found (``None``: not read, or the platform offers no such read)."""

    following_count: int | None = None
    followers: frozenset[str] | None = None
    relationships: dict[str, Relationship] | None = None  # with follows made by hand
    suspect: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def read_relationships(
    platform: Platform,
    db: StateDB,
    account: str,
    *,
    wanted: bool,
    relationships: dict[str, Relationship],
    max_shrink_pct: float,
    force: bool,
) -> Reads:
    """Read followers and following when unfollows are wanted, and judge the reads."""
    active = sum(1 for r in relationships.values() if r.active)
    reads = Reads(following_count=active or None)
    if not wanted:
        return reads
    followers = await platform.follower_ids()
    following = await platform.following_ids()
    reads.followers = frozenset(followers) if followers is not None else None
    if following is not None:
        reads.following_count = len(following)
        reads.relationships = with_manual(relationships, following)
    checks = _checks(db, account, followers, following, active)
    problems = [p for p in (policy.suspect_read(c, max_shrink_pct) for c in checks) if p]
    if problems and not force:
        raise UnsafePlanError(
            "suspect read, plan stopped: " + "; ".join(problems),
            hint="an empty or shrinking read is never a reason to unfollow; run "
            "'socialseed sync' to check, or --force to plan without unfollows",
        )
    reads.suspect = problems
    return reads


def _checks(
    db: StateDB, account: str, followers: set[str] | None, following: set[str] | None, active: int
) -> list[policy.ReadCheck]:
    snap = usage.last_snapshot(db, account)
    before_followers = snap[0] if snap else None
    before_following = (snap[1] if snap else None) or active or None
    return [
        policy.ReadCheck(account, "followers", _len(followers), before_followers),
        policy.ReadCheck(account, "following", _len(following), before_following),
    ]


def _len(ids: set[str] | None) -> int | None:
    return None if ids is None else len(ids)


def with_manual(rels: dict[str, Relationship], following: set[str]) -> dict[str, Relationship]:
    """Relationships plus follows found on the platform that SocialSeed did not make."""
    out = dict(rels)
    for target in sorted(following):
        if target not in out:
            out[target] = Relationship(target_id=target, origin="manual")
    return out

"""Whether and when a followed account follows back: the sandbox's hidden model.

docs/sandbox-model.md describes it for users. In short, the chance that a person follows a
managed account back grows with

- topic affinity: how much of what the managed account follows shares the target's hashtags
  (the account *is* what it follows; its bio says nothing);
- a hidden reciprocity tendency per person, only loosely tied to what the API shows;
- recent activity (people who post often notice new followers);
- earlier interaction (the managed account liked or answered one of their posts).

Bots, dormant accounts (no post for 30 days) and hubs almost never follow back; opted-out
people rarely. Some people unfollow again over time (``followback_ends``): a quarter of the
follow-backs end 2 to 42 days after they began. Every draw comes from ``unit(seed, ...)``: the
same world gives the same answer.

Two driver sets, a world option (``sandbox.followback`` in the config, kept in the world's
``meta``): ``standard`` ties reciprocity to following many relative to one's followers;
``variant`` ties it to older, larger accounts instead and weighs topic affinity less, so
that a ranker tuned to the standard world's drivers cannot do well by copying them.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

from socialseed.platforms.sandbox.rand import unit
from socialseed.platforms.sandbox.users import BOT, HUB, User

HOUR = 3600
DAY = 86400
DORMANT_DAYS = 30
STANDARD = "standard"
VARIANT = "variant"
MODELS = (STANDARD, VARIANT)
_NORMAL = NormalDist()
UNFOLLOW_SHARE = 0.25  # of follow-backs that end again
UNFOLLOW_MIN_DAYS = 2
UNFOLLOW_SPAN_DAYS = 40


@dataclass(frozen=True)
class Drivers:
    """The weights of one world's follow-back model (a logistic model on hidden values)."""

    base: float
    affinity: float
    reciprocity: float
    recency: float
    interaction: float


DRIVERS = {
    STANDARD: Drivers(base=-4.2, affinity=2.4, reciprocity=1.5, recency=0.6, interaction=0.6),
    VARIANT: Drivers(base=-3.2, affinity=0.6, reciprocity=1.5, recency=0.3, interaction=0.6),
}


def _gauss(*parts: object) -> float:
    """A standard normal value fixed by ``parts``."""
    return _NORMAL.inv_cdf(min(max(unit(*parts), 1e-9), 1 - 1e-9))


def reciprocity(seed: int, target: User, model: str) -> float:
    """The hidden tendency to reciprocate (about N(0, 1)), loosely tied to visible numbers."""
    hidden = _gauss(seed, "reciprocity", target.id)
    if model == VARIANT:
        size = (math.log1p(target.followers) - 4.8) / 1.4
        age = (target.created_ts % 100_000_000) / 1e8  # stable per account, unrelated to size
        visible = 0.7 * size + 0.3 * (age - 0.5) * 3.4
    else:
        visible = (math.log1p(target.following) - math.log1p(target.followers)) / 1.2
    return 0.7 * max(-2.5, min(2.5, visible)) + 0.714 * hidden


def interests(conn: sqlite3.Connection, actor_id: str) -> Counter[str]:
    """The managed account's interests: hashtags of the accounts it follows, counted."""
    rows = conn.execute(
        "SELECT u.tags FROM edges e JOIN users u ON u.id = e.dst WHERE e.src = ?", (actor_id,)
    )
    tags: Counter[str] = Counter()
    for (text,) in rows:
        tags.update(set(str(text).split()))
    return tags


def affinity(interest: Counter[str], follows: int, target: User) -> float:
    """0..1: the share of the account's follows that share the target's best hashtag."""
    if follows <= 0 or not target.tags:
        return 0.0
    return max(interest.get(tag, 0) for tag in target.tag_list) / follows


def interacted(conn: sqlite3.Connection, actor_id: str, target_id: str) -> bool:
    """Whether the managed account liked or replied to one of the target's posts."""
    prefix = f"p.{target_id}.%"
    for table in ("likes", "replies"):
        sql = f"SELECT 1 FROM {table} WHERE actor = ? AND post_id LIKE ? LIMIT 1"
        if conn.execute(sql, (actor_id, prefix)).fetchone():
            return True
    return False


def dormant(target: User, now_ts: int) -> bool:
    return target.quiet_ts is not None and now_ts - target.quiet_ts > DORMANT_DAYS * DAY


def chance(
    seed: int, model: str, target: User, *, affinity_share: float, touched: bool, now_ts: int
) -> float:
    """The probability that ``target`` follows back (before the draw)."""
    if target.kind == BOT or dormant(target, now_ts):
        return 0.0
    if target.kind == HUB or target.opted_out:
        return 0.02
    w = DRIVERS.get(model, DRIVERS[STANDARD])
    recency = min(1.0, math.log1p(target.rate * 7) / 2.5)
    logit = (
        w.base
        + w.affinity * affinity_share
        + w.reciprocity * reciprocity(seed, target, model)
        + w.recency * recency
        + (w.interaction if touched else 0.0)
    )
    return 1 / (1 + math.exp(-logit))


def followback_at(
    conn: sqlite3.Connection, seed: int, model: str, actor: User, target: User, now_ts: int
) -> int | None:
    """When ``target`` follows ``actor`` back, if ever (evaluated when ``actor`` follows)."""
    if target.kind == BOT or dormant(target, now_ts):
        return None
    interest = interests(conn, actor.id)
    follows = conn.execute("SELECT count(*) FROM edges WHERE src = ?", (actor.id,)).fetchone()[0]
    p = chance(
        seed,
        model,
        target,
        affinity_share=affinity(interest, int(follows), target),
        touched=interacted(conn, actor.id, target.id),
        now_ts=now_ts,
    )
    if unit(seed, "followback", actor.id, target.id) >= p:
        return None
    return now_ts + HOUR + int(unit(seed, "followback-delay", actor.id, target.id) * 72 * HOUR)


def followback_ends(seed: int, follower: str, followed: str, start_ts: int) -> int | None:
    """When the follow-back of ``follower`` to ``followed`` (begun at ``start_ts``) ends, if
    ever: people unfollow again over time, a fixed share of them, 2 to 42 days later."""
    if unit(seed, "unfollow-again", follower, followed) >= UNFOLLOW_SHARE:
        return None
    span = unit(seed, "unfollow-again-delay", follower, followed) * UNFOLLOW_SPAN_DAYS
    return start_ts + UNFOLLOW_MIN_DAYS * DAY + int(span * DAY)


def lasting(seed: int, followed: str, rows: Iterable[tuple[str, int]], now_ts: int) -> list[str]:
    """The followers among ``rows`` (follower, follow-back start) still following at ``now_ts``."""
    out = []
    for follower, start in rows:
        ends = followback_ends(seed, follower, followed, start)
        if ends is None or ends > now_ts:
            out.append(follower)
    return out

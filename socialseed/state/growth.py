"""Growth rows: followers as first seen, and each proposed follow's arm and features.

A follow-back is a follow that started after ours: ``followers_seen`` keeps when sync first
saw each follower, so someone who followed the account before SocialSeed followed them is not
counted. ``growth_proposals`` keeps, per proposed follow, its arm (``chosen`` or ``control``),
the ranker's expected follow-back and the features it saw; joined with ``relationships`` they
are the outcomes the ranker learns from and that ``report`` compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.state.handle import StateDB
from socialseed.state.tx import atomic

SOCIALSEED = "socialseed"
MATURE_DAYS = 3  # a follow is judged (followed back or not) this many days after it was made


def record_runway(db: StateDB, account: str, note: str, *, now: datetime) -> None:
    """Keep the last plan's runway note for ``status`` and health."""
    db.conn.execute(
        "update accounts set runway = ?, runway_at = ? where id = ?", [note, iso(now), account]
    )
    db.conn.commit()


def first_seen(db: StateDB, account: str) -> dict[str, datetime]:
    rows = db.conn.execute(
        "select follower_id, first_seen from followers_seen where account = ?", [account]
    )
    return {str(f): parse_instant(str(at)) for f, at in rows}


def note_followers(db: StateDB, account: str, followers: Iterable[str], *, now: datetime) -> None:
    """Record followers not seen before as first seen ``now``."""
    sql = "insert or ignore into followers_seen (account, follower_id, first_seen) values (?, ?, ?)"
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(sql, [(account, f, iso(now)) for f in followers])


# ``json.dumps(features, sort_keys=True)``: one encoder made once (dumps makes one per call)
_FEATURES_JSON = json.JSONEncoder(sort_keys=True).encode


@dataclass(frozen=True)
class Proposal:
    target_id: str
    targeting: str
    source: str
    arm: str
    expected: float
    features: Mapping[str, float]


def record_proposals(
    db: StateDB, account: str, proposals: Iterable[Proposal], *, now: datetime
) -> None:
    """Keep each proposed follow's arm and features (a later proposal of the same target,
    not yet followed, replaces the earlier one)."""
    sql = (
        "insert into growth_proposals (account, target_id, targeting, source, arm, expected, "
        "features, proposed_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (account, target_id) "
        "do update set targeting = excluded.targeting, source = excluded.source, "
        "arm = excluded.arm, expected = excluded.expected, features = excluded.features, "
        "proposed_at = excluded.proposed_at where not exists (select 1 from relationships r "
        "where r.account = excluded.account and r.target_id = excluded.target_id "
        "and r.since is not null)"
    )
    at = iso(now)
    rows = [
        (
            account,
            p.target_id,
            p.targeting,
            p.source,
            p.arm,
            float(p.expected),
            _FEATURES_JSON(dict(p.features)),
            at,
        )
        for p in proposals
    ]
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(sql, rows)


@dataclass(frozen=True)
class Labelled:
    """A follow SocialSeed made that it had proposed, with what came of it."""

    targeting: str
    source: str
    arm: str
    expected: float
    features: Mapping[str, float]
    since: datetime
    followed_back: bool
    target_id: str = ""


def labelled(
    db: StateDB, account: str, *, made_before: datetime, made_after: datetime | None = None
) -> list[Labelled]:
    """Follows made (by SocialSeed, as proposed) before ``made_before``: old enough to judge."""
    sql = (
        "select g.targeting, g.source, g.arm, g.expected, g.features, r.since, "
        "r.followed_back_at, g.target_id from growth_proposals g join relationships r "
        "on r.account = g.account and r.target_id = g.target_id "
        "where g.account = ? and r.origin = ? and r.since is not null and r.since <= ?"
    )
    args: list[object] = [account, SOCIALSEED, iso(made_before)]
    if made_after is not None:
        sql += " and r.since >= ?"
        args.append(iso(made_after))
    out: list[Labelled] = []
    for targeting, source, arm, expected, feats, since, back, target in db.conn.execute(
        sql + " order by r.since, g.target_id", args
    ):
        out.append(
            Labelled(
                targeting=str(targeting),
                source=str(source),
                arm=str(arm),
                expected=float(expected or 0.0),
                features=json.loads(str(feats or "{}")),
                since=parse_instant(str(since)),
                followed_back=back is not None,
                target_id=str(target),
            )
        )
    return out

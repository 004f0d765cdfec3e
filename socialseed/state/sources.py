"""Discovery sources per account: where paging stands (cursors) and what each source yielded.

A source's cursor is kept between plans so that each plan reads the next pages; a source read
to its end starts over from the top after its targeting's ``restart_after``. Yield is summed
over plans: profiles discovered, of them new, follows chosen; follow-backs are joined from the
growth rows (``growth_proposals``, ``relationships``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.model.health import Runway
from socialseed.state.handle import StateDB, StateReads


@dataclass(frozen=True)
class Position:
    """Where a source's paging stands for one account."""

    cursor: str | None = None  # the next page (None: from the top)
    pages: int = 0  # pages read since the last start from the top
    ended_at: datetime | None = None  # when its last page was read (None: not at the end)


def position(db: StateDB, account: str, source: str) -> Position:
    row = db.conn.execute(
        "select cursor, pages, ended_at from source_cursors where account = ? and source = ?",
        [account, source],
    ).fetchone()
    if row is None:
        return Position()
    cursor, pages, ended = row
    return Position(cursor or None, int(pages or 0), parse_instant(ended) if ended else None)


def save_position(
    db: StateDB, account: str, source: str, at: Position, *, now: datetime, restarted: bool
) -> None:
    """Keep where the source's paging stands after a read."""
    stamp = iso(now)
    with db.conn:
        db.conn.execute(
            "insert into source_cursors (account, source, cursor, pages, ended_at, "
            "restarted_at, updated_at) values (?, ?, ?, ?, ?, ?, ?) "
            "on conflict (account, source) do update set cursor = excluded.cursor, "
            "pages = excluded.pages, ended_at = excluded.ended_at, "
            "restarted_at = coalesce(excluded.restarted_at, source_cursors.restarted_at), "
            "updated_at = excluded.updated_at",
            [
                account,
                source,
                at.cursor,
                at.pages,
                iso(at.ended_at) if at.ended_at else None,
                stamp if restarted else None,
                stamp,
            ],
        )


def known_targets(db: StateDB, account: str, *, now: datetime) -> set[str]:
    """Profiles that would not be new to ``account``: followed or requested (now or before),
    rejected by a person, proposed in a plan that has not expired, or already in the pool."""
    sql = (
        "select target_id from relationships where account = :a "
        "union select target_id from rejections where account = :a and lifted_at is null "
        "union select json_extract(x.data, '$.target.id') from actions x "
        "join plans p on p.id = x.plan_id where x.account = :a and p.expires_at > :now "
        "union select profile_id from candidates where account = :a"
    )
    rows = db.conn.execute(sql, {"a": account, "now": iso(now)})
    return {str(row[0]) for row in rows if row[0] is not None}


@dataclass(frozen=True)
class Yield:
    """What one source yielded for one account, summed over plans."""

    source: str
    targeting: str
    origin: str  # "source" or the expand kind that added it
    reads: int
    discovered: int
    new: int
    chosen: int
    followed_back: int


@dataclass(frozen=True)
class LastRead:
    """A source's last read: when, how many pages, profiles found, of them new."""

    at: datetime
    pages: int
    discovered: int
    new: int
    restarted: bool  # it started over from the top


def add_read(
    db: StateDB, account: str, source: str, read: LastRead, *, targeting: str, origin: str
) -> None:
    """Add a read to the source's yield and keep it as the last read."""
    with db.conn:
        db.conn.execute(
            "insert into source_yield (account, source, targeting, origin, reads, discovered, "
            "new, chosen, last_read_at, last_pages, last_discovered, last_new, last_restarted) "
            "values (?, ?, ?, ?, 1, ?, ?, 0, ?, ?, ?, ?, ?) "
            "on conflict (account, source) do update set reads = reads + 1, "
            "discovered = discovered + excluded.discovered, new = new + excluded.new, "
            "targeting = excluded.targeting, origin = excluded.origin, "
            "last_read_at = excluded.last_read_at, last_pages = excluded.last_pages, "
            "last_discovered = excluded.last_discovered, last_new = excluded.last_new, "
            "last_restarted = excluded.last_restarted",
            [
                account,
                source,
                targeting,
                origin,
                read.discovered,
                read.new,
                iso(read.at),
                read.pages,
                read.discovered,
                read.new,
                int(read.restarted),
            ],
        )


def last_read(db: StateDB, account: str, source: str) -> LastRead | None:
    row = db.conn.execute(
        "select last_read_at, last_pages, last_discovered, last_new, last_restarted "
        "from source_yield where account = ? and source = ?",
        [account, source],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    pages, discovered, new = (int(v or 0) for v in row[1:4])
    return LastRead(parse_instant(row[0]), pages, discovered, new, bool(row[4]))


def add_chosen(db: StateDB, account: str, chosen: Mapping[str, int]) -> None:
    """Count the follows a plan chose, by the source that found each."""
    with db.conn:
        db.conn.executemany(
            "update source_yield set chosen = chosen + ? where account = ? and source = ?",
            [(n, account, source) for source, n in sorted(chosen.items())],
        )


def yields(db: StateDB, accounts: Iterable[str]) -> dict[str, list[Yield]]:
    """Each account's sources with their yield (follow-backs from the growth rows), in the
    order they were first read."""
    sql = (
        "select y.account, y.source, y.targeting, y.origin, y.reads, y.discovered, y.new, "
        "y.chosen, (select count(*) from growth_proposals g join relationships r "
        "on r.account = g.account and r.target_id = g.target_id "
        "where g.account = y.account and g.source = y.source "
        "and r.followed_back_at is not null) from source_yield y "
        "where y.account = ? order by y.rowid"
    )
    out: dict[str, list[Yield]] = {}
    for account in accounts:
        rows = db.conn.execute(sql, [account]).fetchall()
        out[account] = [Yield(str(r[1]), str(r[2]), str(r[3]), *map(int, r[4:])) for r in rows]
    return out


def record_runway_days(db: StateDB, account: str, days: float | None) -> None:
    """Keep the last plan's runway in days (``status``, health, metrics)."""
    with db.conn:
        db.conn.execute("update accounts set runway_days = ? where id = ?", [days, account])


def last_runway(db: StateReads, account: str) -> Runway | None:
    """The last plan's runway of ``account`` (``None``: no plan has measured one)."""
    row = db.conn.execute(
        "select runway_days, runway from accounts where id = ?", [account]
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return Runway(float(row[0]), str(row[1] or ""))


def followback_handles(db: StateDB, account: str, count: int) -> list[str]:
    """Handles of the ``count`` accounts that followed ``account`` back most recently."""
    rows = db.conn.execute(
        "select target_handle from relationships where account = ? "
        "and followed_back_at is not null and coalesce(target_handle, '') != '' "
        "order by followed_back_at desc, target_id limit ?",
        [account, count],
    )
    return [str(row[0]).lstrip("@") for row in rows]


def pool_texts(
    db: StateDB, account: str, sources: Sequence[str], limit: int
) -> list[tuple[str, str]]:
    """(bio, recent posts as JSON) of the first ``limit`` profiles the ``sources`` found."""
    marks = ", ".join("?" for _ in sources)
    rows = db.conn.execute(
        "select bio, json_extract(data, '$.recent_posts') from candidates "
        f"where account = ? and source in ({marks}) order by rowid limit ?",
        [account, *sources, limit],
    )
    return [(str(bio or ""), str(posts or "[]")) for bio, posts in rows]

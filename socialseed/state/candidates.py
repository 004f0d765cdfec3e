"""The discovery cache: candidates per account and source, and when each source was read.

A source read within its targeting's ``cache_ttl`` is served from here, so a re-plan makes no
network calls; ``socialseed plan --refresh`` reads again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlite_utils import Database

from socialseed.clock import iso, parse_instant
from socialseed.model import Candidate, Post, Profile


def last_fetch(db: Database, account: str, source: str) -> datetime | None:
    """When ``source`` was last read for ``account`` (``None``: never)."""
    rows = list(
        db["source_fetches"].rows_where(
            "account = ? and source = ?", [account, source], select="fetched_at"
        )
    )
    return parse_instant(rows[0]["fetched_at"]) if rows else None


def is_fresh(db: Database, account: str, source: str, *, now: datetime, ttl_seconds: int) -> bool:
    """Was ``source`` read for ``account`` less than ``ttl_seconds`` ago?"""
    fetched = last_fetch(db, account, source)
    return fetched is not None and now - fetched < timedelta(seconds=ttl_seconds)


def store_candidates(
    db: Database,
    account: str,
    source: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
) -> None:
    """Replace what ``source`` found for ``account`` and stamp the read."""
    stamp = iso(now)
    rows = [_row(account, source, c, stamp) for c in candidates]
    with db.conn:
        db.conn.execute(
            "delete from candidates where account = ? and source = ?", [account, source]
        )
        if rows:
            db.table("candidates").insert_all(
                rows, pk=("account", "source", "profile_id"), replace=True
            )
        db.table("source_fetches").upsert(
            {"account": account, "source": source, "fetched_at": stamp, "count": len(rows)},
            pk=("account", "source"),
        )


def _row(account: str, source: str, candidate: Candidate, stamp: str) -> dict[str, object]:
    data = candidate.profile.to_data()
    return {
        "account": account,
        "source": source,
        "profile_id": candidate.profile.id,
        "targeting": candidate.targeting,
        "digest": candidate.profile.digest,
        "data": json.dumps(data, sort_keys=True, ensure_ascii=False),
        "fetched_at": stamp,
        **typed_fields(candidate.profile),
    }


# -- typed columns: what the filters and the ranking read, without decoding ``data`` -------------
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class CandidateRow(NamedTuple):
    """One cached candidate as typed columns: what filters and ranking need, no JSON.

    ``last_seen_us`` is the newest sign of life (``last_active`` or the newest recent post) in
    whole microseconds since the epoch, so that day arithmetic on it is exact.
    """

    rowid: int
    profile_id: str
    digest: str
    handle: str
    display_name: str
    bio: str
    followers: int | None
    following: int | None
    posts: int | None
    last_seen_us: int | None
    has_avatar: int | None
    language: str | None
    post_count: int


ROW_COLUMNS = (
    "rowid, profile_id, digest, handle, display_name, bio, followers, following, posts, "
    "last_seen_us, has_avatar, language, post_count"
)


def micros(value: datetime) -> int:
    """Whole microseconds since the epoch (a naive time is read as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def typed_fields(profile: Profile) -> dict[str, object]:
    """The typed columns of a candidate row (see ``CandidateRow``)."""
    stamps = [p.created_at for p in profile.recent_posts if p.created_at is not None]
    if profile.last_active is not None:
        stamps.append(profile.last_active)
    return {
        "handle": profile.handle,
        "display_name": profile.display_name,
        "bio": profile.bio,
        "followers": profile.followers,
        "following": profile.following,
        "posts": profile.posts,
        "last_seen_us": max(micros(s) for s in stamps) if stamps else None,
        "has_avatar": None if profile.has_avatar is None else int(profile.has_avatar),
        "language": profile.language,
        "post_count": len(profile.recent_posts),
    }


def load_rows(db: Database, account: str, source: str) -> list[CandidateRow]:
    """The cached candidates of one source as typed rows, in the order they were found."""
    rows = db.conn.execute(
        f"select {ROW_COLUMNS} from candidates where account = ? and source = ? order by rowid",
        [account, source],
    )
    return [CandidateRow._make(row) for row in rows]


def load_profiles(db: Database, rowids: Sequence[int]) -> dict[int, Profile]:
    """The full profiles of some typed rows (by ``CandidateRow.rowid``)."""
    found: dict[int, Profile] = {}
    ids = list(dict.fromkeys(rowids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            f"select rowid, data from candidates where rowid in ({marks})", chunk
        )
        for rowid, data in rows:
            found[int(rowid)] = profile_from_data(json.loads(data))
    return found


def load_candidates(db: Database, account: str, source: str) -> list[tuple[Candidate, str]]:
    """The cached candidates of one source, with each profile's digest, in a stable order."""
    rows = db.conn.execute(
        "select targeting, digest, data from candidates "
        "where account = ? and source = ? order by rowid",
        [account, source],
    )
    return [
        (Candidate(profile_from_data(json.loads(data)), source, targeting or ""), digest)
        for targeting, digest, data in rows
    ]


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    if value[-1] == "Z":  # the canonical form we write: parse it fast
        return datetime.fromisoformat(value)
    return parse_instant(value)


def _post(data: dict[str, Any]) -> Post:
    return Post(
        id=data["id"],
        author_id=data["author_id"],
        text=data["text"],
        created_at=_when(data["created_at"]),
        like_count=data["like_count"],
        reply_to=data["reply_to"],
        ref=data["ref"],
    )


def profile_from_data(data: dict[str, Any]) -> Profile:
    """``Profile.from_data`` for rows this module wrote (every key present), made fast.

    Loading the cache is the largest cost of a re-plan; a row of another shape falls back to
    the general ``Profile.from_data``.
    """
    try:
        return Profile(
            platform=data["platform"],
            id=data["id"],
            handle=data["handle"],
            display_name=data["display_name"],
            bio=data["bio"],
            followers=data["followers"],
            following=data["following"],
            posts=data["posts"],
            last_active=_when(data["last_active"]),
            created_at=_when(data["created_at"]),
            has_avatar=data["has_avatar"],
            language=data["language"],
            recent_posts=tuple([_post(p) for p in data["recent_posts"]]),
        )
    except (KeyError, TypeError, IndexError):
        return Profile.from_data(data)


def cached_posts(
    db: Database, account: str, profile_ids: Sequence[str], *, now: datetime, ttl_seconds: int
) -> dict[str, tuple[Post, ...]]:
    """Recent posts fetched for these profiles less than ``ttl_seconds`` ago."""
    cutoff = iso(now - timedelta(seconds=ttl_seconds))
    found: dict[str, tuple[Post, ...]] = {}
    ids = list(profile_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select profile_id, data from candidate_posts where account = ? and fetched_at > ? "
            f"and profile_id in ({marks})",
            [account, cutoff, *chunk],
        )
        for pid, data in rows:
            found[str(pid)] = tuple(Post.from_data(p) for p in json.loads(data))
    return found


def store_posts(
    db: Database, account: str, posts: Mapping[str, Sequence[Post]], *, now: datetime
) -> None:
    """Remember the recent posts fetched for some profiles."""
    stamp = iso(now)
    rows = [
        {
            "account": account,
            "profile_id": pid,
            "data": json.dumps([p.to_data() for p in items], sort_keys=True, ensure_ascii=False),
            "fetched_at": stamp,
        }
        for pid, items in posts.items()
    ]
    if rows:
        with db.conn:
            db.table("candidate_posts").insert_all(rows, pk=("account", "profile_id"), replace=True)

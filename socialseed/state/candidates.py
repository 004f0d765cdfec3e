"""The discovery cache: candidates per account and source, and when each source was read.

A source read within its targeting's ``cache_ttl`` is served from here, so a re-plan makes no
network calls; ``socialseed plan --refresh`` reads again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from socialseed.clock import iso, parse_instant
from socialseed.model import Candidate, Post, Profile, Score
from socialseed.state.handle import StateConnection, StateDB
from socialseed.state.scores import ScoreNumbers
from socialseed.state.tx import atomic


def last_fetch(db: StateDB, account: str, source: str) -> datetime | None:
    """When ``source`` was last read for ``account`` (``None``: never)."""
    rows = list(
        db.table("source_fetches").rows_where(
            "account = ? and source = ?", [account, source], select="fetched_at"
        )
    )
    return parse_instant(rows[0]["fetched_at"]) if rows else None


def is_fresh(db: StateDB, account: str, source: str, *, now: datetime, ttl_seconds: int) -> bool:
    """Was ``source`` read for ``account`` less than ``ttl_seconds`` ago?"""
    fetched = last_fetch(db, account, source)
    return fetched is not None and now - fetched < timedelta(seconds=ttl_seconds)


def store_candidates(
    db: StateDB,
    account: str,
    source: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
) -> None:
    """Replace what ``source`` found for ``account`` and stamp the read (one statement for
    all rows; each profile turned into data once, for its digest and its stored copy)."""
    _write(db, account, source, candidates, now=now, replace=True)


def add_candidates(
    db: StateDB,
    account: str,
    source: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
) -> None:
    """Add what a read of ``source`` found to ``account``'s pool (a profile found again is
    refreshed; the rest stay for later plans) and stamp the read."""
    _write(db, account, source, candidates, now=now, replace=False)


def _write(
    db: StateDB,
    account: str,
    source: str,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
    replace: bool,
) -> None:
    stamp = iso(now)
    rows = [_row(account, source, c, stamp) for c in candidates]
    # one transaction: the connection commits each statement alone (a commit per row was
    # two thirds of the insert's time), and the read is written whole or not at all
    with atomic(db) as conn:
        if replace:
            conn.execute(
                "delete from candidates where account = ? and source = ?", [account, source]
            )
        if rows:
            conn.executemany(_INSERT, rows)
        total = (
            len(rows)
            if replace
            else conn.execute(
                "select count(*) from candidates where account = ? and source = ?",
                [account, source],
            ).fetchone()[0]
        )
        conn.execute(_FETCHED, [account, source, stamp, int(total)])


_FETCHED = (
    "insert into source_fetches (account, source, fetched_at, count) values (?, ?, ?, ?) "
    "on conflict (account, source) do update set fetched_at = excluded.fetched_at, "
    "count = excluded.count"
)


_TYPED = (
    "handle",
    "display_name",
    "bio",
    "followers",
    "following",
    "posts",
    "last_seen_us",
    "has_avatar",
    "language",
    "post_count",
    "handle_key",
    "opt_text",
    "bio_lower",
    "language_lower",
)
_COLUMNS = ("account", "source", "profile_id", "targeting", "digest", "data", "fetched_at")
# what a scorer reads of the JSON, kept typed (m130): the creation time in microseconds and the
# recent posts' times and texts as one compact JSON list of [microseconds or null, text]
_FACTS = ("created_us", "post_facts")
_INSERT = (
    f"insert or replace into candidates ({', '.join(_COLUMNS + _TYPED + _FACTS)}) "
    f"values ({', '.join('?' * len(_COLUMNS + _TYPED + _FACTS))})"
)


def _row(account: str, source: str, candidate: Candidate, stamp: str) -> tuple[object, ...]:
    profile = candidate.profile
    digest, text, typed = _profile_columns(profile)
    return (account, source, profile.id, candidate.targeting, digest, text, stamp, *typed)


_COLUMNS_KEY = "_candidate_columns"  # kept on a profile, outside its fields (as its text)


def _profile_columns(profile: Profile) -> tuple[str, str, tuple[object, ...]]:
    """A row's digest, data and typed columns (``_TYPED`` then ``_FACTS``): the profile's
    alone, made once per profile and kept on it, outside its fields, as ``Profile.canonical``
    keeps its text (equality, hashing and ``replace`` do not see it; a profile is frozen), so
    that the accounts and sources that share a profile object make them once."""
    kept: tuple[str, str, tuple[object, ...]] | None = profile.__dict__.get(_COLUMNS_KEY)
    if kept is None:
        text = profile.canonical()  # kept by the profile (an adapter may have received it so)
        # the sha256 of that text (made once per profile); typed columns in the order of
        # _TYPED, then _FACTS
        kept = (profile.digest, text, (*typed_row(profile), *fact_row(profile)))
        object.__setattr__(profile, _COLUMNS_KEY, kept)
    return kept


# -- typed columns: what the filters and the ranking read, without decoding ``data`` -------------
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class RowQuery:
    """Filters as SQL over the typed columns (alias ``c``; relationship verdicts ``r.verdict``):
    ``failed`` names the first failing check or is '', ``unknown`` is true when a check could
    not tell. ``functions`` are SQL functions the expressions call."""

    failed: str
    unknown: str
    params: Mapping[str, object]
    functions: Mapping[str, Callable[[str], bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoreJoin:
    """Where a row's cached score is: key = prefix || digest || suffix in table ``scores``."""

    prefix: str
    suffix: str


# profile_id, authenticity, relevance, recommendation, rowid, digest (null when the row holds a
# copy of its score), followers, following, posts, last_seen_us, flags: what ranking and scoring
# read of a candidate that passed the filters (the score's fields come from the row's copy of a
# score of the join's key, else from the score cache, else null; ``plan.pool`` turns a source's
# rows into columns). ``flags`` packs four small numbers into one (each value a row brings back
# costs the driver about a thousand instructions): see ``row_flags``.
PassingRow = tuple[
    str,
    float | None,
    float | None,
    str | None,
    int,
    str | None,
    int | None,
    int | None,
    int | None,
    int | None,
    int,
]
# flags = unknown + 2 * cached + 4 * (has_avatar + 1, or 0 when null) + 16 * post_count
_FLAGS = (
    "((case when {unknown} then 1 else 0 end) + 2 * {cached} "
    "+ 4 * coalesce(c.has_avatar + 1, 0) + 16 * c.post_count)"
)


def row_flags(flags: int) -> tuple[bool, int, int | None, int]:
    """A passing row's ``flags`` unpacked: whether some filter could not tell (unknown), 1 when
    a row without a copy of its score has it in the score cache (cached), has_avatar (None when
    the platform did not say) and post_count."""
    avatar = (flags >> 2) & 3
    return bool(flags & 1), (flags >> 1) & 1, None if avatar == 0 else avatar - 1, flags >> 4


def micros(value: datetime) -> int:
    """Whole microseconds since the epoch (a naive time is read as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def instant_of(us: int) -> datetime:
    """The instant ``us`` microseconds after the epoch (UTC): ``micros`` undone."""
    return _EPOCH + us * _MICROSECOND


def typed_fields(profile: Profile) -> dict[str, object]:
    """The typed columns of a candidate row: what the SQL filters and the ranking read.

    ``last_seen_us`` is the newest sign of life (``last_active`` or the newest recent post) in
    whole microseconds since the epoch, so that day arithmetic on it is exact.
    """
    return dict(zip(_TYPED, typed_row(profile), strict=True))


def typed_row(profile: Profile) -> tuple[object, ...]:
    """``typed_fields(profile)``'s values, in the order of ``_TYPED`` (no dict made)."""
    stamps = [p.created_at for p in profile.recent_posts if p.created_at is not None]
    if profile.last_active is not None:
        stamps.append(profile.last_active)
    bio, name, language, avatar = (
        profile.bio,
        profile.display_name,
        profile.language,
        profile.has_avatar,
    )
    return (
        profile.handle,
        name,
        bio,
        profile.followers,
        profile.following,
        profile.posts,
        _newest_us(stamps),
        None if avatar is None else int(avatar),
        language,
        len(profile.recent_posts),
        # lowered as Python lowers (SQLite's lower() knows ASCII only), for the SQL filters
        profile.handle.lstrip("@").lower(),
        f"{bio} {name}".lower(),
        bio.lower(),
        None if language is None else language.lower(),
    )


_FACTS_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def fact_row(profile: Profile) -> tuple[int | None, str | None]:
    """The ``_FACTS`` columns of a profile: what its stored JSON says of its creation time and
    recent posts (times as that JSON holds them: UTC, whole seconds), read by a scorer of
    numbers without decoding the JSON. ``post_facts`` is null when there are no posts."""
    posts = profile.recent_posts
    if not posts:
        return _stored_us(profile.created_at), None
    # ``_FACTS_JSON`` of [[us, text], ...], made by hand: a third of the encoder's time
    items = [f"[{_json_int(_stored_us(p.created_at))},{_json_text(p.text)}]" for p in posts]
    return _stored_us(profile.created_at), f"[{','.join(items)}]"


def _json_int(value: int | None) -> str:
    return "null" if value is None else str(value)


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def fact_row_of_data(data: Mapping[str, Any]) -> tuple[int | None, str | None]:
    """``fact_row`` of a profile's stored JSON (decoded): for rows written before m130."""
    posts = data.get("recent_posts") or []
    facts = (
        _FACTS_JSON([[_micros_of(p.get("created_at")), p.get("text")] for p in posts])
        if posts
        else None
    )
    return _micros_of(data.get("created_at")), facts


def _stored_us(when: datetime | None) -> int | None:
    """``when`` as the stored JSON holds it (``clock.iso``: UTC, seconds), in microseconds."""
    if when is None:
        return None
    if when.tzinfo is UTC:  # whole seconds since the epoch, floored (as ``iso`` drops them)
        return (when - _EPOCH) // _SECOND * 1_000_000
    return _micros_of(iso(when))


def _newest_us(stamps: Sequence[datetime]) -> int | None:
    """``max(micros(s) for s in stamps)``: the newest turned into microseconds alone (naive
    and aware instants together cannot be compared: then each is turned)."""
    if not stamps:
        return None
    try:
        return micros(max(stamps))
    except TypeError:
        return max(micros(s) for s in stamps)


def _from(source_count: int, joins: str = "") -> str:
    """Rows of one source for one account, less profiles found by an earlier source."""
    earlier = ", ".join(f":_earlier{i}" for i in range(source_count))
    seen = (
        "and not exists (select 1 from candidates e where e.account = c.account "
        f"and e.source in ({earlier}) and e.profile_id = c.profile_id)"
        if source_count
        else ""
    )
    return (
        "from candidates c left join temp.plan_relationships r "
        f"on r.account = c.account and r.profile_id = c.profile_id {joins}"
        f"where c.account = :_account and c.source = :_source {seen}"
    )


def _params(
    query: RowQuery, account: str, source: str, earlier: Sequence[str]
) -> dict[str, object]:
    params = dict(query.params)
    params.update({"_account": account, "_source": source})
    params.update({f"_earlier{i}": e for i, e in enumerate(earlier)})
    return params


def _functions(db: StateDB, query: RowQuery) -> None:
    for name, fn in query.functions.items():
        db.conn.create_function(name, 1, fn, deterministic=True)


def filter_source(
    db: StateDB,
    account: str,
    source: str,
    earlier: Sequence[str],
    query: RowQuery,
    scores: ScoreJoin | None,
) -> tuple[dict[str, int], list[PassingRow]]:
    """One source's candidates through ``query`` (profiles of ``earlier`` sources are left
    out): how many each filter drops, and those that pass, by profile id, each with its cached
    score numbers when ``scores`` says where (else nulls).

    One statement: each row's verdict is worked out once, into a narrow table of the statement
    (rowid, verdict); the passing rows are read from there with their columns and the drops
    counted from there (two scans of the candidates, each working out every verdict, cost a
    tenth more instructions). The drop counts come as rows whose rowid is null."""
    _functions(db, query)
    params = _params(query, account, source, earlier)
    if scores is None:
        numbers = "null, null, null"
        digest = "c.digest"
        join = ""
        cached = "0"
    else:  # the row's copy of its cached score, when it is of this scorer and topic; where
        # there is none, the score cache's row (looked up for those rows alone)
        whole = "s.authenticity is not null and s.relevance is not null and s.recommendation"
        numbers = ", ".join(
            f"coalesce(k.{n}, case when {whole} is not null then s.{n} end)"
            for n in ("authenticity", "relevance", "recommendation")
        )
        digest = "case when k.candidate is null then c.digest end"  # only where one is missing
        join = (
            "left join candidate_scores k on k.candidate = c.rowid "
            "and k.score_key = (:_prefix || c.digest || :_suffix) "
            "left join scores s on s.key = "
            "(case when k.candidate is null then (:_prefix || c.digest || :_suffix) end) "
        )
        cached = "(case when s.key is null then 0 else 1 end)"
        params.update({"_prefix": scores.prefix, "_suffix": scores.suffix})
    flags = _FLAGS.format(unknown=query.unknown, cached=cached)
    nulls = ", ".join(["null"] * 9)
    sql = (
        f"with f as materialized (select c.rowid as cid, {query.failed} as failed "
        f"{_from(len(earlier))}) "
        f"select c.profile_id, {numbers}, c.rowid, {digest}, "
        f"c.followers, c.following, c.posts, c.last_seen_us, {flags} "
        f"from f join candidates c on c.rowid = f.cid {join}where f.failed = '' "
        f"union all select f.failed, count(*), {nulls} from f where f.failed != '' "
        "group by f.failed"
    )
    rows = db.conn.execute(sql, params).fetchall()
    dropped = {str(r[0]): int(r[1]) for r in rows if r[4] is None}
    passing: list[PassingRow] = [r for r in rows if r[4] is not None]
    # by profile id (they come so from SQLite, in the order of the table's key: then this
    # only checks; PostgreSQL gives no order); the ranking takes a targeting's candidates by
    # profile id, and sorts them fast when they come in sorted runs
    passing.sort(key=itemgetter(0))
    return dropped, passing


def keep_scores(db: StateDB, copies: Sequence[tuple[str, ScoreNumbers, int]]) -> None:
    """Keep a copy of cached scores by candidate row: (score key, its numbers, rowid)."""
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        insert_score_copies(conn, copies)


def insert_score_copies(
    conn: StateConnection, copies: Sequence[tuple[str, ScoreNumbers, int]]
) -> None:
    """``keep_scores``' statement, inside a transaction the caller holds."""
    insert_score_rows(conn, [(rowid, key, *numbers) for key, numbers, rowid in copies])


ScoreCopy = tuple[int, str, float, float, str, str, str]  # rowid, key, numbers, scorer, version


def insert_score_rows(conn: StateConnection, rows: Sequence[ScoreCopy]) -> None:
    """Copies of cached scores as rows (``ScoreCopy``), inside a transaction the caller
    holds."""
    conn.executemany(
        "insert or replace into candidate_scores (candidate, score_key, authenticity, "
        "relevance, recommendation, scorer, version) values (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def set_relationship_verdicts(db: StateDB, account: str, verdicts: Mapping[str, str]) -> None:
    """What the filters say of profiles the account has a relationship with (a temporary table
    of this connection, read by the SQL filters)."""
    db.conn.execute(
        "create temp table if not exists plan_relationships "
        "(account text, profile_id text, verdict text, primary key (account, profile_id))"
    )
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.execute("delete from temp.plan_relationships where account = ?", [account])
        conn.executemany(
            "insert into temp.plan_relationships values (?, ?, ?)",
            [(account, pid, verdict) for pid, verdict in verdicts.items()],
        )


def load_profiles(db: StateDB, rowids: Sequence[int]) -> dict[int, tuple[Profile, str]]:
    """The full profiles of some cached candidates, with their digests, by rowid."""
    found: dict[int, tuple[Profile, str]] = {}
    ids = list(dict.fromkeys(rowids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            f"select rowid, digest, data from candidates where rowid in ({marks})", chunk
        )
        for rowid, digest, data in rows:
            found[int(rowid)] = (profile_from_data(json.loads(data)), str(digest))
    return found


def cached_profiles(db: StateDB, account: str, profile_ids: Sequence[str]) -> dict[str, Profile]:
    """The newest cached profile of each of ``profile_ids`` that discovery still holds for
    ``account`` (people pruned or no longer found are missing)."""
    found: dict[str, tuple[str, Profile]] = {}
    ids = list(dict.fromkeys(profile_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select profile_id, fetched_at, data from candidates "
            f"where account = ? and profile_id in ({marks})",
            [account, *chunk],
        )
        for pid, fetched, data in rows:
            if str(pid) not in found or str(fetched) > found[str(pid)][0]:
                found[str(pid)] = (str(fetched), profile_from_data(json.loads(data)))
    return {pid: profile for pid, (_, profile) in found.items()}


def load_candidates(db: StateDB, account: str, source: str) -> list[tuple[Candidate, str]]:
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
    db: StateDB, account: str, profile_ids: Sequence[str], *, now: datetime, ttl_seconds: int
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
    db: StateDB, account: str, posts: Mapping[str, Sequence[Post]], *, now: datetime
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


def cached_score_data(
    db: StateDB, rowids: Sequence[int], join: ScoreJoin
) -> dict[int, tuple[Score | None, int | None, str]]:
    """The full cached scores (with reasons) of some cached candidates, by rowid, each with its
    key in the score cache; a score kept as numbers alone comes as (None, the instant it was
    scored at, in microseconds, its key)."""
    found: dict[int, tuple[Score | None, int | None, str]] = {}
    ids = list(dict.fromkeys(rowids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select c.rowid, s.data, s.scored_us, s.key from candidates c join scores s "
            f"on s.key = (? || c.digest || ?) where c.rowid in ({marks})",
            [join.prefix, join.suffix, *chunk],
        )
        for rowid, data, scored_us, key in rows:
            score = None if data is None else Score.from_data(json.loads(data))
            found[int(rowid)] = (score, scored_us, str(key))
    return found


# rowid, handle, display_name, bio, followers, following, posts, has_avatar, created_us,
# last_seen_us, the recent posts' times (microseconds) and texts: what the heuristic reads
ScoreFacts = tuple[
    int,
    str,
    str,
    str,
    int | None,
    int | None,
    int | None,
    bool | None,
    int | None,
    int | None,
    tuple[int | None, ...],
    tuple[str, ...],
]


def score_facts(db: StateDB, rowids: Sequence[int]) -> list[ScoreFacts]:
    """What a scorer of numbers reads of some cached candidates (typed columns, and from the
    JSON only the creation time and the recent posts, extracted by SQLite), in rowid order."""
    out: list[ScoreFacts] = []
    ids = sorted(set(rowids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select rowid, handle, display_name, bio, followers, following, posts, has_avatar, "
            "json_extract(data, '$.created_at'), last_seen_us, "
            "case when post_count > 0 then json_extract(data, '$.recent_posts') end "
            f"from candidates where rowid in ({marks}) order by rowid",
            chunk,
        )
        out += [_facts(row) for row in rows]
    return out


def score_fact_columns(db: StateDB, rowids: Sequence[int]) -> tuple[list[int], list[Any]]:
    """``score_facts`` as columns (in rowid order): the rowids, and the facts' columns in the
    order of ``scoring.heuristic.FactColumns`` (texts and posts as lists, the numbers as float
    arrays, NaN for null). Read from the typed columns alone (``_FACTS``: no JSON path); a row
    without them (written elsewhere than here) has them read from its JSON."""
    import numpy as np

    ids = sorted(set(rowids))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows += db.conn.execute(
            "select rowid, handle, display_name, bio, followers, following, posts, has_avatar, "
            "created_us, last_seen_us, post_count, post_facts, "
            "case when created_us is null then json_extract(data, '$.created_at') end, "
            "case when post_facts is null and post_count > 0 "
            "then json_extract(data, '$.recent_posts') end "
            f"from candidates where rowid in ({marks}) order by rowid",
            chunk,
        ).fetchall()
    if not rows:
        empty = np.zeros(0)
        return [], [[], [], [], empty, empty, empty, empty, empty, empty, [], []]
    post_us: list[tuple[int | None, ...]] = []
    post_texts: list[tuple[str, ...]] = []
    created: list[int | None] = []
    # every row's post facts decoded by one call (a call per row was most of the time)
    typed = iter(json.loads("[" + ",".join([r[11] for r in rows if r[11] is not None]) + "]"))
    for row in rows:
        created.append(row[8] if row[12] is None else _micros_of(row[12]))
        if row[11] is not None:
            stamps, texts = zip(*next(typed), strict=True)  # never empty: null when no posts
            post_us.append(stamps)
            post_texts.append(texts)
        elif row[13] is not None:
            items = json.loads(row[13])
            post_us.append(tuple([_micros_of(p["created_at"]) for p in items]))
            post_texts.append(tuple([p["text"] for p in items]))
        else:
            post_us.append(())
            post_texts.append(())
    columns = list(zip(*rows, strict=True))
    return list(columns[0]), [
        list(columns[1]),
        [n or "" for n in columns[2]],
        [b or "" for b in columns[3]],
        _float_column(columns[4]),
        _float_column(columns[5]),
        _float_column(columns[6]),
        _float_column(columns[7]),
        _float_column(created),
        _float_column(columns[9]),
        post_us,
        post_texts,
    ]


def _float_column(values: Sequence[Any]) -> Any:
    """A float array of ints (or bools) and None (NaN)."""
    import numpy as np

    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _facts(row: tuple[Any, ...]) -> ScoreFacts:
    rowid, handle, name, bio, followers, following, posts, avatar, created, seen, recent = row
    stamps: tuple[int | None, ...] = ()
    texts: tuple[str, ...] = ()
    if recent:
        items = json.loads(recent)
        stamps = tuple(_micros_of(p["created_at"]) for p in items)
        texts = tuple(p["text"] for p in items)
    avatar = None if avatar is None else bool(avatar)
    return (rowid, handle, name or "", bio or "", followers, following, posts, avatar,
            _micros_of(created), seen, stamps, texts)  # fmt: skip


def _micros_of(value: str | None) -> int | None:
    when = _when(value)
    return None if when is None else micros(when)

"""Append-only migrations. Never edit one that has shipped; add ``mNNN_...`` after the last.

Each runs once, in its own transaction, when the database is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names alone: state.reads lists migrations without sqlite-utils
    from socialseed.state.handle import StateDB

Migration = Callable[["StateDB"], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(db: StateDB) -> None:
    db.table("accounts").create(
        {
            "id": str,
            "platform": str,
            "remote_id": str,
            "handle": str,
            "phase_override": str,
            "phase_override_at": str,
            "paused_until": str,
            "pause_reason": str,
            "health": str,
            "health_reasons": str,
            "health_at": str,
            "state_serial": int,
            "last_apply_at": str,
        },
        pk="id",
        defaults={"state_serial": 0},
    )
    db.table("serial_log").create(
        {"id": int, "account": str, "serial": int, "plan_id": str, "reason": str, "at": str},
        pk="id",
    )
    db.table("tokens").create(
        {
            "account": str,
            "ciphertext": bytes,
            "scheme": str,
            "backend": str,
            "meta": str,
            "updated_at": str,
        },
        pk="account",
    )
    db.table("candidates").create(
        {
            "account": str,
            "source": str,
            "profile_id": str,
            "targeting": str,
            "digest": str,
            "data": str,
            "fetched_at": str,
        },
        pk=("account", "source", "profile_id"),
    )
    db.table("source_fetches").create(
        {"account": str, "source": str, "fetched_at": str, "count": int},
        pk=("account", "source"),
    )
    db.table("scores").create(
        {"key": str, "scorer": str, "version": str, "digest": str, "data": str, "created_at": str},
        pk="key",
    )
    db.table("plans").create(
        {
            "id": str,
            "checksum": str,
            "created_at": str,
            "expires_at": str,
            "config_sha256": str,
            "path": str,
            "body": str,
        },
        pk="id",
    )
    db.table("actions").create(
        {
            "plan_id": str,
            "action_id": str,
            "seq": int,
            "account": str,
            "verb": str,
            "risk": str,
            "data": str,
        },
        pk=("plan_id", "action_id"),
    )
    db.table("decisions").create(
        {
            "id": int,
            "plan_id": str,
            "action_id": str,
            "verdict": str,
            "reviewer": str,
            "decided_at": str,
            "reason": str,
            "override": int,
            "expires_at": str,
        },
        pk="id",
    )
    db.table("journal").create(
        {
            "id": int,
            "plan_id": str,
            "action_id": str,
            "account": str,
            "verb": str,
            "target": str,
            "kind": str,  # intent | outcome
            "attempt": int,
            "at": str,
            "status": str,  # started | done | already | failed | skipped
            "http_status": int,
            "request_id": str,
            "error": str,
            "remote_ref": str,
        },
        pk="id",
    )
    db.table("relationships").create(
        {
            "account": str,
            "target_id": str,
            "target_handle": str,
            "origin": str,  # socialseed | manual
            "since": str,
            "unfollowed_at": str,
            "followed_back_at": str,
            "remote_ref": str,
        },
        pk=("account", "target_id"),
    )
    db.table("snapshots").create(
        {"account": str, "taken_at": str, "followers": int, "following": int},
        pk=("account", "taken_at"),
    )
    db.table("ai_usage").create(
        {
            "id": int,
            "at": str,
            "provider": str,
            "model": str,
            "tokens_in": int,
            "tokens_out": int,
            "cost_usd": float,
            "plan_id": str,
            "profiles": int,
        },
        pk="id",
    )
    db.table("locks").create(
        {
            "account": str,
            "owner": str,
            "host": str,
            "pid": int,
            "started_at": str,
            "expires_at": str,
        },
        pk="account",
    )
    db.table("audit").create(
        {"id": int, "at": str, "account": str, "kind": str, "actor": str, "detail": str},
        pk="id",
    )
    db.table("journal").create_index(["action_id", "kind"])
    db.table("journal").create_index(["account", "at"])
    db.table("decisions").create_index(["plan_id", "action_id"])


@migration
def m050_scoring_cache_model_and_ledger_outcome(db: StateDB) -> None:
    """Scores cache: which model answered; ledger: how each request ended (ok, error...)."""
    db.table("scores").add_column("model", str)
    db.table("ai_usage").add_column("outcome", str)
    db.table("ai_usage").create_index(["at"])


@migration
def m010_candidate_posts(db: StateDB) -> None:
    """Recent posts fetched at plan time for the top candidates (kept apart from the
    discovery cache so that a profile's digest, and so its score, does not change)."""
    db.table("candidate_posts").create(
        {"account": str, "profile_id": str, "data": str, "fetched_at": str},
        pk=("account", "profile_id"),
    )


@migration
def m060_relationship_request_id(db: StateDB) -> None:
    """The platform's request id of the write that made a relationship (audit)."""
    db.table("relationships").add_column("request_id", str)


@migration
def m061_rejections(db: StateDB) -> None:
    """A person's rejection, remembered per account, verb and target (never re-proposed)."""
    db.table("rejections").create(
        {
            "action_id": str,  # hashes account, verb and target: the same for every plan
            "account": str,
            "verb": str,
            "target_id": str,
            "target_handle": str,
            "target": str,
            "plan_id": str,
            "reviewer": str,
            "reason": str,
            "rejected_at": str,
            "lifted_at": str,
            "lifted_by": str,
            "lift_reason": str,
        },
        pk="action_id",
    )
    db.table("rejections").create_index(["account", "verb"])


@migration
def m062_account_first_plan(db: StateDB) -> None:
    """The day an account was first planned (its day 1 when the config has no start_date)."""
    db.table("accounts").add_column("first_plan_on", str)


@migration
def m063_simulated_clock(db: StateDB) -> None:
    """How far simulated time (SOCIALSEED_NOW) got: the next simulated command resumes there."""
    db.table("sim_clock").create({"id": int, "now": str}, pk="id")


@migration
def m070_inbox(db: StateDB) -> None:
    """Messages read from each account's inbox, how triage sorted them, and where each read
    stopped (a cursor per account and source)."""
    db.table("inbox").create(
        {
            "account": str,
            "message_id": str,
            "platform": str,
            "source": str,
            "author_id": str,
            "author_handle": str,
            "created_at": str,
            "received_at": str,
            "question": int,
            "rule": str,
            "outcomes": str,  # JSON list: reply, like, hide, mute, ignore, needs_person
            "data": str,  # the InboxItem as JSON (remote text: rendered only through the cleaner)
        },
        pk=("account", "message_id"),
    )
    db.table("inbox").create_index(["account", "created_at"])
    db.table("inbox_cursors").create(
        {"account": str, "source": str, "cursor": str, "read_at": str},
        pk=("account", "source"),
    )


@migration
def m071_decision_reply_text(db: StateDB) -> None:
    """A reply's approved text is part of the decision: the text, the alternative it came
    from, and whether the person edited it (apply sends exactly that text)."""
    db.table("decisions").add_column("text", str)
    db.table("decisions").add_column("choice", int)
    db.table("decisions").add_column("edited", int)


@migration
def m072_notify_marks(db: StateDB) -> None:
    """Which (target, event, account) alerts were notified and are still on: one notification
    per event and account until it clears."""
    db.table("notify_marks").create(
        {"target": str, "event": str, "account": str, "since": str, "notified_at": str},
        pk=("target", "event", "account"),
    )


@migration
def m073_signed_decisions(db: StateDB) -> None:
    """Team approvals: the verb and target a reviewer decided on, and their signature over the
    decision (apply verifies it against the reviewer's key in the config)."""
    db.table("decisions").add_column("verb", str)
    db.table("decisions").add_column("target", str)
    db.table("decisions").add_column("signature", str)


@migration
def m074_typed_candidate_and_score_columns(db: StateDB) -> None:
    """The discovery cache and the score cache get typed columns (filter fields, score numbers)
    so that a plan filters and ranks without decoding JSON; existing rows are filled in."""
    import json

    from socialseed.model import Profile
    from socialseed.state.candidates import typed_fields

    for name, kind in (
        ("handle", str),
        ("display_name", str),
        ("bio", str),
        ("followers", int),
        ("following", int),
        ("posts", int),
        ("last_seen_us", int),
        ("has_avatar", int),
        ("language", str),
        ("post_count", int),
        ("handle_key", str),
        ("opt_text", str),
        ("bio_lower", str),
        ("language_lower", str),
    ):
        db.table("candidates").add_column(name, kind)
    db.table("candidate_scores").create(  # a candidate's cached score, by its row: no text join
        {
            "candidate": int,  # candidates.rowid
            "score_key": str,  # the key in table scores (scorer, version, digest, topic)
            "authenticity": float,
            "relevance": float,
            "recommendation": str,
            "scorer": str,
            "version": str,
        },
        pk="candidate",
    )
    db.table("scores").add_column("authenticity", float)
    db.table("scores").add_column("relevance", float)
    db.table("scores").add_column("recommendation", str)
    rows = db.conn.execute("select rowid, data from candidates").fetchall()
    for rowid, data in rows:
        fields = typed_fields(Profile.from_data(json.loads(data)))
        sets = ", ".join(f"{column} = ?" for column in fields)
        db.conn.execute(f"update candidates set {sets} where rowid = ?", [*fields.values(), rowid])
    db.conn.execute(
        # the casts change nothing on SQLite (a REAL column); PostgreSQL's JSON text needs them
        "update scores set authenticity = cast(json_extract(data, '$.authenticity') as float), "
        "relevance = cast(json_extract(data, '$.relevance') as float), "
        "recommendation = json_extract(data, '$.recommendation')"
    )


@migration
def m075_growth(db: StateDB) -> None:
    """Growth: when each follower was first seen (a follow-back is a follow that started after
    ours), and each proposed follow's arm (chosen or control), expected follow-back and
    features (the ranker's training rows once the outcome is known)."""
    db.table("followers_seen").create(
        {"account": str, "follower_id": str, "first_seen": str}, pk=("account", "follower_id")
    )
    db.table("growth_proposals").create(
        {
            "account": str,
            "target_id": str,
            "targeting": str,
            "source": str,
            "arm": str,  # chosen | control
            "expected": float,
            "features": str,  # JSON: the ranker's features when proposed
            "proposed_at": str,
        },
        pk=("account", "target_id"),
    )


@migration
def m076_runway(db: StateDB) -> None:
    """The last plan's runway note per account (how long the filtered pool lasts), for
    ``status`` and the health light."""
    db.table("accounts").add_column("runway", str)
    db.table("accounts").add_column("runway_at", str)


@migration
def m085_worker_runs(db: StateDB) -> None:
    """Queued apply: one row per account run a worker made (which worker, which job, when it
    started and ended in real time, and its counts), so exclusivity can be checked and a run a
    killed worker left open is visible."""
    db.table("worker_runs").create(
        {
            "id": int,
            "worker": str,
            "job_id": int,
            "plan_id": str,
            "account": str,
            "started_at": str,  # real time, microseconds: runs of one account must not overlap
            "finished_at": str,
            "outcome": str,  # done | failed | stopped | busy | refused (None while running)
            "done": int,
            "failed": int,
            "skipped": int,
        },
        pk="id",
    )
    db.table("worker_runs").create_index(["account", "started_at"])


@migration
def m090_source_cursors(db: StateDB) -> None:
    """Where each source's paging stands per account, so that every plan reads deeper: the
    next page's cursor, when the source was last read to its end, and when it started over."""
    db.table("source_cursors").create(
        {
            "account": str,
            "source": str,
            "cursor": str,  # the platform's cursor for the next page (null: from the top)
            "pages": int,  # pages read since the last start from the top
            "ended_at": str,  # when the last page was read (null: not at the end)
            "restarted_at": str,
            "updated_at": str,
        },
        pk=("account", "source"),
        defaults={"pages": 0},
    )


@migration
def m091_source_yield(db: StateDB) -> None:
    """What each source (or widening) has yielded per account, summed over plans:
    profiles discovered, of them new, and follows chosen (follow-backs are joined from
    ``growth_proposals`` and ``relationships``)."""
    db.table("source_yield").create(
        {
            "account": str,
            "source": str,
            "targeting": str,
            "origin": str,  # "source" or the expand kind that added it
            "reads": int,
            "discovered": int,
            "new": int,
            "chosen": int,
            "last_read_at": str,  # the last read: when, pages, found, new, started over
            "last_pages": int,
            "last_discovered": int,
            "last_new": int,
            "last_restarted": int,
        },
        pk=("account", "source"),
        defaults={"reads": 0, "discovered": 0, "new": 0, "chosen": 0},
    )


@migration
def m092_runway_days(db: StateDB) -> None:
    """The last plan's runway in days per account, as a number (``status``, health, metrics)."""
    db.table("accounts").add_column("runway_days", float)


@migration
def m103_score_numbers_alone(db: StateDB) -> None:
    """A cached score may hold its numbers alone (``data`` null): the heuristic scores a large
    pool in bulk and its reasons are made again, for the few candidates a plan shows, from the
    profile and the instant it was scored at (``scored_us``, microseconds since the epoch)."""
    db.table("scores").add_column("scored_us", int)


M130_CHUNK = 5000  # rows filled in at a time by m130


@migration
def m130_candidate_fact_columns(db: StateDB) -> None:
    """What a scorer of numbers reads of a cached profile's JSON, kept typed when the profile is
    written: its creation time (``created_us``, microseconds) and its recent posts' times and
    texts (``post_facts``, a compact JSON list of [microseconds, text]); a cold plan then reads
    no JSON path. Existing rows are filled in."""
    import json

    from socialseed.state.candidates import fact_row_of_data

    db.table("candidates").add_column("created_us", int)
    db.table("candidates").add_column("post_facts", str)
    last = -1
    while True:  # a few thousand rows at a time: a large cache is not held in memory at once
        rows = db.conn.execute(
            "select rowid, data from candidates where rowid > ? order by rowid limit ?",
            [last, M130_CHUNK],
        ).fetchall()
        if not rows:
            return
        db.conn.executemany(
            "update candidates set created_us = ?, post_facts = ? where rowid = ?",
            [(*fact_row_of_data(json.loads(data)), rowid) for rowid, data in rows],
        )
        last = rows[-1][0]


@migration
def m150_relationships_without_rowid(db: StateDB) -> None:
    """On SQLite, relationships kept in their key's order (``WITHOUT ROWID``): one b-tree, not
    a table and its key's index, so apply's transaction per action (its outcome, its
    relationship row, the next intent) writes one page less. The same columns, key and rows;
    PostgreSQL keeps a table and its key's index whatever is declared, and is left as it is."""
    import sqlite3

    if not isinstance(db.conn, sqlite3.Connection):
        return
    (sql,) = db.conn.execute(
        "select sql from sqlite_master where type = 'table' and name = 'relationships'"
    ).fetchone()
    if "without rowid" in sql.lower():
        return
    _, rest = sql.split("(", 1)  # CREATE TABLE "relationships" (columns..., PRIMARY KEY (...))
    db.conn.execute(f'CREATE TABLE "relationships_m150" ({rest} WITHOUT ROWID')
    columns = ", ".join(
        f'"{row[1]}"' for row in db.conn.execute("pragma table_info(relationships)")
    )
    db.conn.execute(  # a row without a whole key (never written so) could not be kept
        f'insert into "relationships_m150" ({columns}) select {columns} from relationships '
        "where account is not null and target_id is not null"
    )
    db.conn.execute("drop table relationships")
    db.conn.execute('alter table "relationships_m150" rename to relationships')

"""The state's guarantees on both backends (SQLite file, PostgreSQL): migrations once, newer
and incomplete schemas refused, one writer at a time (so one apply per account), read-only."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from socialseed.errors import StateError, StateUnusable
from socialseed.state import locks
from socialseed.state.db import applied, open_state
from socialseed.state.migrations import MIGRATIONS

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
ME = locks.Me(owner="run a", host="testhost", pid=1)
OTHER = locks.Me(owner="run b", host="testhost", pid=2)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_where(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A state that does not exist yet: a new file's path, or an empty database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "new.sqlite")
    return str(request.getfixturevalue("pg_url"))


def test_a_new_state_runs_every_migration_once(empty_where: str) -> None:
    db = open_state(empty_where)
    assert applied(db) == sorted(name for name, _ in MIGRATIONS)
    assert {"journal", "decisions", "plans", "relationships", "locks", "audit"} <= set(
        db.table_names()
    )
    db.conn.close()
    again = open_state(empty_where)
    assert applied(again) == sorted(name for name, _ in MIGRATIONS)
    assert again.execute("select count(*) from _migrations").fetchone()[0] == len(MIGRATIONS)
    again.conn.close()


def test_a_newer_schema_is_refused_and_left_untouched(state_where: str) -> None:
    db = open_state(state_where)
    db.table("_migrations").insert({"name": "m999_from_the_future", "applied_at": ""})
    db.conn.close()
    with pytest.raises(StateUnusable) as err:
        open_state(state_where)
    assert "was written by a newer SocialSeed (migration m999_from_the_future" in str(err.value)
    assert err.value.exit_code == 6
    with pytest.raises(StateUnusable):  # left as it was: refused again, never "repaired"
        open_state(state_where)


def test_an_incomplete_schema_is_refused(state_where: str) -> None:
    db = open_state(state_where)
    db.conn.execute("drop table locks")
    db.conn.close()
    with pytest.raises(StateUnusable) as err:
        open_state(state_where)
    assert "is incomplete: table locks is missing" in str(err.value)


def test_read_only_reads_and_refuses_writes(state_where: str) -> None:
    db = open_state(state_where)
    db.table("audit").insert({"at": "t", "account": "a", "kind": "k", "actor": "x", "detail": ""})
    db.conn.close()
    reader = open_state(state_where, read_only=True)
    assert reader.table("audit").count_where() == 1
    # SQLite: its driver's error; PostgreSQL: a StateError that says what to do
    with pytest.raises((sqlite3.DatabaseError, StateError), match=r"read-?only"):
        reader.conn.execute("delete from audit")
    assert reader.table("audit").count_where() == 1


def test_one_writer_at_a_time_so_a_lock_is_taken_once(state_where: str) -> None:
    """A transaction (``BEGIN IMMEDIATE``, as ``try_acquire`` opens) keeps a second one waiting
    until it ends: the second sees the first's lock and is refused, never both granted."""
    first = open_state(state_where)
    ttl = timedelta(hours=1)
    first.conn.execute("BEGIN IMMEDIATE")
    first.conn.execute(
        "insert into locks (account, owner, host, pid, started_at, expires_at) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            "alpha",
            OTHER.owner,
            OTHER.host,
            OTHER.pid,
            "2026-11-25T09:00:00Z",
            "2026-11-25T10:00:00Z",
        ],
    )
    got: list[locks.Holder | None] = []

    def race() -> None:  # another process's apply, on its own connection
        second = open_state(state_where)
        got.append(locks.try_acquire(second, "alpha", ME, now=NOW, ttl=ttl, alive=lambda p: True))
        second.conn.close()

    racer = threading.Thread(target=race)
    racer.start()
    racer.join(timeout=0.5)
    assert racer.is_alive() and got == []  # waiting for the first writer
    first.conn.commit()
    racer.join(timeout=30)
    assert got and got[0] is not None and got[0].owner == OTHER.owner  # refused, names holder
    holder = locks.holder(first, "alpha")
    assert holder is not None and holder.owner == OTHER.owner
    first.conn.close()


def test_an_old_state_with_rows_is_upgraded_and_its_rows_filled_in(
    empty_where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the first migration only, with a cached candidate and score, to the newest: the
    migrations that fill new columns from existing rows (m074, m130) run on both backends."""
    import json

    from socialseed.state import migrations
    from socialseed.state.candidates import fact_row, micros
    from socialseed.state.upgrade import migrate
    from tests.plan.fakes import profile

    old = open_state(empty_where)
    for table in reversed(old.table_names()):  # back to nothing, then the first migration
        old.conn.execute(f'drop table "{table}"')
    old.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
    first_name, first = MIGRATIONS[0]
    first(old)
    old.table("_migrations").insert({"name": first_name, "applied_at": ""})
    someone, quiet = profile("p1"), profile("p2", recent_posts=())
    for one in (someone, quiet):
        old.table("candidates").insert(
            {
                "account": "studio",
                "source": "hashtag:film",
                "profile_id": one.id,
                "targeting": "film",
                "digest": "d1",
                "data": json.dumps(one.to_data()),
                "fetched_at": "2026-11-25T09:00:00Z",
            }
        )
    old.table("scores").insert(
        {
            "key": "k1",
            "scorer": "heuristic",
            "version": "1",
            "digest": "d1",
            "created_at": "t",
            "data": json.dumps(
                {"authenticity": 0.75, "relevance": 0.5, "recommendation": "engage"}
            ),
        }
    )
    monkeypatch.setattr(migrations, "M130_CHUNK", 1)  # m130 fills the rows in two turns
    ran = migrate(old)
    assert ran == [name for name, _ in MIGRATIONS][1:]
    row, other = old.table("candidates").rows_where(order_by="profile_id")
    assert (row["handle"], row["followers"], row["handle_key"]) == (
        someone.handle,
        someone.followers,
        someone.handle.lstrip("@").lower(),
    )
    # m130: the creation time and the recent posts' times and texts, typed, as written now
    assert (row["created_us"], row["post_facts"]) == fact_row(someone)
    assert json.loads(row["post_facts"]) == [
        [micros(p.created_at.replace(microsecond=0)), p.text]
        for p in someone.recent_posts
        if p.created_at is not None
    ]
    assert (other["created_us"], other["post_facts"]) == fact_row(quiet)  # the second turn
    assert other["created_us"] is not None and other["post_facts"] is None  # no posts: null
    score = next(old.table("scores").rows_where())
    assert (score["authenticity"], score["relevance"], score["recommendation"]) == (
        0.75,
        0.5,
        "engage",
    )
    old.conn.close()


def test_sums_and_averages_come_back_as_sqlite_gives_them(state_db: Any) -> None:
    for n in (1, 2, 4):
        state_db.table("ai_usage").insert({"at": "t", "tokens_in": n, "cost_usd": n / 4})
    row = state_db.execute(
        "select sum(tokens_in), avg(tokens_in), sum(cost_usd), count(*) from ai_usage"
    ).fetchone()
    assert tuple(row) == (7, 7 / 3, 1.75, 3)
    assert [type(v) for v in row] == [int, float, float, int]


def test_relationships_keep_their_rows_when_kept_in_key_order(empty_where: str) -> None:
    """m150: on SQLite the relationships table becomes ``WITHOUT ROWID`` (one b-tree), with
    the same columns and every row; on PostgreSQL nothing changes."""
    from socialseed.state.relationships import active_ids, record_follow, relationships
    from socialseed.state.upgrade import migrate

    old = open_state(empty_where)
    for table in reversed(old.table_names()):  # back to nothing, then all but m150
        old.conn.execute(f'drop table "{table}"')
    old.table("_migrations").create({"name": str, "applied_at": str}, pk="name")
    before = [(name, fn) for name, fn in MIGRATIONS if name != "m150_relationships_without_rowid"]
    for name, fn in before:
        fn(old)
        old.table("_migrations").insert({"name": name, "applied_at": ""})
    record_follow(old, "studio", "u1", origin="socialseed", at=NOW, handle="@one")
    record_follow(old, "studio", "u2", origin="manual", at=NOW + timedelta(hours=1))
    old.conn.execute(
        "update relationships set unfollowed_at = ?, request_id = 'r9' where target_id = 'u2'",
        ["2026-11-26T09:00:00Z"],
    )
    was = relationships(old)
    assert migrate(old) == ["m150_relationships_without_rowid"]
    assert relationships(old) == was and len(was) == 2
    assert active_ids(old, "studio") == {"u1"}
    assert (
        old.conn.execute("select request_id from relationships where target_id = 'u2'").fetchone()[
            0
        ]
        == "r9"
    )
    if isinstance(old.conn, sqlite3.Connection):
        (sql,) = old.conn.execute(
            "select sql from sqlite_master where name = 'relationships'"
        ).fetchone()
        assert sql.rstrip().endswith("WITHOUT ROWID")
        assert old.conn.execute(
            "select count(*) from sqlite_master where tbl_name = 'relationships' and type = 'index'"
        ).fetchone() == (0,)  # the key is the table: no index beside it
    record_follow(old, "studio", "u2", origin="socialseed", at=NOW + timedelta(days=2))
    assert active_ids(old, "studio") == {"u1", "u2"}  # the key still upserts
    old.conn.close()

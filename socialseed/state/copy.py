"""Copy a whole state from one backend to another (SQLite to PostgreSQL and back).

Every table and every row, with each row's ``rowid`` (candidates' cached scores refer to it), in
one transaction on the destination: all of it lands or none. The source is opened read-only and
must be at this SocialSeed's schema (``state migrate`` it first); the destination is made and
migrated if new, and must hold no rows unless ``replace`` (then its rows are deleted first, in
the same transaction). Rows are read in batches (from PostgreSQL through a server-side cursor),
so a large state is never held in memory whole. At the end every table is counted on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from socialseed.errors import StateError
from socialseed.state.handle import StateDB
from socialseed.state.integrity import MIGRATIONS_TABLE, applied_migrations
from socialseed.state.migrations import MIGRATIONS

BATCH = 2000


@dataclass(frozen=True)
class Copied:
    """One table's rows: read from the source, and counted in the destination afterwards."""

    table: str
    source_rows: int
    destination_rows: int


def user_tables(db: StateDB) -> list[str]:
    """The state's tables (not SQLite's own, not the migrations list)."""
    return [t for t in db.table_names() if not t.startswith("sqlite_") and t != MIGRATIONS_TABLE]


def rows_in(db: StateDB, table: str) -> int:
    return int(db.execute(f'select count(*) from "{table}"').fetchone()[0])


def refuse_unmigrated(db: StateDB, shown: str) -> None:
    done = set(applied_migrations(db))
    missing = [name for name, _ in MIGRATIONS if name not in done]
    if missing:
        raise StateError(
            f"the source state {shown} lacks {len(missing)} migration(s) of this SocialSeed "
            f"({missing[0]}...)",
            hint=f"run 'socialseed state migrate --state {shown}' first, then copy again",
        )


def occupied(db: StateDB) -> list[tuple[str, int]]:
    """The destination's tables that hold rows."""
    found = [(t, rows_in(db, t)) for t in user_tables(db)]
    return [(t, n) for t, n in found if n]


def _columns(db: StateDB, table: str) -> list[str]:
    cursor = db.execute(f'select * from "{table}" limit 0')
    return [str(d[0]) for d in cursor.description or () if d[0] != "rowid"]


def _keeps_rowid(db: StateDB, table: str) -> bool:
    """Can the destination take an explicit rowid besides the columns? Not a SQLite table
    whose integer primary key is its rowid (it gets the key's value anyway)."""
    from sqlite_utils import Database

    if not isinstance(db, Database):
        return True
    if _key_order(db, table):
        return False  # WITHOUT ROWID: none to take
    info = db.execute(f'pragma table_info("{table}")').fetchall()
    keys = [row for row in info if row[5]]
    return not (len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER")


def _key_order(db: StateDB, table: str) -> str:
    """A SQLite table kept in its key's order (``WITHOUT ROWID``) has no rowid: its key's
    columns, as SQL (else "")."""
    from sqlite_utils import Database

    if not isinstance(db, Database):
        return ""
    found = db.execute(
        "select sql from sqlite_master where type = 'table' and name = ?", [table]
    ).fetchone()
    if found is None or "without rowid" not in str(found[0]).lower():
        return ""
    info = db.execute(f'pragma table_info("{table}")').fetchall()
    return ", ".join(f'"{row[1]}"' for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))


def _batches(db: StateDB, table: str, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'select rowid, {names} from "{table}" order by rowid'
    key = _key_order(db, table)
    if key:  # numbered in key order: a destination with rowids gets 1, 2, 3...
        sql = f'select row_number() over (order by {key}), {names} from "{table}" order by {key}'
    raw = getattr(db.conn, "raw", None)
    if raw is not None:  # PostgreSQL: a server-side cursor streams the rows, batch by batch
        with raw.transaction(), raw.cursor(name=f"copy_{table}") as server_side:
            server_side.execute(sql)
            while rows := server_side.fetchmany(BATCH):
                yield [tuple(r) for r in rows]
        return
    cursor = db.execute(sql)
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield [tuple(r) for r in rows]


def copy_state(source: StateDB, destination: StateDB, *, replace: bool = False) -> list[Copied]:
    """Copy every table's rows; return each table's counts (source, destination)."""
    tables = user_tables(source)
    with destination.conn:
        destination.conn.execute("BEGIN")
        for table in reversed(user_tables(destination)) if replace else ():
            destination.conn.execute(f'delete from "{table}"')
        for table in tables:
            wanted = _columns(destination, table)
            columns = [c for c in _columns(source, table) if c in wanted]
            with_rowid = _keeps_rowid(destination, table)
            names = (["rowid"] if with_rowid else []) + columns
            sql = (
                f'insert into "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
                f"values ({', '.join('?' for _ in names)})"
            )
            for rows in _batches(source, table, columns):
                destination.conn.executemany(sql, rows if with_rowid else [r[1:] for r in rows])
    restart = getattr(destination, "restart_identities", None)
    if restart is not None:
        restart()
    counted = [Copied(t, rows_in(source, t), rows_in(destination, t)) for t in tables]
    wrong = [c for c in counted if c.source_rows != c.destination_rows]
    if wrong:
        first = wrong[0]
        raise StateError(
            f"the copy does not match: table {first.table} has {first.source_rows} row(s) in "
            f"the source and {first.destination_rows} in the destination",
            hint="nothing in the source was changed; copy again with --replace",
        )
    return counted

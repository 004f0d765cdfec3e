"""``PgDatabase``: the part of sqlite-utils' ``Database`` and ``Table`` SocialSeed calls, over
PostgreSQL.

Tables are made as sqlite-utils makes them in SQLite, with PostgreSQL's types (``str`` text,
``int`` bigint, ``float`` double precision, ``bytes`` bytea); an integer primary key is an
identity column (SQLite's rowid alias). Every table also has a ``rowid`` identity column, as
every SQLite table has one: SocialSeed orders by it and keeps candidates' scores by it. It is
not among a table's columns (``select *`` through ``rows_where`` leaves it out).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

from socialseed.state.pg.connection import PgConnection

ROWID = "rowid"
_TYPES: dict[Any, str] = {
    str: "text",
    int: "bigint",
    float: "double precision",
    bytes: "bytea",
    bool: "bigint",
    dict: "text",
    list: "text",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pk_list(pk: Any) -> list[str]:
    if pk is None:
        return []
    if isinstance(pk, str):
        return [pk]
    return [str(p) for p in pk]


def _stored(value: Any) -> Any:
    """A value as sqlite-utils stores it: containers as JSON text, booleans as 0/1."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str)
    if isinstance(value, bool):
        return int(value)
    return value


class PgDatabase:
    """The state database on PostgreSQL (``StateDB``)."""

    def __init__(self, raw: psycopg.Connection[Any], shown: str) -> None:
        self._conn = PgConnection(raw)
        self.shown = shown  # the URL without its password, for messages
        self._tables: dict[str, list[str]] | None = None
        self._conn.schema_listeners.append(self._forget_tables)

    @property
    def conn(self) -> PgConnection:
        return self._conn

    def execute(self, sql: str, parameters: Any = None) -> Any:
        return self._conn.execute(sql, parameters)

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        cursor = self._conn.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        for row in cursor.fetchall():
            yield dict(zip(names, row, strict=True))

    def table(self, table_name: str) -> PgTable:
        return PgTable(self, table_name)

    def __getitem__(self, table_name: str) -> PgTable:
        return PgTable(self, table_name)

    def table_names(self) -> list[str]:
        return sorted(self._catalog())

    def columns(self, table: str) -> list[str]:
        """A table's columns in their order, without the hidden ``rowid``."""
        return self._catalog().get(table, [])

    def _catalog(self) -> dict[str, list[str]]:
        """Every table of the current schema and its columns (read once, until a change)."""
        if self._tables is None:
            rows = self._conn.raw.execute(
                "select c.relname, a.attname from pg_class c "
                "join pg_namespace n on n.oid = c.relnamespace "
                "join pg_attribute a on a.attrelid = c.oid "
                "where n.nspname = current_schema() and c.relkind in ('r', 'p') "
                "and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum"
            ).fetchall()
            tables: dict[str, list[str]] = {}
            for table, column in rows:
                names = tables.setdefault(str(table), [])
                if column != ROWID:
                    names.append(str(column))
            self._tables = tables
        return self._tables

    def restart_identities(self) -> None:
        """After rows were written with their own keys (a copy): each identity column's next
        value follows the largest one in its table."""
        found = self._conn.raw.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = current_schema() and is_identity = 'YES'"
        ).fetchall()
        for table, column in found:
            self._conn.raw.execute(
                f"select setval(pg_get_serial_sequence(%s, %s), "
                f"coalesce((select max({_quote(column)}) from {_quote(table)}), 0) + 1, false)",
                [_quote(table), column],
            )

    def _forget_tables(self) -> None:
        self._tables = None

    def schema_changed(self) -> None:
        self._conn.forget_schema()

    def close(self) -> None:
        self._conn.close()


class PgTable:
    """One table (``StateTable``)."""

    def __init__(self, db: PgDatabase, name: str) -> None:
        self.db = db
        self.name = name

    @property
    def count(self) -> int:
        return self.count_where()

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    def exists(self) -> bool:
        return self.name in self.db.table_names()

    def count_where(self, where: str | None = None, where_args: Any = None) -> int:
        sql = f"select count(*) from {_quote(self.name)}" + (f" where {where}" if where else "")
        row = self.db.execute(sql, where_args).fetchone()
        return int(row[0])

    def rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        select: str = "*",
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        if select == "*":
            select = ", ".join(_quote(c) for c in self.db.columns(self.name))
        sql = f"select {select} from {_quote(self.name)}"
        if where:
            sql += f" where {where}"
        if order_by:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return self.db.query(sql, where_args)

    def create(
        self,
        columns: dict[str, Any],
        pk: Any = None,
        *,
        defaults: Any = None,
    ) -> PgTable:
        keys = _pk_list(pk)
        parts = []
        for name, kind in columns.items():
            sql_type = _TYPES.get(kind, "text")
            column = f"{_quote(name)} {sql_type}"
            if keys == [name] and kind is int:
                column += " generated by default as identity"
            if defaults and name in defaults:
                column += f" default {_literal(defaults[name])}"
            parts.append(column)
        if ROWID not in columns:
            parts.append(f"{ROWID} bigint generated by default as identity unique")
        if keys:
            parts.append(f"primary key ({', '.join(_quote(k) for k in keys)})")
        self.db.conn.raw.execute(f"create table {_quote(self.name)} ({', '.join(parts)})")
        self.db.schema_changed()
        return self

    def add_column(self, col_name: str, col_type: Any = None) -> PgTable:
        sql_type = _TYPES.get(col_type, "text")
        self.db.conn.raw.execute(
            f"alter table {_quote(self.name)} add column {_quote(col_name)} {sql_type}"
        )
        self.db.schema_changed()
        return self

    def create_index(self, columns: Iterable[Any]) -> PgTable:
        names = [str(c) for c in columns]
        index = f"idx_{self.name}_{'_'.join(names)}"
        self.db.conn.raw.execute(
            f"create index if not exists {_quote(index)} on {_quote(self.name)} "
            f"({', '.join(_quote(c) for c in names)})"
        )
        return self

    def _insert_sql(self, columns: Sequence[str], pk: list[str], how: str) -> str:
        names = ", ".join(_quote(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"insert into {_quote(self.name)} ({names}) values ({marks})"
        if how == "ignore":
            return sql + " on conflict do nothing"
        if how in ("replace", "upsert"):
            keys = pk or self.db.conn.primary_key(self.name)
            others = [c for c in columns if c not in keys]
            target = ", ".join(_quote(k) for k in keys)
            if not others:
                return sql + f" on conflict ({target}) do nothing"
            sets = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in others)
            return sql + f" on conflict ({target}) do update set {sets}"
        return sql

    def _write(self, records: Iterable[dict[str, Any]], pk: Any, how: str) -> PgTable:
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for record in records:
            groups.setdefault(tuple(record), []).append([_stored(v) for v in record.values()])
        keys = [] if pk is ... else _pk_list(pk)
        for columns, rows in groups.items():
            sql = self._insert_sql(columns, keys, how)
            if len(rows) == 1:
                self.db.conn.execute(sql, rows[0])
            else:
                self.db.conn.executemany(sql, rows)
        return self

    def insert(self, record: dict[str, Any], pk: Any = ..., *, replace: bool = False) -> PgTable:
        return self._write([record], pk, "replace" if replace else "insert")

    def insert_all(
        self, records: Iterable[dict[str, Any]], pk: Any = ..., *, replace: bool = False
    ) -> PgTable:
        return self._write(records, pk, "replace" if replace else "insert")

    def upsert(self, record: dict[str, Any], pk: Any = ...) -> PgTable:
        return self._write([record], pk, "upsert")

    def upsert_all(self, records: Iterable[dict[str, Any]], pk: Any = ...) -> PgTable:
        return self._write(records, pk, "upsert")

    def get(self, pk_values: Any) -> dict[str, Any]:
        """The row with this primary key; sqlite-utils' ``NotFoundError`` if there is none."""
        from sqlite_utils.db import NotFoundError

        keys = self.db.conn.primary_key(self.name)
        values = list(pk_values) if isinstance(pk_values, list | tuple) else [pk_values]
        where = " and ".join(f"{_quote(k)} = ?" for k in keys)
        for row in self.rows_where(where, values, limit=1):
            return row
        raise NotFoundError

    def update(self, pk_values: Any, updates: dict[str, Any] | None = None) -> PgTable:
        if not updates:
            return self
        keys = self.db.conn.primary_key(self.name)
        values = list(pk_values) if isinstance(pk_values, list | tuple) else [pk_values]
        sets = ", ".join(f"{_quote(c)} = ?" for c in updates)
        where = " and ".join(f"{_quote(k)} = ?" for k in keys)
        self.db.conn.execute(
            f"update {_quote(self.name)} set {sets} where {where}",
            [*(_stored(v) for v in updates.values()), *values],
        )
        return self


def _literal(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return str(int(value) if isinstance(value, bool) else value)
    return "'" + str(value).replace("'", "''") + "'"

"""A psycopg 3 connection that behaves like SocialSeed's SQLite connection.

- Autocommit: each statement commits alone, unless ``BEGIN`` opened a transaction; ``with
  conn:`` commits an open transaction on success and rolls it back on error.
- One writer at a time, as SQLite: every ``BEGIN`` (``IMMEDIATE`` or not) also takes one
  transaction-level advisory lock (``WRITER_LOCK``), released at ``COMMIT``/``ROLLBACK``. Reads
  outside a transaction never wait; waiting for the lock stops after ``LOCK_TIMEOUT`` (SQLite's
  busy timeout).
- ``PRAGMA`` statements are SQLite's own: they do nothing here (an empty result).
- Errors are raised as ``sqlite3``'s classes (``IntegrityError``, ``OperationalError``,
  ``DatabaseError``), with PostgreSQL's message, so callers handle both backends alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

import psycopg
from psycopg import pq
from psycopg.types.numeric import Int8Dumper, NumericLoader

from socialseed.state.pg import dialect

WRITER_LOCK = 0x50C1A15EED  # pg_advisory_xact_lock key: "the state's one writer"
LOCK_TIMEOUT = "30s"


class NumberLoader(NumericLoader):
    """``numeric`` results as SQLite gives them: a whole number (``sum`` of integers) as an
    int, anything else (``avg``, a decimal literal) as a float; never a ``Decimal``."""

    def load(self, data: Any) -> Any:
        value = super().load(data)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= 0:
            return int(value)
        return float(value)


class EmptyCursor:
    """The result of a statement that does nothing on PostgreSQL (a PRAGMA)."""

    rowcount = -1
    description = None

    def fetchone(self) -> Any:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


WRITE_REFUSED_HINT = (
    "this database role may not write the state: a pull request's plan reads it with "
    "--read-only-state (or SOCIALSEED_STATE_READONLY=1); commands that record need a role "
    "that may write; nothing was recorded by this command"
)


def _as_sqlite_error(exc: psycopg.Error) -> Exception:
    """The error as SQLite's driver would raise it, so callers handle both backends alike;
    a write the server refuses to this role is a ``StateError`` that says what to do."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        from socialseed.errors import StateError

        return StateError(f"the state database refused: {text}", hint=WRITE_REFUSED_HINT)
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(text)
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(text)
    return sqlite3.DatabaseError(text)


def _value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _params(parameters: Any) -> Any:
    if parameters is None:
        return []
    if isinstance(parameters, dict):
        return {k: _value(v) for k, v in parameters.items()}
    return [_value(v) for v in parameters]


class PgConnection:
    """SocialSeed's connection interface (``StateConnection``) over psycopg."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        raw.adapters.register_loader("numeric", NumberLoader)  # sum(), avg(): no Decimal
        raw.adapters.register_dumper(bool, Int8Dumper)  # booleans stored as 0/1, as in SQLite
        raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        self.raw = raw
        self._sql: dict[str, str] = {}
        self._regexes: dict[str, str] = {}
        self._primary_keys: dict[str, list[str]] = {}
        self._columns: dict[str, list[str]] = {}
        self.schema_listeners: list[Callable[[], None]] = []  # told when DDL runs

    # -- translation -------------------------------------------------------------------------

    def primary_key(self, table: str) -> list[str]:
        """The primary-key columns of ``table`` (in key order)."""
        if table not in self._primary_keys:
            name = table.removeprefix("temp.").removeprefix("pg_temp.")
            rows = self.raw.execute(
                "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
                "and a.attnum = any(i.indkey) where i.indrelid = to_regclass(%s) "
                "and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)",
                [f'"{name}"'],
            ).fetchall()
            self._primary_keys[table] = [str(r[0]) for r in rows]
        return self._primary_keys[table]

    def columns(self, table: str) -> list[str]:
        """The columns of ``table``."""
        if table not in self._columns:
            rows = self.raw.execute(
                "select attname from pg_attribute where attrelid = to_regclass(%s) "
                "and attnum > 0 and not attisdropped order by attnum",
                [f'"{table}"'],
            ).fetchall()
            self._columns[table] = [str(r[0]) for r in rows]
        return self._columns[table]

    def forget_schema(self) -> None:
        """Tables changed (created, altered): look primary keys and columns up again."""
        self._primary_keys.clear()
        self._columns.clear()
        self._sql.clear()
        for listener in self.schema_listeners:
            listener()

    def translated(self, sql: str) -> str:
        found = self._sql.get(sql)
        if found is None:
            found = dialect.translate(sql, self.primary_key, self._regexes, self.columns)
            self._sql[sql] = found
        return found

    def create_function(
        self, name: str, narg: int, func: Callable[..., Any], *, deterministic: bool = False
    ) -> None:
        """SQLite runs Python functions inside SQL; PostgreSQL cannot. A function that says
        what it matches as a regular expression (``sql_regex``) is rewritten into one."""
        regex = getattr(func, "sql_regex", None)
        if narg != 1 or not isinstance(regex, str):
            raise sqlite3.NotSupportedError(
                f"the SQL function {name} has no PostgreSQL form (a Python function)"
            )
        if self._regexes.get(name) != regex:
            self._regexes[name] = regex
            self._sql.clear()

    # -- statements ----------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Any = None, /) -> Any:
        word = sql.lstrip()[:7].lower()
        if word.startswith("pragma"):
            return EmptyCursor()
        if word.startswith("begin"):
            return self._begin()
        try:
            cursor = self.raw.execute(self.translated(sql), _params(parameters))
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from exc
        if word.startswith(("create", "drop", "alter")):
            self.forget_schema()
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        cursor = self.raw.cursor()
        rows = [_params(p) for p in parameters]
        if not rows:
            return EmptyCursor()
        try:
            cursor.executemany(self.translated(sql), rows)
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from exc
        return cursor

    def _begin(self) -> EmptyCursor:
        try:
            self.raw.execute("BEGIN")
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])
        except psycopg.Error as exc:
            self.rollback()
            raise _as_sqlite_error(exc) from exc
        return EmptyCursor()

    def commit(self) -> None:
        if self.in_transaction:
            try:
                self.raw.execute("COMMIT")
            except psycopg.Error as exc:
                raise _as_sqlite_error(exc) from exc

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()

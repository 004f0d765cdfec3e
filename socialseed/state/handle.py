"""The state handle every layer takes.

Code outside ``socialseed.state`` names the handle ``StateDB``, never a backend's class. It is
a Protocol: the part of sqlite-utils' ``Database`` (and its ``Table``, and ``sqlite3``'s
connection and cursor) that SocialSeed uses. Two backends satisfy it: sqlite-utils'
``Database`` over a SQLite file (the embedded default) and ``state.pg.PgDatabase`` over a
PostgreSQL connection (psycopg 3). Anything outside this surface (a SQLite backup, a page
check) is SQLite-file specific and asks ``sqlite_file_of`` first.

``StateReads`` is what a read needs of it: the connection. Functions that only read (the rows
``status`` shows) take ``StateReads``, so a read-only command can hand them the light handle of
``state.reads`` (plain ``sqlite3`` on a SQLite file) and never import sqlite-utils, which imports
numpy when it is installed; on a PostgreSQL state they get the ``StateDB`` itself. Import both
names under ``TYPE_CHECKING`` in modules on that path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Protocol


class StateCursor(Protocol):
    """What a statement returns: rows to fetch or iterate, and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class StateConnection(Protocol):
    """An autocommit connection: each statement commits alone unless a ``BEGIN`` opened a
    transaction; ``with conn:`` commits an open transaction (or rolls it back on error)."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...

    def commit(self) -> None: ...

    def create_function(
        self, name: str, narg: int, func: Any, /, *, deterministic: bool = ...
    ) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> Any: ...


class StateTable(Protocol):
    """One table, as sqlite-utils' ``Table`` offers it (only what SocialSeed calls)."""

    @property
    def count(self) -> int: ...

    def exists(self) -> bool: ...

    def count_where(self, where: str | None = None, where_args: Any = None) -> int: ...

    def rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        select: str = "*",
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]: ...

    def create(self, columns: dict[str, Any], pk: Any = None, *, defaults: Any = None) -> Any: ...

    def add_column(self, col_name: str, col_type: Any = None) -> Any: ...

    def create_index(self, columns: Iterable[Any]) -> Any: ...

    def insert(self, record: dict[str, Any], pk: Any = ..., *, replace: bool = ...) -> Any: ...

    def insert_all(
        self, records: Iterable[dict[str, Any]], pk: Any = ..., *, replace: bool = ...
    ) -> Any: ...

    def upsert(self, record: dict[str, Any], pk: Any = ...) -> Any: ...

    def upsert_all(self, records: Iterable[dict[str, Any]], pk: Any = ...) -> Any: ...

    def update(self, pk_values: Any, updates: dict[str, Any] | None = None) -> Any: ...


class StateDB(Protocol):
    """The state database, whichever backend holds it."""

    @property
    def conn(self) -> StateConnection: ...

    def execute(self, sql: str, parameters: Any = None) -> StateCursor: ...

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]: ...

    def table(self, table_name: str) -> StateTable: ...

    def table_names(self) -> list[str]: ...


class StateReads(Protocol):
    """A handle to read the state through (``StateDB`` is one, ``state.reads.Reads`` another)."""

    @property
    def conn(self) -> StateConnection: ...

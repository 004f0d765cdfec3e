"""One transaction over several writes, on the state's autocommit connection.

The file connection runs with ``isolation_level=None`` (each statement commits alone), and
sqlite-utils' helpers commit on their own; writes that must land together use raw SQL inside
``atomic``: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back whole on any error (or a kill).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

    from socialseed.state.handle import StateConnection, StateReads


class atomic:  # lower case: used like the function it was, ``with atomic(db) as conn``
    """Run the block's statements as one transaction (all or nothing).

    A class, not a generator-based context manager: apply opens one per action."""

    __slots__ = ("conn",)

    def __init__(self, db: StateReads) -> None:
        self.conn: StateConnection = db.conn

    def __enter__(self) -> StateConnection:
        conn = self.conn
        if conn.in_transaction:
            conn.commit()  # an implicit transaction of a memory database: close it first
        conn.execute("BEGIN IMMEDIATE")
        return conn

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.conn.commit()
        else:
            self.conn.rollback()

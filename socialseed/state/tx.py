"""One transaction over several writes, on the state's autocommit connection.

The file connection runs with ``isolation_level=None`` (each statement commits alone), and
sqlite-utils' helpers commit on their own; writes that must land together use raw SQL inside
``atomic``: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back whole on any error (or a kill).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.state.handle import StateConnection, StateReads


@contextmanager
def atomic(db: StateReads) -> Iterator[StateConnection]:
    """Run the block's statements as one transaction (all or nothing)."""
    conn = db.conn
    if conn.in_transaction:
        conn.commit()  # an implicit transaction of a memory database: close it first
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()

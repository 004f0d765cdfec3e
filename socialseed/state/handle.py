"""The state handle every layer takes.

Code outside ``socialseed.state`` names the handle ``StateDB``, never a backend's class, so a
second backend (PostgreSQL) can stand behind the same name. Today it is sqlite-utils'
``Database``.

``StateReads`` is what a read needs of it: the connection. Functions that only read (the rows
``status`` shows) take ``StateReads``, so a read-only command can hand them the light handle of
``state.reads`` (plain ``sqlite3``) and never import sqlite-utils, which imports numpy when it
is installed. Import both names under ``TYPE_CHECKING`` in modules on that path.
"""

from __future__ import annotations

import sqlite3
from typing import Protocol, TypeAlias

from sqlite_utils import Database

StateDB: TypeAlias = Database


class StateReads(Protocol):
    """A handle to read the state through (``StateDB`` is one)."""

    @property
    def conn(self) -> sqlite3.Connection: ...

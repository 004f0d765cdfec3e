"""The state handle every layer takes.

Code outside ``socialseed.state`` names the handle ``StateDB``, never a backend's class, so a
second backend (PostgreSQL) can stand behind the same name. Today it is sqlite-utils'
``Database``.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlite_utils import Database

StateDB: TypeAlias = Database

"""The ``tokens`` table: one sealed secret per account, plus metadata that is not secret.

This module stores bytes it does not understand; sealing and opening them is ``auth.vault``'s
work. Every write is one SQLite transaction, so a rotated refresh token is either fully
stored or not at all (a crash between refresh and save cannot leave half a row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from socialseed.state.handle import StateConnection, StateDB

_UPSERT = (
    "INSERT INTO tokens (account, ciphertext, scheme, backend, meta, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(account) DO UPDATE SET ciphertext = excluded.ciphertext, "
    "scheme = excluded.scheme, backend = excluded.backend, meta = excluded.meta, "
    "updated_at = excluded.updated_at"
)


@dataclass(frozen=True)
class TokenRecord:
    """One row: the sealed secret and what may be shown about it."""

    account: str
    ciphertext: bytes
    scheme: str  # how ``ciphertext`` was sealed, e.g. "aesgcm-v1" or "plain-v1"
    backend: str  # where the key lives: "env", "keyring", "file" or "insecure"
    meta: dict[str, Any] = field(default_factory=dict)  # never a secret
    updated_at: str = ""


def save_token(db: StateDB, record: TokenRecord) -> None:
    """Insert or replace the account's row in one transaction."""
    params = (
        record.account,
        record.ciphertext,
        record.scheme,
        record.backend,
        json.dumps(record.meta, sort_keys=True),
        record.updated_at,
    )
    _atomic(db.conn, _UPSERT, params)


def load_token(db: StateDB, account: str) -> TokenRecord | None:
    rows = list(db.table("tokens").rows_where("account = ?", [account]))
    return _record(rows[0]) if rows else None


def list_tokens(db: StateDB) -> list[TokenRecord]:
    return [_record(row) for row in db.table("tokens").rows_where(order_by="account")]


def delete_token(db: StateDB, account: str) -> bool:
    """Remove the account's row; ``False`` if there was none."""
    if load_token(db, account) is None:
        return False
    _atomic(db.conn, "DELETE FROM tokens WHERE account = ?", (account,))
    return True


def _record(row: dict[str, Any]) -> TokenRecord:
    meta = json.loads(row.get("meta") or "{}")
    return TokenRecord(
        account=row["account"],
        ciphertext=bytes(row.get("ciphertext") or b""),
        scheme=row.get("scheme") or "",
        backend=row.get("backend") or "",
        meta=meta if isinstance(meta, dict) else {},
        updated_at=row.get("updated_at") or "",
    )


def _atomic(conn: StateConnection, sql: str, params: tuple[Any, ...]) -> None:
    if conn.in_transaction:  # part of the caller's transaction
        conn.execute(sql, params)
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(sql, params)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()

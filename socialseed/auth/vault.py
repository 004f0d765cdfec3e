"""Seal and open stored grants: AES-256-GCM, the account id bound in as associated data.

A sealed blob is ``b"\\x01" + nonce (12 bytes) + ciphertext``. The row's metadata records the
key's fingerprint, so a wrong key and a corrupt blob give different, precise errors.
Plaintext is written only when the person asked for ``--insecure-storage``.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from socialseed.auth.grant import Grant
from socialseed.auth.keys import KEY_ENV, Key, KeyManager
from socialseed.clock import iso
from socialseed.errors import SecretError
from socialseed.state.handle import StateDB
from socialseed.state.tokens import TokenRecord, delete_token, list_tokens, load_token, save_token

SEALED = "aesgcm-v1"
PLAIN = "plain-v1"
INSECURE = "insecure"
_VERSION = b"\x01"


class Vault:
    """Grants in the ``tokens`` table, sealed with the managed key."""

    def __init__(self, db: StateDB, keys: KeyManager) -> None:
        self.db = db
        self.keys = keys

    def put(self, account: str, grant: Grant, *, now: datetime, insecure: bool = False) -> str:
        """Store (replace) the account's grant; returns the storage backend used."""
        payload = json.dumps(grant.secret(), sort_keys=True).encode()
        meta = grant.meta()
        if insecure:
            record = TokenRecord(account, payload, PLAIN, INSECURE, meta, iso(now))
        else:
            key = self.keys.for_writing()
            meta["key_id"] = key.key_id
            record = TokenRecord(
                account, seal(key, account, payload), SEALED, key.backend, meta, iso(now)
            )
        save_token(self.db, record)
        return record.backend

    def get(self, account: str) -> Grant | None:
        """The account's grant, opened; ``None`` if nothing is stored."""
        record = load_token(self.db, account)
        if record is None:
            return None
        return Grant.from_parts(self._open(record), record.meta)

    def record(self, account: str) -> TokenRecord | None:
        """The stored row without opening it (for ``auth status``)."""
        return load_token(self.db, account)

    def records(self) -> list[TokenRecord]:
        return list_tokens(self.db)

    def delete(self, account: str) -> bool:
        return delete_token(self.db, account)

    def _open(self, record: TokenRecord) -> dict[str, Any]:
        if record.scheme == PLAIN:
            return _loads(record, record.ciphertext)
        if record.scheme != SEALED:
            raise _corrupt(record, f"unknown storage scheme {record.scheme!r}")
        key = self.keys.existing()
        if key is None:
            raise SecretError(
                f"the token of account '{record.account}' is encrypted, but no key was found "
                f"({self.keys.searched()})",
                hint=f"set {KEY_ENV} to the key used at login, or run "
                f"'socialseed auth login {record.account}' again",
            )
        stored_id = record.meta.get("key_id")
        if stored_id and stored_id != key.key_id:
            raise SecretError(
                f"the token of account '{record.account}' was encrypted with another key "
                f"(key id {stored_id}); the key from {key.where} has id {key.key_id}",
                hint=f"set {KEY_ENV} to the key used at login, or run "
                f"'socialseed auth login {record.account}' to store a new token",
            )
        try:
            return _loads(record, unseal(key, record.account, record.ciphertext))
        except InvalidTag as exc:
            raise _corrupt(record, "decryption failed with the right key") from exc


def seal(key: Key, account: str, payload: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return _VERSION + nonce + AESGCM(key.material).encrypt(nonce, payload, _aad(account))


def unseal(key: Key, account: str, blob: bytes) -> bytes:
    if len(blob) < 29 or blob[:1] != _VERSION:
        raise InvalidTag()
    return AESGCM(key.material).decrypt(blob[1:13], blob[13:], _aad(account))


def _aad(account: str) -> bytes:
    return b"socialseed-token:" + account.encode()


def _loads(record: TokenRecord, payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise _corrupt(record, "the opened token is not readable") from exc
    if not isinstance(data, dict) or not data.get("access_token"):
        raise _corrupt(record, "the opened token has no access token")
    return data


def _corrupt(record: TokenRecord, why: str) -> SecretError:
    return SecretError(
        f"the stored token of account '{record.account}' is corrupt ({why})",
        hint=f"run 'socialseed auth logout {record.account}' and then "
        f"'socialseed auth login {record.account}'",
    )

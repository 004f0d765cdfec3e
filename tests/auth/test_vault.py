"""Tokens at rest: sealed with AES-GCM, key from env, keyring or a 0600 key file; clear errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed.auth.grant import Grant
from socialseed.auth.keys import KEY_FILE_NAME, KeyManager, new_key_text, parse_key
from socialseed.auth.vault import Vault
from socialseed.errors import EXIT_AUTH, SecretError
from socialseed.state.tokens import load_token, save_token
from tests.auth.conftest import NOW, file_bytes

SECRET = "canary-access-7f3a9c1e55"
REFRESH = "canary-refresh-0d9e8b7a66"


def grant() -> Grant:
    return Grant(
        access_token=SECRET,
        refresh_token=REFRESH,
        whoami="@studio",
        scopes=("read", "write"),
        expires_at=NOW,
    )


class FakeKeyring:
    def __init__(self, fail: bool = False) -> None:
        self.store: dict[tuple[str, str], str] = {}
        self.fail = fail

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail:
            raise RuntimeError("no dbus")
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail:
            raise RuntimeError("no dbus")
        self.store[(service, username)] = password


def test_round_trip_keeps_secrets_out_of_the_file(vault: Vault, state_path: Path) -> None:
    vault.put("a1", grant(), now=NOW)
    opened = vault.get("a1")
    assert opened is not None
    assert (opened.access_token, opened.refresh_token, opened.whoami) == (
        SECRET,
        REFRESH,
        "@studio",
    )
    raw = file_bytes(state_path)
    assert SECRET.encode() not in raw and REFRESH.encode() not in raw
    record = vault.record("a1")
    assert record is not None and record.meta["whoami"] == "@studio"
    assert SECRET not in str(record.meta)


def test_key_file_is_made_0600_after_a_warning_before_writing(db: Database, tmp_path: Path) -> None:
    events: list[str] = []
    key_path = tmp_path / KEY_FILE_NAME

    def warn(message: str) -> None:
        events.append("warn:" + ("exists" if key_path.exists() else "absent"))
        assert "SOCIALSEED_KEY" in message and str(key_path) in message

    vault = Vault(db, KeyManager({}, tmp_path, warn=warn))
    vault.put("a1", grant(), now=NOW)
    assert events == ["warn:absent"]
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state.sqlite").stat().st_mode) == 0o600
    assert vault.record("a1").backend == "file"  # type: ignore[union-attr]
    vault.put("a2", grant(), now=NOW)  # the same file is reused, no second warning
    assert events == ["warn:absent"]
    again = Vault(db, KeyManager({}, tmp_path))
    assert again.get("a1") is not None


def test_a_working_keyring_is_used_and_a_broken_one_is_skipped(
    db: Database, tmp_path: Path
) -> None:
    ring = FakeKeyring()
    Vault(db, KeyManager({}, tmp_path, keyring=ring)).put("a1", grant(), now=NOW)
    assert ring.store and not (tmp_path / KEY_FILE_NAME).exists()
    assert Vault(db, KeyManager({}, tmp_path, keyring=ring)).get("a1") is not None

    broken = Vault(db, KeyManager({}, tmp_path / "other", keyring=FakeKeyring(fail=True)))
    broken.put("a2", grant(), now=NOW)
    assert (tmp_path / "other" / KEY_FILE_NAME).exists()


def test_wrong_key_names_the_fix(db: Database) -> None:
    Vault(db, KeyManager({"SOCIALSEED_KEY": new_key_text()}, None)).put("a1", grant(), now=NOW)
    other = Vault(db, KeyManager({"SOCIALSEED_KEY": new_key_text()}, None))
    with pytest.raises(SecretError) as caught:
        other.get("a1")
    assert caught.value.exit_code == EXIT_AUTH
    assert "encrypted with another key" in caught.value.message
    assert "SOCIALSEED_KEY" in str(caught.value.hint)


def test_missing_key_names_where_it_looked(db: Database, tmp_path: Path) -> None:
    Vault(db, KeyManager({"SOCIALSEED_KEY": new_key_text()}, None)).put("a1", grant(), now=NOW)
    with pytest.raises(SecretError, match="no key was found") as caught:
        Vault(db, KeyManager({}, tmp_path)).get("a1")
    assert str(tmp_path / KEY_FILE_NAME) in caught.value.message
    assert not (tmp_path / KEY_FILE_NAME).exists()  # reading never creates a key


def test_corrupt_ciphertext_is_reported_as_corrupt(db: Database, vault: Vault) -> None:
    vault.put("a1", grant(), now=NOW)
    record = load_token(db, "a1")
    assert record is not None
    flipped = record.ciphertext[:-1] + bytes([record.ciphertext[-1] ^ 1])
    from dataclasses import replace

    save_token(db, replace(record, ciphertext=flipped))
    with pytest.raises(SecretError, match="is corrupt") as caught:
        vault.get("a1")
    assert "auth logout a1" in str(caught.value.hint)


def test_a_blob_cannot_be_moved_to_another_account(db: Database, vault: Vault) -> None:
    vault.put("a1", grant(), now=NOW)
    record = load_token(db, "a1")
    from dataclasses import replace

    save_token(db, replace(record, account="a2"))  # type: ignore[type-var]
    with pytest.raises(SecretError, match="corrupt"):
        vault.get("a2")


def test_insecure_storage_only_when_asked(vault: Vault, state_path: Path) -> None:
    vault.put("a1", grant(), now=NOW, insecure=True)
    record = vault.record("a1")
    assert record is not None and record.backend == "insecure" and record.scheme == "plain-v1"
    assert SECRET.encode() in file_bytes(state_path)
    assert vault.get("a1").access_token == SECRET  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [new_key_text(), "ab" * 32, "a long passphrase for the team vault"],
    ids=["generated", "hex", "passphrase"],
)
def test_key_forms(text: str) -> None:
    assert len(parse_key(text)) == 32
    assert parse_key(text) == parse_key(text + "\n")

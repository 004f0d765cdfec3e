"""Where the key that seals stored tokens comes from.

In order: ``SOCIALSEED_KEY`` (the environment, for CI), the OS keyring when one works, else
a key file created with mode 0600 next to the state file, after a warning printed before
anything is written. A key is 32 bytes; ``SOCIALSEED_KEY`` may hold it in base64 or hex, or
any passphrase (stretched with scrypt).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from socialseed import redact
from socialseed.errors import SecretError

KEY_ENV = "SOCIALSEED_KEY"
KEYRING_ENV = "SOCIALSEED_KEYRING"  # "off" disables the OS keyring
KEYRING_SERVICE = "socialseed"
KEYRING_USER = "state-key"
KEY_FILE_NAME = "socialseed.key"
_SCRYPT_SALT = b"socialseed/state-key/v1"


@dataclass(frozen=True)
class Key:
    """A 32-byte key and where it came from (never the key itself in ``where``)."""

    material: bytes
    backend: str  # "env", "keyring" or "file"
    where: str  # for messages: "SOCIALSEED_KEY", "the OS keyring", a file path

    @property
    def key_id(self) -> str:
        """A short fingerprint that tells keys apart without revealing them."""
        return hmac.new(self.material, b"socialseed key id", hashlib.sha256).hexdigest()[:12]


class Keyring(Protocol):
    """The two calls we need from an OS keyring (the ``keyring`` package fits)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...


def new_key_text() -> str:
    """A fresh random key in the text form ``SOCIALSEED_KEY`` accepts."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(text: str) -> bytes:
    """32 key bytes from base64, hex, or (anything else) a passphrase."""
    text = text.strip()
    raw = _decode(text)
    if raw is not None:
        return raw
    return hashlib.scrypt(text.encode(), salt=_SCRYPT_SALT, n=2**14, r=8, p=1, dklen=32)


def _decode(text: str) -> bytes | None:
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


class KeyManager:
    """Finds the key, or makes one when a token is about to be stored."""

    def __init__(
        self,
        env: Mapping[str, str],
        key_dir: Path | None,
        *,
        keyring: Keyring | None = None,
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.env = env
        self.key_dir = key_dir
        self.keyring = keyring
        self.warn = warn
        self._found: Key | None = None  # found once per process (scrypt is slow on purpose)

    @property
    def key_file(self) -> Path | None:
        return self.key_dir / KEY_FILE_NAME if self.key_dir else None

    def existing(self) -> Key | None:
        """The key already configured, if any; nothing is created."""
        if self._found is None:
            self._found = self._from_env() or self._from_keyring() or self._from_file()
        return self._found

    def for_writing(self) -> Key:
        """The existing key, else a new one (keyring first, else a 0600 key file)."""
        key = self.existing()
        if key is not None:
            return key
        self._found = self._new_in_keyring() or self._new_file()
        return self._found

    def searched(self) -> str:
        """Where we looked, for messages."""
        places = [f"{KEY_ENV} is not set"]
        places.append("no OS keyring entry" if self.keyring else "no usable OS keyring")
        places.append(f"no key file at {self.key_file}" if self.key_file else "no key file")
        return ", ".join(places)

    def _from_env(self) -> Key | None:
        text = self.env.get(KEY_ENV)
        if not text:
            return None
        redact.register(text)
        return Key(parse_key(text), "env", KEY_ENV)

    def _from_keyring(self) -> Key | None:
        if self.keyring is None:
            return None
        try:
            text = self.keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception:  # a keyring that fails at use: fall back quietly
            self.keyring = None
            return None
        if not text:
            return None
        redact.register(text)
        return Key(parse_key(text), "keyring", "the OS keyring")

    def _from_file(self) -> Key | None:
        path = self.key_file
        if path is None or not path.exists():
            return None
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretError(
                f"key file {path} cannot be read ({type(exc).__name__})",
                hint=f"check its permissions, or set {KEY_ENV} to the key you logged in with",
            ) from exc
        redact.register(text)
        return Key(parse_key(text), "file", str(path))

    def _new_in_keyring(self) -> Key | None:
        if self.keyring is None:
            return None
        text = new_key_text()
        try:
            self.keyring.set_password(KEYRING_SERVICE, KEYRING_USER, text)
        except Exception:  # locked or headless keyring: fall back quietly
            return None
        redact.register(text)
        return Key(parse_key(text), "keyring", "the OS keyring")

    def _new_file(self) -> Key:
        path = self.key_file
        if path is None:
            raise SecretError(
                "no place to keep the encryption key for stored tokens",
                hint=f"set {KEY_ENV} (for example to the output of "
                "'python -c \"import secrets; print(secrets.token_urlsafe(32))\"')",
            )
        self.warn(
            f"Warning: {KEY_ENV} is not set and no OS keyring is usable, so the key that "
            f"encrypts your tokens will be kept in {path} (mode 0600). Anyone who can read both "
            f"that file and the state file can use your tokens. Set {KEY_ENV} to keep the key "
            "elsewhere (recommended for CI and shared machines)."
        )
        text = new_key_text()
        _write_private(path, text)
        redact.register(text)
        return Key(parse_key(text), "file", str(path))


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError as exc:
        raise SecretError(
            f"key file {path} appeared while a new one was being made",
            hint="run the command again; it will use the existing file",
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")


def system_keyring(env: Mapping[str, str]) -> Keyring | None:
    """The OS keyring if one really works here, else ``None`` (quietly)."""
    if env.get(KEYRING_ENV, "").lower() in {"0", "off", "no", "false"}:
        return None
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) < 1:
        return None
    return backend

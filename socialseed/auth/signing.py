"""Signed decisions: the canonical bytes a reviewer signs, and Ed25519 signatures over them.

A signature is an SSH signature (``ssh-keygen -Y sign -n socialseed-decision`` makes the same
kind; see OpenSSH's PROTOCOL.sshsig), armored between ``-----BEGIN SSH SIGNATURE-----`` lines,
or a bare Ed25519 signature written ``ed25519:BASE64``. Both are verified here, with
``cryptography``, against the reviewer's public key from the config (``ssh-ed25519 AAAA...``);
verifying never shells out. A key held by ssh-agent (``--sign-with ~/.ssh/id_ed25519.pub``)
signs through ``ssh-keygen -Y sign``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from socialseed.clock import iso
from socialseed.errors import ApprovalError
from socialseed.model import Decision, Target

NAMESPACE = "socialseed-decision"
PAYLOAD_VERSION = 1
_MAGIC = b"SSHSIG"
_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
_KEY_TYPE = b"ssh-ed25519"
_HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}


# -- what is signed ----------------------------------------------------------------------------
def target_key(target: Target) -> str:
    """The target as signed: its platform id, and the post for a post's action."""
    return f"{target.id}#{target.post_id}" if target.post_id else target.id


def payload(decision: Decision) -> bytes:
    """The canonical serialisation of a decision (sorted keys, no spaces, UTF-8)."""
    data = {
        "v": PAYLOAD_VERSION,
        "plan": decision.plan_id,
        "action": decision.action_id,
        "verb": decision.verb,
        "target": decision.target,
        "text": decision.text,
        "decision": decision.verdict,
        "reviewer": decision.reviewer,
        "at": iso(decision.decided_at),
        "expires": iso(decision.expires_at) if decision.expires_at else None,
        "override": decision.override,
        "reason": decision.reason,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# -- keys --------------------------------------------------------------------------------------
def public_key(text: str) -> Ed25519PublicKey:
    """An ``ssh-ed25519 AAAA... comment`` line; ``ValueError`` saying why when it is not one."""
    parts = text.split()
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        raise ValueError("not an Ed25519 SSH public key (expected 'ssh-ed25519 AAAA...')")
    try:
        key = serialization.load_ssh_public_key(f"{parts[0]} {parts[1]}".encode())
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"not a readable SSH public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """``SHA256:...`` as ``ssh-keygen -l`` prints it."""
    digest = hashlib.sha256(_public_blob(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class Signer(Protocol):
    """Signs decisions for one reviewer; ``public`` is the key it signs for."""

    @property
    def path(self) -> str: ...

    @property
    def public(self) -> Ed25519PublicKey: ...

    def sign(self, message: bytes) -> str: ...


@dataclass(frozen=True)
class KeySigner:
    """A reviewer's private key, loaded from an OpenSSH (or PEM) Ed25519 key file."""

    key: Ed25519PrivateKey
    path: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.key.public_key()

    def sign(self, message: bytes) -> str:
        return sign(self.key, message)


@dataclass(frozen=True)
class AgentSigner:
    """A key held by ssh-agent, named by its ``.pub`` file: ``ssh-keygen -Y sign`` signs
    through the agent (the private key never reaches SocialSeed); the signature it returns is
    verified here before it is used."""

    public: Ed25519PublicKey
    path: str
    env: Mapping[str, str]

    def sign(self, message: bytes) -> str:
        argv = ["ssh-keygen", "-q", "-Y", "sign", "-f", self.path, "-n", NAMESPACE]
        try:
            done = subprocess.run(
                argv, input=message, capture_output=True, timeout=60, env=dict(self.env)
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise ApprovalError(
                f"--sign-with {self.path}: ssh-keygen could not be run ({exc})",
                hint="install OpenSSH's ssh-keygen, or give the private key file instead",
            ) from None
        signature = done.stdout.decode(errors="replace").strip()
        if done.returncode != 0 or verify(self.public, message, signature) is not None:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            raise ApprovalError(
                f"--sign-with {self.path}: ssh-agent did not sign the decision"
                + (f" ({said[-1]})" if said else ""),
                hint="is the agent running (SSH_AUTH_SOCK) and the key added (ssh-add -l)?",
            )
        return signature


def load_signer(
    path: Path,
    passphrase: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    option: str = "--sign-with",
) -> Signer:
    """The Ed25519 key in ``path`` (a private key file, or a ``.pub`` whose private half
    ssh-agent holds); ``ApprovalError`` (exit 1) saying why not, naming its ``option``."""
    try:
        data = path.expanduser().read_bytes()
    except OSError as exc:
        raise ApprovalError(
            f"{option} {path}: cannot read the key ({exc.strerror or exc})",
            hint=f"give your Ed25519 private key file, e.g. {option} ~/.ssh/id_ed25519",
        ) from None
    if data.startswith(b"ssh-ed25519 "):
        try:
            public = public_key(data.decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApprovalError(f"{option} {path}: {exc}") from None
        return AgentSigner(public, str(path.expanduser()), env or {})
    secret = passphrase.encode() if passphrase else None
    key: object
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
            key = serialization.load_ssh_private_key(data, password=secret)
        else:
            key = serialization.load_pem_private_key(data, password=secret)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        locked = "password" in str(exc).lower() or "encrypted" in str(exc).lower()
        if secret is not None:
            hint = "check SOCIALSEED_SIGN_PASSPHRASE: a wrong passphrase cannot unlock the key"
        elif locked:
            hint = "the key is protected by a passphrase: set SOCIALSEED_SIGN_PASSPHRASE"
        else:
            hint = "give an Ed25519 private key (ssh-keygen -t ed25519 makes one)"
        raise ApprovalError(f"{option} {path}: cannot load the key", hint=hint) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ApprovalError(
            f"{option} {path}: not an Ed25519 key",
            hint="decisions are signed with Ed25519 keys (ssh-keygen -t ed25519)",
        )
    return KeySigner(key, str(path))


# -- SSH signatures ----------------------------------------------------------------------------
def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _public_blob(key: Ed25519PublicKey) -> bytes:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _string(_KEY_TYPE) + _string(raw)


def _signed_data(message: bytes, hash_name: str) -> bytes:
    digest = _HASHES[hash_name](message).digest()
    return (
        _MAGIC
        + _string(NAMESPACE.encode())
        + _string(b"")
        + _string(hash_name.encode())
        + _string(digest)
    )


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """An armored SSH signature of ``message`` in the decision namespace."""
    raw = key.sign(_signed_data(message, "sha512"))
    blob = (
        _MAGIC
        + struct.pack(">I", 1)
        + _string(_public_blob(key.public_key()))
        + _string(NAMESPACE.encode())
        + _string(b"")
        + _string(b"sha512")
        + _string(_string(_KEY_TYPE) + _string(raw))
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "\n".join([_BEGIN, *lines, _END])


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise ValueError("truncated")
        out = self.data[self.at : self.at + n]
        self.at += n
        return out

    def string(self) -> bytes:
        (n,) = struct.unpack(">I", self.take(4))
        return self.take(n)


def verify(key: Ed25519PublicKey, message: bytes, signature: str) -> str | None:
    """Why ``signature`` is not ``key``'s signature of ``message`` (None: it is)."""
    text = signature.strip()
    try:
        if text.startswith("ed25519:"):
            key.verify(base64.b64decode(text[8:], validate=True), message)
            return None
        if text.startswith(_BEGIN) and text.endswith(_END):
            return _verify_sshsig(key, message, text[len(_BEGIN) : -len(_END)])
        return "not a signature this version reads (an SSH signature or ed25519:BASE64)"
    except InvalidSignature:
        return "the signature does not match the decision and the key"
    except (ValueError, binascii.Error, struct.error) as exc:
        return f"the signature is malformed ({exc})"


def _verify_sshsig(key: Ed25519PublicKey, message: bytes, body: str) -> str | None:
    blob = _Reader(base64.b64decode("".join(body.split()), validate=True))
    if blob.take(6) != _MAGIC or struct.unpack(">I", blob.take(4))[0] != 1:
        return "not an SSH signature (version 1)"
    signer_blob, namespace = blob.string(), blob.string().decode()
    blob.string()  # reserved
    hash_name = blob.string().decode()
    sig = _Reader(blob.string())
    if signer_blob != _public_blob(key):
        return "it was made with another key than the reviewer's key in policy.reviewers"
    if namespace != NAMESPACE:
        return f"it was made for namespace {namespace!r}, not {NAMESPACE!r}"
    if hash_name not in _HASHES or sig.string() != _KEY_TYPE:
        return f"unsupported signature algorithm ({hash_name})"
    key.verify(sig.string(), _signed_data(message, hash_name))
    return None

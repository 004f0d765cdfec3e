"""One place that scrubs secrets from everything SocialSeed prints or writes.

Known secret values are registered at the moment they are read (``register``); patterns catch
what looks like a token even when it was never registered (bearer headers, JWTs, app passwords,
OAuth codes in URLs).
"""

from __future__ import annotations

import re

MASK = "[redacted]"
_KNOWN: set[str] = set()
_PATTERNS = [
    re.compile(r"(?i)(authorization\s*[:=]\s*)(bearer|basic|dpop)?\s*[^\s,'\"]+"),
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\b"),  # Bluesky app password
    re.compile(
        r"(?i)\b((?:access|refresh)_token|client_secret|code|password|app_password|api_key)"
        r"(=|\"?\s*:\s*\"?)([^&\s\"',}]+)"
    ),
    re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{12,}"),  # provider API keys
    re.compile(r"\bgsk_[A-Za-z0-9]{12,}"),
]


def register(secret: str | None) -> None:
    """Remember a secret value so it is masked wherever it appears."""
    if secret and len(secret) >= 6:
        _KNOWN.add(secret)


def forget_all() -> None:
    _KNOWN.clear()


def scrub(text: str) -> str:
    """The text with every known secret and every token-looking string masked."""
    for secret in sorted(_KNOWN, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(_replacement, text)
    return text


def _replacement(match: re.Match[str]) -> str:
    groups = match.groups()
    if len(groups) == 3 and groups[2] is not None:  # key=value form
        return f"{groups[0]}{groups[1]}{MASK}"
    if len(groups) >= 1 and groups[0] and match.re.pattern.startswith("(?i)(authorization"):
        return f"{groups[0]}{MASK}"
    if len(groups) == 1 and groups[0] and groups[0].lower() == "bearer":
        return f"{groups[0]} {MASK}"
    return MASK

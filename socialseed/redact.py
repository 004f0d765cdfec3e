"""One place that scrubs secrets from everything SocialSeed prints or writes.

Known secret values are registered at the moment they are read (``register``); patterns catch
what looks like a token even when it was never registered (Authorization and Access-Token
headers, bearer tokens, JWTs, Bluesky app passwords, OAuth codes, tokens and client secrets in
URLs, forms and JSON, provider API keys). ``install()`` puts the same scrubbing in front of
logging and of the traceback printer that ``SOCIALSEED_DEBUG=1`` uses.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
_KNOWN: set[str] = set()
_SECRET_NAMES = (
    r"access_token|refresh_token|id_token|token|client_secret|code|code_verifier|password|"
    r"app_password|api_key|apikey|accessJwt|refreshJwt|secret|authFactorToken"
)
# name=value in URLs and forms (the name not part of a longer word)
_FORM = re.compile(rf"(?i)(?<![A-Za-z0-9_.-])({_SECRET_NAMES})(=)([^&\s\"'#,;]+)")
# "name": "value" in JSON and Python reprs
_JSON = re.compile(rf"(?i)(['\"](?:{_SECRET_NAMES})['\"]\s*:\s*)(['\"])([^'\"]+)\2")
# headers: Authorization / Proxy-Authorization / Access-Token / Cookie: value (to end of line)
_HEADER = re.compile(
    r"(?i)((?:proxy-)?authorization|access-token|x-api-key|cookie|set-cookie)"
    r"(['\"]?\s*[:=]\s*['\"]?)([^\r\n'\"]+)"
)
_BARE = [
    re.compile(r"(?i)\b(bearer|basic|dpop)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\b"),  # Bluesky app password
    re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{12,}"),  # provider API keys
    re.compile(r"\bgsk_[A-Za-z0-9]{12,}"),
]
_MIN_LENGTH = 6


def register(secret: str | None) -> None:
    """Remember a secret value so it is masked wherever it appears (also URL-encoded)."""
    if not secret or len(secret) < _MIN_LENGTH:
        return
    _KNOWN.update({secret, quote(secret, safe=""), quote_plus(secret, safe="")})


def forget_all() -> None:
    _KNOWN.clear()


def scrub(text: str) -> str:
    """The text with every known secret and every token-looking string masked."""
    for secret in sorted(_KNOWN, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _JSON.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", text)
    text = _FORM.sub(lambda m: f"{m.group(1)}={MASK}", text)
    for pattern in _BARE:
        text = pattern.sub(_bare, text)
    return text


def _bare(match: re.Match[str]) -> str:
    if match.groups() and match.group(1):
        return f"{match.group(1)} {MASK}"
    return MASK


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs each record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


_installed = False


def install() -> None:
    """Scrub log records and uncaught tracebacks from now on (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    root = logging.getLogger()
    root.addFilter(ScrubFilter())
    for handler in root.handlers:
        handler.addFilter(ScrubFilter())
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        sys.stderr.write(scrub("".join(traceback.format_exception(kind, exc, tb))))

    sys.excepthook = hook

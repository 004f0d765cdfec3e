"""How long a provider that answered 429 or 5xx asks us to wait before trying again.

Read in this order: ``retry-after-ms``; ``retry-after`` (seconds or an HTTP date); the rate
headers' resets, for the limit that ran out (OpenAI and Groq ``x-ratelimit-reset-requests`` /
``-tokens`` as durations like ``6m0s``; Anthropic ``anthropic-ratelimit-*-reset`` as RFC 3339
instants); else 1, 2, 4... seconds. The caller bounds the total wait (``max_wait``) and the
number of retries; an answer that retrying cannot fix (OpenAI's ``insufficient_quota``) is not
retried.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})  # 529: Anthropic "overloaded"
MAX_RETRIES = 3
NOT_RETRIED_CODES = frozenset({"insufficient_quota"})  # OpenAI: the account has no credit left
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def retryable(response: httpx.Response) -> bool:
    """A 429 or 5xx that waiting may fix."""
    if response.status_code not in RETRY_STATUSES:
        return False
    return _error_code(response) not in NOT_RETRIED_CODES


def wait_seconds(response: httpx.Response, retry: int, now: datetime) -> float:
    """Seconds to wait before retry number ``retry`` (0-based), from the answer's headers."""
    headers = response.headers
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    after = _retry_after(headers.get("retry-after"), now)
    if after is not None:
        return after
    reset = _reset(headers, now)
    if reset is not None:
        return reset
    return float(2**retry)


def _retry_after(value: str | None, now: datetime) -> float | None:
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def _reset(headers: httpx.Headers, now: datetime) -> float | None:
    """The wait until the exhausted limit resets (or the longest reset when none says so)."""
    resets: dict[str, float] = {}
    for name, value in headers.items():
        if name.endswith("-reset") or name.startswith("x-ratelimit-reset-"):
            limit = _limit_name(name)
            seconds = _instant_or_duration(value, now)
            if limit and seconds is not None:
                resets[limit] = seconds
    if not resets:
        return None
    exhausted = [s for limit, s in resets.items() if _remaining(headers, limit) == 0]
    return max(exhausted or resets.values())


def _limit_name(header: str) -> str:
    """``requests`` for x-ratelimit-reset-requests and anthropic-ratelimit-requests-reset."""
    if header.startswith("x-ratelimit-reset-"):
        return header.removeprefix("x-ratelimit-reset-")
    if header.startswith("anthropic-ratelimit-") and header.endswith("-reset"):
        return header.removeprefix("anthropic-ratelimit-").removesuffix("-reset")
    return ""


def _remaining(headers: httpx.Headers, limit: str) -> float | None:
    value = headers.get(f"x-ratelimit-remaining-{limit}") or headers.get(
        f"anthropic-ratelimit-{limit}-remaining"
    )
    return _number(value)


def _instant_or_duration(value: str, now: datetime) -> float | None:
    text = value.strip()
    if "T" in text:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, (when - now).total_seconds())
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return _number(text)
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number >= 0 and number == number and number != float("inf") else None


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else ""

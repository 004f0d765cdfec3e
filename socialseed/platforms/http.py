"""The one HTTP boundary: send a request, map every foreign failure to ``socialseed.errors``.

Each platform passes its own ``reset_at`` reader and message extractor; the mapping of
status codes to the error tree lives here alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from socialseed.errors import (
    AuthExpired,
    NotFound,
    PermanentError,
    PlatformError,
    RateLimited,
    Transient,
)

ResetReader = Callable[[httpx.Response], datetime | None]
MessageReader = Callable[[httpx.Response], str]
USER_AGENT = "socialseed/0.1 (+official APIs only)"


def default_message(response: httpx.Response) -> str:
    """The platform's own words for an error, from the common JSON shapes."""
    try:
        body = response.json()
    except ValueError:
        return _short_text(response)
    if isinstance(body, dict):
        for key in ("detail", "message", "error_description", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message") or errors[0].get("detail") or errors[0])
    return _short_text(response)


def _short_text(response: httpx.Response) -> str:
    ctype = response.headers.get("content-type", "")
    if "html" in ctype or response.text.lstrip().startswith("<"):
        return f"an HTML page instead of an API answer (HTTP {response.status_code})"
    text = response.text.strip().replace("\n", " ")
    return text[:200] or f"HTTP {response.status_code}"


def request_id(response: httpx.Response) -> str | None:
    for name in ("x-request-id", "x-transaction-id", "x-response-id", "request-id"):
        if name in response.headers:
            return response.headers[name]
    return None


def raise_for_response(
    response: httpx.Response,
    *,
    platform: str,
    now: datetime,
    reset_reader: ResetReader,
    message_reader: MessageReader = default_message,
) -> None:
    """Map a non-2xx answer to the error tree; return quietly on success."""
    status = response.status_code
    if status < 400:
        return
    message = f"{platform}: {message_reader(response)}"
    rid = request_id(response)
    if status == 429:
        reset = reset_reader(response) or now + timedelta(seconds=60)
        raise RateLimited(message, reset_at=reset, status=status, request_id=rid)
    if status == 401:
        raise AuthExpired(
            message,
            hint="reconnect with 'socialseed auth login ACCOUNT'",
            status=status,
            request_id=rid,
        )
    if status == 404:
        raise NotFound(message, status=status, request_id=rid)
    if status >= 500:
        raise Transient(message, status=status, request_id=rid)
    raise PermanentError(message, status=status, request_id=rid)


def parse_json(response: httpx.Response, *, platform: str) -> Any:
    """The JSON body of a successful answer; a malformed body is a ``Transient`` error."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError) as exc:
        raise Transient(
            f"{platform}: malformed answer from {response.request.url.path}: "
            f"{_short_text(response)}",
            status=response.status_code,
            request_id=request_id(response),
        ) from exc


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    platform: str,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; timeouts and connection failures become ``Transient``."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise Transient(f"{platform}: {method} {url} timed out") from exc
    except httpx.TransportError as exc:
        raise Transient(f"{platform}: {method} {url} failed: {type(exc).__name__}") from exc


def epoch_reset(header: str) -> ResetReader:
    """A reset reader for headers in Unix epoch seconds."""

    def read(response: httpx.Response) -> datetime | None:
        from datetime import UTC

        value = response.headers.get(header)
        if value is None:
            return None
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except ValueError:
            return None

    return read


__all__ = [
    "PlatformError",
    "default_message",
    "epoch_reset",
    "parse_json",
    "raise_for_response",
    "request_id",
    "send",
]

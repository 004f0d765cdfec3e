"""The one HTTP boundary: send a request, map every foreign failure to ``socialseed.errors``.

Each platform passes its own ``reset_at`` reader and message extractor; the mapping of
status codes to the error tree lives here alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from socialseed.clock import Clock, parse_instant
from socialseed.errors import (
    AuthExpired,
    NotFound,
    PermanentError,
    PlatformError,
    RateLimited,
    Transient,
)
from socialseed.model import RateInfo
from socialseed.platforms.rate_window import Opening, length_bounds, narrow, opened_by, refine
from socialseed.platforms.tokens import TokenSource
from socialseed.redact import scrub

if TYPE_CHECKING:
    from socialseed.config.schema import Account

ResetReader = Callable[[httpx.Response], datetime | None]
MessageReader = Callable[[httpx.Response], str]
Classifier = Callable[[httpx.Response, str], PlatformError | None]
USER_AGENT = "socialseed/0.1 (+official APIs only)"
DEFAULT_429_WAIT = 60.0  # seconds, when a 429 names no reset at all


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
    classifier: Classifier | None = None,
) -> None:
    """Map a non-2xx answer to the error tree; return quietly on success.

    ``classifier`` (optional) sees the answer and the prefixed message first and may return
    a platform-specific error (e.g. a 403 that means the account is restricted).
    """
    status = response.status_code
    if status < 400:
        return
    message = scrub(f"{platform}: {message_reader(response)}")  # bodies may echo a token
    rid = request_id(response)
    if classifier is not None:
        special = classifier(response, message)
        if special is not None:
            raise special
    if status == 429:
        raise RateLimited(
            message,
            reset_at=reset_after_429(response, now, reset_reader),
            status=status,
            request_id=rid,
        )
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
            scrub(
                f"{platform}: malformed answer from {response.request.url.path}: "
                f"{_short_text(response)}"
            ),
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


def retry_after(response: httpx.Response, now: datetime) -> datetime | None:
    """``Retry-After`` as an instant: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def reset_after_429(response: httpx.Response, now: datetime, reset_reader: ResetReader) -> datetime:
    """When a 429 lifts: the later of ``Retry-After`` and the platform's reset header; with
    neither, a minute (the careful default)."""
    named = [t for t in (retry_after(response, now), reset_reader(response)) if t is not None]
    return max(named, default=now + timedelta(seconds=DEFAULT_429_WAIT))


def epoch_reset(header: str) -> ResetReader:
    """A reset reader for headers in Unix epoch seconds."""

    def read(response: httpx.Response) -> datetime | None:
        value = response.headers.get(header)
        if value is None:
            return None
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except ValueError:
            return None

    return read


# --- Endpoint tables and the per-adapter session (added for the official adapters) ---------


@dataclass(frozen=True)
class Endpoint:
    """One request an adapter may make: a method and a path template (``{name}`` fields)."""

    method: str
    path: str

    def url(self, **fields: str) -> str:
        """The path with every field filled in, each percent-encoded as one segment."""
        return self.path.format(**{k: quote(str(v), safe=":@") for k, v in fields.items()})

    def matches(self, method: str, path: str) -> bool:
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(self.path))
        return method.upper() == self.method and re.fullmatch(pattern, path) is not None


def endpoint_for(table: Mapping[str, Endpoint], method: str, path: str) -> str | None:
    """The name of the table entry a request matches, or ``None``."""
    return next((name for name, ep in table.items() if ep.matches(method, path)), None)


def iso_or_epoch_reset(header: str) -> ResetReader:
    """A reset reader for headers holding an ISO 8601 instant or Unix epoch seconds."""
    epoch = epoch_reset(header)

    def read(response: httpx.Response) -> datetime | None:
        value = response.headers.get(header)
        if value is None:
            return None
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
            return epoch(response)
        try:
            return parse_instant(value)
        except ValueError:
            return None

    return read


def header_rate(
    prefix: str, reset_reader: ResetReader
) -> Callable[[httpx.Response, str], RateInfo | None]:
    """Reads ``<prefix>limit``, ``<prefix>remaining`` and the reset into a ``RateInfo``."""

    def read(response: httpx.Response, bucket: str) -> RateInfo | None:
        limit = _int_header(response, prefix + "limit")
        remaining = _int_header(response, prefix + "remaining")
        if limit is None and remaining is None:
            return None
        return RateInfo(limit, remaining, reset_reader(response), bucket)

    return read


def _int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(float(response.headers[name]))
    except (KeyError, ValueError):
        return None


TokenGetter = Callable[[], Awaitable[str]]
RateReader = Callable[[httpx.Response, str], RateInfo | None]
ExpiredCheck = Callable[[httpx.Response], bool]


@dataclass
class ApiSession:
    """Sends only the requests in ``endpoints``, adds the bearer token, maps every error.

    An answer that ``is_expired`` recognises gets one token refresh and one retry.
    """

    platform: str
    client: httpx.AsyncClient
    endpoints: Mapping[str, Endpoint]
    clock: Clock
    reset_reader: ResetReader
    rate_reader: RateReader
    token: TokenGetter | None = None
    refresh: TokenGetter | None = None
    is_expired: ExpiredCheck | None = None
    classifier: Classifier | None = None
    message_reader: MessageReader = default_message
    last_rate: dict[str, RateInfo] = field(default_factory=dict)
    shared_bucket: str | None = None  # one limit for every call (e.g. Mastodon's headers)
    token_header: str = "authorization"  # TikTok's API for Business: "Access-Token"
    token_prefix: str = "Bearer "  # TikTok's API for Business: none
    openings: dict[str, Opening] = field(default_factory=dict)  # the call that opened a window
    distrusted: set[str] = field(default_factory=set)  # buckets that answered 429
    lengths: dict[str, tuple[int, int] | None] = field(default_factory=dict)  # window seconds
    sent: int = 0  # requests sent so far (reads, writes and refused ones alike)

    async def call(
        self, name: str, *, path: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send the table's request ``name``; ``kwargs`` go to httpx (params, json, data...)."""
        endpoint = self.endpoints[name]
        url = endpoint.url(**(path or {}))
        headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (0, 1):
            if self.token is not None:
                token = await self._auth(refresh=attempt == 1)
                headers[self.token_header] = f"{self.token_prefix}{token}"
            sent = self.clock.now()
            self.sent += 1
            response = await send(
                self.client, endpoint.method, url, platform=self.platform, headers=headers, **kwargs
            )
            self._note_rate(name, response, Opening(sent, self.clock.now()))
            if attempt == 0 and self.refresh is not None and self._expired(response):
                continue
            self._raise(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def json(self, name: str, *, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any:
        """``call`` and the parsed JSON body."""
        return parse_json(await self.call(name, path=path, **kwargs), platform=self.platform)

    async def _auth(self, *, refresh: bool) -> str:
        """Ask the token source every time: it renews tokens that are about to expire."""
        if refresh and self.refresh is not None:
            return await self.refresh()
        return await self.token() if self.token is not None else ""

    def _expired(self, response: httpx.Response) -> bool:
        return self.is_expired is not None and self.is_expired(response)

    def _note_rate(self, name: str, response: httpx.Response, call: Opening) -> None:
        bucket = self.shared_bucket or name
        info = self.rate_reader(response, bucket)
        if info is None:
            return
        if response.status_code == 429:  # our reading of this window was wrong: stop inferring
            self.distrusted.add(bucket)
        elif opened_by(info) and bucket not in self.distrusted:
            opened = self.openings[bucket] = replace(call, reset=info.reset_at)
            self.lengths[bucket] = narrow(self.lengths.get(bucket), length_bounds(opened))
        trusted = bucket not in self.distrusted
        opening = self.openings.get(bucket) if trusted else None
        self.last_rate[bucket] = refine(info, opening, self.lengths.get(bucket))

    def _raise(self, response: httpx.Response) -> None:
        raise_for_response(
            response,
            platform=self.platform,
            now=self.clock.now(),
            reset_reader=self.reset_reader,
            message_reader=self.message_reader,
            classifier=self.classifier,
        )

    async def aclose(self) -> None:
        await self.client.aclose()


def body_field(response: httpx.Response, key: str) -> str:
    """A string field of a JSON error body (``""`` when absent or not JSON)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def token_getters(
    tokens: TokenSource | None, account: Account, platform: str
) -> tuple[TokenGetter, TokenGetter]:
    """``(access, refresh)`` callables for an account; without a token source, ``AuthExpired``."""

    async def missing() -> str:
        raise AuthExpired(
            f"{platform}: no credentials are connected for account {account.id!r}",
            hint=f"connect it with 'socialseed auth login {account.id}'",
        )

    if tokens is None:
        return missing, missing

    async def access() -> str:
        return await tokens.access_token(account)

    async def refresh() -> str:
        return await tokens.refresh(account)

    return access, refresh


__all__ = [
    "ApiSession",
    "Endpoint",
    "PlatformError",
    "body_field",
    "default_message",
    "endpoint_for",
    "epoch_reset",
    "header_rate",
    "iso_or_epoch_reset",
    "parse_json",
    "raise_for_response",
    "request_id",
    "reset_after_429",
    "retry_after",
    "send",
    "token_getters",
]

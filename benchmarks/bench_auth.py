"""Auth costs: sealing, key derivation, a stored token read, a refresh with its atomic save,
a full login round trip over loopback, and scrubbing output."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from socialseed import redact
from socialseed.auth.grant import Grant
from socialseed.auth.keys import Key, KeyManager, new_key_text, parse_key
from socialseed.auth.oauth import OAuthFlow
from socialseed.auth.providers import X
from socialseed.auth.tokens import StoreTokenSource
from socialseed.auth.vault import Vault, seal, unseal
from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.state.db import open_state

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ACCOUNT = Account(id="x-main", platform="x", handle="s", phases="p", client_id="cid")


def _per_call_us(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(runs):
            fn()
        samples.append((time.perf_counter() - started) / runs * 1e6)
    return statistics.median(samples)


def _token_endpoint(request: httpx.Request) -> httpx.Response:
    n = time.perf_counter_ns()
    return httpx.Response(
        200,
        json={
            "access_token": f"at-{n}",
            "refresh_token": f"rt-{n}",
            "expires_in": 7200,
            "token_type": "bearer",
        },
    )


def _connector(account, env, clock, transport, grant):  # type: ignore[no-untyped-def]
    return OAuthFlow(X, client_id="cid", client_secret=None, clock=clock, transport=transport)


def main() -> None:
    key = Key(parse_key(new_key_text()), "env", "bench")
    payload = b'{"access_token": "' + b"a" * 64 + b'", "refresh_token": "' + b"r" * 64 + b'"}'
    blob = seal(key, "acct", payload)
    print(
        f"   seal + open one token                 {_per_call_us(lambda: unseal(key, 'acct', seal(key, 'acct', payload)), 2000):8.1f} us"
    )
    print(
        f"   open one token                        {_per_call_us(lambda: unseal(key, 'acct', blob), 2000):8.1f} us"
    )
    print(
        f"   passphrase -> key (scrypt n=2^14)     {_per_call_us(lambda: parse_key('a team passphrase'), 5) / 1000:8.1f} ms"
    )

    with tempfile.TemporaryDirectory() as tmp:
        db = open_state(Path(tmp) / "state.sqlite", now=NOW)
        vault = Vault(db, KeyManager({"SOCIALSEED_KEY": new_key_text()}, None))
        vault.put(
            "x-main",
            Grant(
                access_token="at-0",
                refresh_token="rt-0",
                expires_at=datetime(2030, 1, 1, tzinfo=UTC),
            ),
            now=NOW,
        )
        clock = FakeClock(NOW)
        tokens = StoreTokenSource(
            {}, vault, clock, httpx.MockTransport(_token_endpoint), connector=_connector
        )

        async def reads(n: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                await tokens.access_token(ACCOUNT)
            return (time.perf_counter() - started) / n * 1e6

        async def refreshes(n: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                await tokens.refresh(ACCOUNT)
            return (time.perf_counter() - started) / n * 1e3

        print(f"   access_token (stored, decrypt)        {asyncio.run(reads(500)):8.1f} us")
        print(f"   refresh + atomic save (mock network)  {asyncio.run(refreshes(50)):8.2f} ms")

    for value in (f"secret-value-{i:04d}-abcdef" for i in range(50)):
        redact.register(value)
    text = (
        "GET /2/users/me?pagination_token=abc authorization: Bearer zzzzzzzzzzzz "
        "secret-value-0007-abcdef lorem ipsum "
    ) * 100
    print(
        f"   scrub 10 KB, 50 registered secrets    {_per_call_us(lambda: redact.scrub(text), 50):8.1f} us"
    )
    redact.forget_all()


if __name__ == "__main__":
    main()

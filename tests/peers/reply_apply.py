"""Apply a saved plan's replies against a peer, in a process of its own, optionally killed.

    python -m tests.peers.reply_apply CONFIG STATE PLAN_ID PLATFORM SECRET [--kill WHEN]

``--kill after-write`` sends the process SIGKILL the moment the platform answered the reply
(the reply exists on the server; the journal holds the intent but no outcome): the worst
moment to die. ``--kill before-write`` dies after the intent, before the request leaves.
Exit 0 when the run was ok, 1 otherwise; the test reads the state and the server itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
from pathlib import Path
from typing import Any

import httpx

from socialseed.apply.executor import Applier
from socialseed.clock import SystemClock
from socialseed.config.load import load_config
from socialseed.config.schema import Account
from socialseed.conversations.guards import text_guard
from socialseed.model import Action, Outcome
from socialseed.platforms import bluesky, mastodon
from socialseed.platforms.base import Platform, PlatformDeps
from socialseed.state import locks
from socialseed.state.db import open_state
from socialseed.state.plans import load_plan

TIMEOUT = 30.0


class PasswordSession:
    """Bluesky: createSession with the account's password (the PDS test accounts)."""

    def __init__(self, pds: str, password: str) -> None:
        self.pds, self.password = pds, password
        self.session: dict[str, Any] = {}

    async def access_token(self, account: Account) -> str:
        if not self.session:
            async with httpx.AsyncClient(base_url=self.pds, timeout=TIMEOUT) as c:
                body = {"identifier": account.handle, "password": self.password}
                r = await c.post("/xrpc/com.atproto.server.createSession", json=body)
                r.raise_for_status()
                self.session = r.json()
        return str(self.session["accessJwt"])

    async def refresh(self, account: Account) -> str:
        self.session = {}
        return await self.access_token(account)


class StaticToken:
    """Mastodon: the seeded token of mastodon_mock.toml."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def access_token(self, account: Account) -> str:
        return self.token

    async def refresh(self, account: Account) -> str:
        return self.token


def build(account: Account, secret: str, kill: str | None) -> Platform:
    deps = PlatformDeps(clock=SystemClock())
    if account.platform == "bluesky":
        assert account.service is not None
        deps.tokens = PasswordSession(str(account.service).rstrip("/"), secret)
        platform: Platform = bluesky.build(account, deps)
    else:
        deps.tokens = StaticToken(secret)
        platform = mastodon.build(account, deps)
    if kill is not None:
        _die_during_execute(platform, kill)
    return platform


def _die_during_execute(platform: Platform, when: str) -> None:
    send = platform.execute

    async def execute(action: Action) -> Outcome:
        if when == "before-write":
            os.kill(os.getpid(), signal.SIGKILL)
        outcome = await send(action)
        os.kill(os.getpid(), signal.SIGKILL)  # the reply is on the server; no outcome row
        return outcome

    platform.execute = execute  # type: ignore[method-assign]


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    for name in ("config", "state", "plan_id", "platform", "secret"):
        parser.add_argument(name)
    parser.add_argument("--kill", choices=("before-write", "after-write"))
    args = parser.parse_args(argv)
    config = load_config(Path(args.config))
    db = open_state(Path(args.state))
    plan = load_plan(db, args.plan_id)
    applier = Applier(
        db,
        plan,
        config,
        clock=SystemClock(),
        rng=random.Random(1),
        platform_for=lambda account: build(account, args.secret, args.kill),
        me=locks.Me(owner="e2e", host="localhost", pid=os.getpid()),
        reply_guard=text_guard(config),
    )
    report = await applier.run()
    for result in report.results:
        print(result.action.id, result.status, result.detail)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))

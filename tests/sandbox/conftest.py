"""Shared fixtures: a small world on a fake clock, and connected sandbox platforms."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialseed.clock import FakeClock
from socialseed.config.schema import Account, Sandbox, SandboxLimits
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.platforms.base import PlatformDeps
from socialseed.platforms.sandbox import build
from socialseed.platforms.sandbox.client import SandboxPlatform
from socialseed.platforms.sandbox.generate import WorldSpec, generate

NOW = datetime(2026, 11, 25, 18, 0, 7, tzinfo=UTC)
SIZE = 800


def account(handle: str = "demo.studio", account_id: str = "demo-studio") -> Account:
    return Account(id=account_id, platform="sandbox", handle=handle, phases="standard")


def action(verb: Verb, target: Target, account_id: str = "demo-studio") -> Action:
    return Action(
        id=action_id(account_id, verb.value, target),
        account=account_id,
        platform="sandbox",
        verb=verb,
        target=target,
        reason="test",
        risk=Risk.GREEN,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def world_path(tmp_path: Path) -> Path:
    path = tmp_path / "world.sqlite"
    generate(path, WorldSpec.at(42, SIZE, NOW))
    return path


Connect = Callable[..., SandboxPlatform]


@pytest.fixture
async def connect(world_path: Path, clock: FakeClock) -> AsyncIterator[Connect]:
    """Builds platforms on the test world (each with its own transport, like a process)."""
    made: list[SandboxPlatform] = []

    def make(
        handle: str = "demo.studio", *, limits: SandboxLimits | None = None, latency_ms: int = 0
    ) -> SandboxPlatform:
        settings = Sandbox(seed=42, size=SIZE, limits=limits or SandboxLimits())
        settings = settings.model_copy(update={"latency_ms": latency_ms})
        deps = PlatformDeps(clock=clock, sandbox_path=world_path, sandbox=settings)
        platform = build(account(handle, handle.replace(".", "-")), deps)
        made.append(platform)
        return platform

    yield make
    for platform in made:
        await platform.aclose()


@pytest.fixture
async def platform(connect: Connect) -> SandboxPlatform:
    return connect()

"""The sandbox: a deterministic simulated social network, SocialSeed's built-in platform.

A world (accounts, hashtags, a follow graph) is generated from a seed into its own SQLite file;
posts are virtual, derived from (seed, account, day); writes by managed accounts are recorded
one transaction each. Clients reach it through httpx like any real platform, over an in-process
transport (``server.SandboxTransport``) that enforces rate limits and injects faults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from socialseed.config.schema import Sandbox
from socialseed.errors import ConfigError, StateError
from socialseed.model import Budget, Capabilities, HardCap, PolicyPack, SourceKind, Verb

if TYPE_CHECKING:
    from socialseed.clock import Clock
    from socialseed.config.schema import Account
    from socialseed.platforms.base import PlatformDeps
    from socialseed.platforms.sandbox.client import SandboxPlatform

NAME = "sandbox"
PACK = PolicyPack(
    requires_human=frozenset(),
    unfollow_non_followers=True,
    bulk_approve=True,
    notes=("simulated network: permissive so the demo runs end to end without a person",),
)


def capabilities(account: Account | None = None, settings: Sandbox | None = None) -> Capabilities:
    """What the sandbox offers: every verb and source; caps from ``sandbox.limits``."""
    limits = (settings or Sandbox()).limits
    window = limits.window_minutes * 60
    caps = tuple(
        HardCap(verb, limits.per_window, window, "sandbox.limits.per_window") for verb in Verb
    )
    daily = Budget(
        "writes per day",
        limits.daily,
        86400,
        dict.fromkeys(Verb, 1),
        "sandbox.limits.daily (all writes together)",
    )
    return Capabilities(
        platform=NAME,
        supports=frozenset(Verb),
        sources=frozenset(SourceKind),
        pack=PACK,
        hard_caps=caps,
        budgets=(daily,),
        rate_limit_model=(
            f"{limits.per_window} writes per {limits.window_minutes} min per verb, "
            f"{limits.daily} writes per day; X-RateLimit-* headers, 429 with reset"
        ),
        auth_method="none: simulated",
    )


def ensure_world(path: Path, settings: Sandbox | None, clock: Clock) -> None:
    """Generate the world at ``path`` from the config's seed and size if it does not exist."""
    if path.exists():
        return
    from socialseed.platforms.sandbox.generate import WorldSpec, generate

    settings = settings or Sandbox()
    generate(path, WorldSpec.at(settings.seed, settings.size, clock.now(), settings.followback))


WALL_LATENCY_ENV = "SOCIALSEED_SANDBOX_LATENCY_MS"
MAX_WALL_LATENCY_MS = 60_000


def wall_latency(env: Mapping[str, str]) -> float:
    """Seconds of real waiting per request (``SOCIALSEED_SANDBOX_LATENCY_MS``), even under
    simulated time: the network's delay, which no clock fast-forwards."""
    text = env.get(WALL_LATENCY_ENV, "").strip()
    if not text:
        return 0.0
    if not text.isdigit() or int(text) > MAX_WALL_LATENCY_MS:
        raise ConfigError(
            [f"{WALL_LATENCY_ENV}={text!r} is not a whole number of milliseconds"],
            hint=f"set it to 0..{MAX_WALL_LATENCY_MS}, e.g. {WALL_LATENCY_ENV}=40, or unset it",
        )
    return int(text) / 1000


def prepare(account: Account, deps: PlatformDeps) -> Path | None:
    """What ``build`` checks before it connects (a world file to use, generated if missing; the
    latency setting), without loading the client: a plan connects on its first read, and one
    that reads nothing still fails on an unusable world. The world's path (None: a transport
    was given)."""
    if deps.transport is not None:
        return None
    if deps.sandbox_path is None:
        raise StateError(
            "sandbox: no world file was given",
            hint="set SOCIALSEED_SANDBOX or --state so the world can live next to it",
        )
    ensure_world(deps.sandbox_path, deps.sandbox, deps.clock)
    wall_latency(deps.env)
    return deps.sandbox_path


def build(account: Account, deps: PlatformDeps) -> SandboxPlatform:
    """A connected sandbox account; uses ``deps.transport`` if given, else the world file."""
    from socialseed.platforms.sandbox.client import SandboxPlatform
    from socialseed.platforms.sandbox.server import ACTOR_HEADER, BASE_URL, SandboxTransport

    transport = deps.transport
    world = prepare(account, deps)
    if transport is None and world is not None:
        wall = wall_latency(deps.env)
        transport = SandboxTransport(world, deps.clock, deps.sandbox, wall_latency=wall)
    client = dataclasses.replace(deps, transport=transport).client(
        BASE_URL, headers={ACTOR_HEADER: account.handle}
    )
    caps = capabilities(account, deps.sandbox)
    return SandboxPlatform(account.id, account.handle, caps, client, deps.clock)


__all__ = [
    "NAME",
    "PACK",
    "WALL_LATENCY_ENV",
    "build",
    "capabilities",
    "ensure_world",
    "prepare",
    "wall_latency",
]

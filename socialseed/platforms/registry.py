"""Which platforms exist, their capabilities, and how to build a connected one.

Modules are imported lazily so that ``socialseed --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.model import Capabilities
    from socialseed.platforms.base import Platform

# platform name -> module that defines ``capabilities(account)`` and ``build(account, deps)``
MODULES: dict[str, str] = {
    "sandbox": "socialseed.platforms.sandbox",
    "bluesky": "socialseed.platforms.bluesky",
    "mastodon": "socialseed.platforms.mastodon",
    "x": "socialseed.platforms.x",
    "instagram": "socialseed.platforms.instagram",
    "tiktok": "socialseed.platforms.tiktok",
}


class PlatformModule(Protocol):
    def capabilities(self, account: Account | None) -> Capabilities: ...

    def build(self, account: Account, deps: Any) -> Platform: ...


def module(platform: str) -> PlatformModule:
    if platform not in MODULES:
        raise KeyError(platform)
    loaded: PlatformModule = importlib.import_module(MODULES[platform])
    return loaded


def capabilities(platform: str, account: Account | None = None) -> Capabilities:
    """The capabilities of ``platform`` (for X, at the account's access tier)."""
    return module(platform).capabilities(account)


def prepare(account: Account, deps: Any) -> None:
    """The checks ``build`` makes before it connects, where the platform has any (its module's
    ``prepare``): what a plan runs at once, connecting only when it reads."""
    check = getattr(module(account.platform), "prepare", None)
    if check is not None:
        check(account, deps)


def build(account: Account, deps: Any) -> Platform:
    """A connected Platform for ``account``; ``deps`` carries clients, clock and secrets."""
    return module(account.platform).build(account, deps)

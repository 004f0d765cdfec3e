"""Build connected platforms and their capabilities for CLI commands (plan, apply, sync...).

The one place in the CLI that turns an account into a ``Platform``: clock, sandbox location,
environment and token source come from the ``AppContext``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from socialseed.errors import ConfigError

if TYPE_CHECKING:
    from socialseed.apply.context import PlatformFactory
    from socialseed.cli.context import AppContext
    from socialseed.clock import Clock
    from socialseed.config.schema import Account, Config
    from socialseed.model import Capabilities
    from socialseed.platforms.base import Platform, PlatformDeps
    from socialseed.platforms.tokens import TokenSource

NO_AUTH_PLATFORMS = frozenset({"sandbox"})


def _unavailable(platform: str, exc: ModuleNotFoundError) -> ConfigError:
    return ConfigError(
        [f"platform {platform!r} is not available in this SocialSeed build ({exc.name})"],
        hint="upgrade SocialSeed, or disable the account (enabled: false) in the config",
    )


def capabilities(account: Account) -> Capabilities:
    """What the account's platform offers at the account's access tier."""
    from socialseed.platforms import registry

    try:
        return registry.capabilities(account.platform, account)
    except ModuleNotFoundError as exc:
        raise _unavailable(account.platform, exc) from exc


def token_source(app_ctx: AppContext, config: Config) -> TokenSource | None:
    """The stored-token source, when some account needs one and auth is installed."""
    if all(a.platform in NO_AUTH_PLATFORMS for a in config.accounts):
        return None
    try:
        tokens = importlib.import_module("socialseed.auth.tokens")
    except ModuleNotFoundError:
        return None
    source: TokenSource = tokens.token_source(
        app_ctx.env, app_ctx.db, config, app_ctx.clock, state_path=app_ctx.beside_state
    )
    return source


def platform_deps(app_ctx: AppContext, config: Config) -> PlatformDeps:
    from socialseed.platforms.base import PlatformDeps

    return PlatformDeps(
        clock=app_ctx.clock,
        sandbox_path=app_ctx.sandbox_path,
        sandbox=config.sandbox,
        env=app_ctx.env,
        tokens=token_source(app_ctx, config),
    )


class PlatformBuilder:
    """Builds one connected ``Platform`` per account, sharing one ``PlatformDeps``."""

    def __init__(self, app_ctx: AppContext, config: Config) -> None:
        self.app_ctx = app_ctx
        self.config = config
        self._deps: PlatformDeps | None = None

    @property
    def deps(self) -> PlatformDeps:
        if self._deps is None:
            self._deps = platform_deps(self.app_ctx, self.config)
        return self._deps

    def prepare(self, account: Account) -> None:
        """The checks building the account's platform makes, without connecting it."""
        from socialseed.platforms import registry

        try:
            registry.prepare(account, self.deps)
        except ModuleNotFoundError as exc:
            raise _unavailable(account.platform, exc) from exc

    def __call__(self, account: Account) -> Platform:
        from socialseed.platforms import registry

        try:
            return registry.build(account, self.deps)
        except ModuleNotFoundError as exc:
            raise _unavailable(account.platform, exc) from exc


def platform_factory(app_ctx: AppContext, config: Config, clock: Clock) -> PlatformFactory:
    """The shared platform builder, on the run's clock."""
    import dataclasses

    builder = PlatformBuilder(app_ctx, config)
    if clock is app_ctx.clock:
        return builder

    def build(account: Account) -> Platform:
        from socialseed.platforms import registry

        return registry.build(account, dataclasses.replace(builder.deps, clock=clock))

    return build

"""The environment variables a config references (``env/NAME``), and where.

What a CI job must provide as secrets: each enabled account's ``credentials`` and
``client_secret``, and each scoring provider's ``api_key``. Disabled accounts are left out:
nothing reads their secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialseed.config.schema import Config


@dataclass(frozen=True)
class EnvReference:
    name: str  # the variable, without env/
    field: str  # the config path that references it


def env_references(config: Config) -> list[EnvReference]:
    """Every ``env/NAME`` a plan of this config may read, in config order, each name once."""
    found: list[EnvReference] = []
    for i, account in enumerate(config.accounts):
        if not account.enabled:
            continue
        for key in ("credentials", "client_secret"):
            ref = getattr(account, key)
            if ref:
                found.append(EnvReference(ref.removeprefix("env/"), f"accounts[{i}].{key}"))
    for name, provider in config.scoring.providers.items():
        found.append(
            EnvReference(provider.api_key.removeprefix("env/"), f"scoring.providers.{name}.api_key")
        )
    first = {r.name: r for r in reversed(found)}  # the first reference of each name wins
    return [r for r in found if first[r.name] is r]

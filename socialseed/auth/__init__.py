"""Accounts and secrets: official logins, encrypted token storage, refresh, revocation.

``token_source(env, db, config, clock, transport)`` gives the CLI the ``TokenSource`` that
platform adapters call (``deps.tokens.access_token(account)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialseed.auth.tokens import StoreTokenSource


def token_source(*args: Any, **kwargs: Any) -> StoreTokenSource:
    """See ``socialseed.auth.tokens.token_source`` (imported lazily)."""
    from socialseed.auth.tokens import token_source as build

    return build(*args, **kwargs)


__all__ = ["token_source"]

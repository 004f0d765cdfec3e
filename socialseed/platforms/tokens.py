"""The token seam: how an adapter gets the account's current access token (auth implements it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socialseed.config.schema import Account


class TokenSource(Protocol):
    """Gives an adapter the account's current access token (implemented by auth)."""

    async def access_token(self, account: Account) -> str:
        """The current token; raises ``SecretError`` or ``AuthExpired`` when there is none."""
        ...

    async def refresh(self, account: Account) -> str:
        """Refresh after an expired-token answer; returns the new access token."""
        ...

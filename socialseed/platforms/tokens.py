"""The token seam: how an adapter gets the account's current access token (auth implements it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

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


@runtime_checkable
class AccountIds(Protocol):
    """A token source that also knows the platform's id of a connected account (the login's
    ``user_id``/``open_id``), for APIs that name it in every request (TikTok's business_id)."""

    def user_id(self, account: Account) -> str | None:
        """The stored id, ``None`` when the account is not connected through a login."""
        ...

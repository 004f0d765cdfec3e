"""TikTok: what TikTok's official APIs offer, as data (PLATFORMS.md §3).

No official API (Login Kit, Display, Content Posting, Research, API for Business) offers
follow, like, repost or mute. The API for Business lets a Business account reply to and hide
comments on its own videos; the Research API is for non-profit academic research only.
Personal accounts (Login Kit, Content Posting) have no comment API at all.

The connected adapter (``_tiktok_api``) reads the comments on the account's own videos into the
inbox and replies to or hides them, with the ``business_id`` the login recorded (``open_id``)
or the account's ``business_id:`` in the config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialseed.errors import AuthExpired, PolicyError
from socialseed.model import OUTBOUND_VERBS, Capabilities, PolicyPack, SourceKind, Verb
from socialseed.platforms.base import PlatformDeps

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.platforms._tiktok_api import TikTokPlatform

NAME = "tiktok"
BUSINESS_API = "https://business-api.tiktok.com/portal/docs/api-reference/v1.3"
RESEARCH = "https://developers.tiktok.com/products/research-api/"
GUIDELINES = "https://developers.tiktok.com/doc/our-guidelines-developer-guidelines/"
_NONE = (
    "no official TikTok API (Login Kit, Display, Content Posting, Research, API for Business) "
    f"offers {{what}} (sources: {BUSINESS_API}; {RESEARCH})"
)

CAPABILITIES = Capabilities(
    platform=NAME,
    supports=frozenset({Verb.REPLY, Verb.HIDE_COMMENT}),
    sources=frozenset({SourceKind.COMMENTERS}),
    pack=PolicyPack(
        requires_human=OUTBOUND_VERBS,
        notes=(
            "Business accounts only: /business/comment/reply/create/ and /business/comment/hide/ "
            f"on the account's own videos ({BUSINESS_API}).",
            "Other users' comments cannot be deleted, only hidden.",
            "Personal accounts (Login Kit, Content Posting) have no comment API at all.",
            f"Violations can revoke the integration permanently ({GUIDELINES}).",
        ),
    ),
    rate_limit_model=(
        "Display API: 600 requests per minute per endpoint (HTTP 429 rate_limit_exceeded); "
        "API for Business limits not published; no rate-limit headers documented"
    ),
    auth_method=(
        "TikTok API for Business account-holder OAuth (/tt_user/oauth2/token/; lifetimes from "
        "expires_in / refresh_token_expires_in, refresh tokens rotate); token sent in the "
        "Access-Token header"
    ),
    unsupported_reasons={
        Verb.FOLLOW: _NONE.format(what="follow"),
        Verb.UNFOLLOW: _NONE.format(what="unfollow"),
        Verb.LIKE: _NONE.format(what="liking videos"),
        Verb.UNLIKE: _NONE.format(what="unliking videos"),
        Verb.REPOST: _NONE.format(what="reposting"),
        Verb.MUTE: _NONE.format(what="muting"),
    },
)


def capabilities(account: Account | None) -> Capabilities:
    return CAPABILITIES


PERSONAL = (
    "TikTok personal accounts have no comment API: Login Kit and Content Posting offer only "
    "the profile, the video list and posting; comments are read, answered and hidden only "
    f"through the API for Business ({BUSINESS_API})"
)


def build(account: Account, deps: PlatformDeps) -> TikTokPlatform:
    from socialseed.platforms._tiktok_api import TikTokPlatform, session

    if account.account_type == "personal":
        raise PolicyError(
            f"tiktok: account {account.id!r}: {PERSONAL}",
            hint="switch it to a Business account in the TikTok app, then set "
            "account_type: business (or enabled: false)",
        )
    business_id = account.business_id or _login_id(account, deps)
    api = session(account, deps)
    return TikTokPlatform(account, api, CAPABILITIES, deps.clock, business_id)


def _login_id(account: Account, deps: PlatformDeps) -> str:
    """The ``open_id`` the login stored: the ``business_id`` every request names."""
    from socialseed.platforms.tokens import AccountIds

    tokens = deps.tokens
    found = tokens.user_id(account) if isinstance(tokens, AccountIds) else None
    if not found:
        raise AuthExpired(
            f"tiktok: account {account.id!r} has no business_id: it is not connected",
            hint=f"run 'socialseed auth login {account.id}', or set business_id: in the config "
            "(with a token from SOCIALSEED_<ID>_TOKEN)",
        )
    return found

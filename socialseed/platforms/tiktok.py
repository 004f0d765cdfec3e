"""TikTok: what TikTok's official APIs offer, as data (PLATFORMS.md §3).

No official API (Login Kit, Display, Content Posting, Research, API for Business) offers
follow, like, repost or mute. The API for Business lets a Business account reply to and hide
comments on its own videos; the Research API is for non-profit academic research only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from socialseed.errors import PolicyError
from socialseed.model import OUTBOUND_VERBS, Capabilities, PolicyPack, SourceKind, Verb
from socialseed.platforms.base import PlatformDeps

if TYPE_CHECKING:
    from socialseed.config.schema import Account

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
            f"Violations can revoke the integration permanently ({GUIDELINES}).",
        ),
    ),
    rate_limit_model=(
        "Display API: 600 requests per minute per endpoint (HTTP 429 rate_limit_exceeded); "
        "API for Business limits not published; no rate-limit headers documented"
    ),
    auth_method=(
        "TikTok API for Business account-holder OAuth; token sent in the Access-Token header"
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


def build(account: Account, deps: PlatformDeps) -> NoReturn:
    raise PolicyError(
        f"tiktok: account {account.id!r} cannot be connected yet; TikTok's official APIs "
        f"offer only {CAPABILITIES.offers()} on the account's own videos, and SocialSeed does "
        "not automate those yet",
        hint="remove the account or set enabled: false; see 'socialseed platforms'",
    )

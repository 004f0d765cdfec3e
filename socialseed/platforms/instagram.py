"""Instagram: what the official Instagram Platform API offers, as data (PLATFORMS.md §2).

The API has no follow, like, repost or mute endpoint (the Legacy API that had them was turned
off on 2020-06-29). What remains for a planner is replying to, and hiding, comments on the
account's own media, and replying where the account was @mentioned.

The connected adapter (Instagram API with Instagram Login, ``graph.instagram.com``) discovers
``commenters`` on the account's own media and replies to or hides their comments. Errors are
Graph error objects: code 190 means reconnect, 368 a temporary block, 4/17/32/613/80002
throttling (Business Use Case limits; ``X-Business-Use-Case-Usage`` says when access returns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialseed.model import OUTBOUND_VERBS, Capabilities, PolicyPack, SourceKind, Verb
from socialseed.platforms.base import PlatformDeps

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.platforms._instagram_api import InstagramPlatform

NAME = "instagram"
OVERVIEW = "https://developers.facebook.com/docs/instagram-platform/overview"
LEGACY_OFF = (
    "https://developers.facebook.com/blog/post/2019/10/15/launch-instagram-basic-display-api/"
)
REPLIES = (
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/"
    "ig-comment/replies"
)
_NONE = (
    "the Instagram Platform API has no {what} endpoint; the Legacy API that had one was "
    f"turned off on 2020-06-29 (sources: {OVERVIEW}; {LEGACY_OFF})"
)

CAPABILITIES = Capabilities(
    platform=NAME,
    supports=frozenset({Verb.REPLY, Verb.HIDE_COMMENT}),
    sources=frozenset({SourceKind.COMMENTERS}),
    pack=PolicyPack(
        requires_human=OUTBOUND_VERBS,
        notes=(
            "Professional (Business or Creator) accounts only.",
            f"Replies only to top-level, visible comments on the account's own media ({REPLIES}), "
            "or where the account was @mentioned (POST /{ig-user-id}/mentions).",
            "You cannot comment on hashtagged media discovered through the API.",
        ),
    ),
    rate_limit_model=(
        "Business Use Case limit per app and account: 4,800 x impressions per rolling 24 h; "
        "X-Business-Use-Case-Usage / X-App-Usage headers (percentages); Graph error codes "
        "4, 17, 32, 613, 80002 mean throttled; 368 means temporarily blocked"
    ),
    auth_method=(
        "Instagram Login (Business Login for Instagram): OAuth code -> long-lived token "
        "(60 days, refreshed with ig_refresh_token)"
    ),
    unsupported_reasons={
        Verb.FOLLOW: _NONE.format(what="follow"),
        Verb.UNFOLLOW: _NONE.format(what="unfollow"),
        Verb.LIKE: _NONE.format(what="like"),
        Verb.UNLIKE: _NONE.format(what="unlike"),
        Verb.REPOST: _NONE.format(what="repost"),
        Verb.MUTE: _NONE.format(what="mute"),
    },
)


def capabilities(account: Account | None) -> Capabilities:
    return CAPABILITIES


def build(account: Account, deps: PlatformDeps) -> InstagramPlatform:
    from socialseed.platforms._instagram_api import InstagramPlatform, session

    return InstagramPlatform(account.id, account.handle, session(account, deps), CAPABILITIES)

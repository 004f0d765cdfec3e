"""Bluesky's rules as data (write points, hard caps, policy pack) and its error answers.

Sources: PLATFORMS.md §5 (https://docs.bsky.app/docs/advanced-guides/rate-limits, the
Developer Guidelines) and the XRPC error names seen from the reference PDS (PEERS.md).
"""

from __future__ import annotations

import httpx

from socialseed.errors import AccountRestricted, AuthExpired, NotFound, PlatformError
from socialseed.model import OUTBOUND_VERBS, Budget, Capabilities, PolicyPack, SourceKind, Verb
from socialseed.platforms.http import body_field, default_message

NAME = "bluesky"
RATE_SOURCE = "https://docs.bsky.app/docs/advanced-guides/rate-limits"
GUIDELINES = "https://docs.bsky.app/docs/support/developer-guidelines"

WRITE_POINTS: dict[Verb, int] = {
    Verb.FOLLOW: 3,
    Verb.LIKE: 3,
    Verb.REPOST: 3,
    Verb.REPLY: 3,
    Verb.HIDE_COMMENT: 3,  # a threadgate create (3) or update (2): budget the larger
    Verb.UNFOLLOW: 1,
    Verb.UNLIKE: 1,
}
HOURLY_POINTS, DAILY_POINTS = 5_000, 35_000
RESTRICTED = {"AccountTakedown", "AccountDeactivated", "AccountSuspended", "RepoTakendown"}
MISSING = {"RecordNotFound", "ActorNotFound", "HandleNotFound", "NotFound", "ProfileNotFound"}


# One budget of points per account that every repo write draws from (PLATFORMS.md §5.4),
# not a cap per verb: follow + like + repost together spend the same 5,000 points an hour.
BUDGETS = (
    Budget("write points per hour", HOURLY_POINTS, 3600, WRITE_POINTS, RATE_SOURCE),
    Budget("write points per day", DAILY_POINTS, 86400, WRITE_POINTS, RATE_SOURCE),
)


PACK = PolicyPack(
    requires_human=OUTBOUND_VERBS,
    unfollow_non_followers=True,
    notes=(
        "Bluesky's Developer Guidelines count 'automated or bulk interactions' (follows, likes, "
        f"replies) as spam; each outbound action needs a person's decision ({GUIDELINES}).",
        "Post search (the hashtag source) is meant for human-directed search, not as a general "
        "data API (Bluesky, atproto#3423); keep source limits small.",
        "Bots should interact only when tagged and self-label as 'bot' "
        "(https://docs.bsky.app/docs/starter-templates/bots).",
        "Write points are shared by all verbs: create 3, update 2, delete 1; 5,000 per hour and "
        f"35,000 per day per account ({RATE_SOURCE}).",
    ),
)

CAPABILITIES = Capabilities(
    platform=NAME,
    supports=frozenset(Verb),
    sources=frozenset(SourceKind),
    pack=PACK,
    budgets=BUDGETS,
    rate_limit_model=(
        "RateLimit-Limit/-Remaining/-Reset headers (reset in Unix epoch seconds); repo write "
        "points per account (create 3, update 2, delete 1; 5,000/h, 35,000/day); "
        "createSession 30 per 5 min"
    ),
    auth_method="app password -> XRPC session (accessJwt, refreshed with refreshSession)",
    write_points=WRITE_POINTS,
)


def message(response: httpx.Response) -> str:
    error, text = body_field(response, "error"), body_field(response, "message")
    if error and text:
        return f"{text} ({error})"
    return error or default_message(response)


def is_expired(response: httpx.Response) -> bool:
    return response.status_code in (400, 401) and body_field(response, "error") == "ExpiredToken"


def classify(response: httpx.Response, message: str) -> PlatformError | None:
    error, status = body_field(response, "error"), response.status_code
    if error in {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired"}:
        return AuthExpired(
            message, hint="reconnect with 'socialseed auth login ACCOUNT'", status=status
        )
    if error in RESTRICTED:
        return AccountRestricted(
            message, hint="the account is restricted; check it in the Bluesky app", status=status
        )
    if error in MISSING or (status == 400 and "not found" in message.lower()):
        return NotFound(message, status=status)
    return None

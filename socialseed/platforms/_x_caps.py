"""What X API v2 allows at each access tier, as data (PLATFORMS.md §1.1, §1.5, §1.7). Pure."""

from __future__ import annotations

from socialseed.model import (
    OUTBOUND_VERBS,
    Budget,
    Capabilities,
    ForbiddenPattern,
    HardCap,
    PolicyPack,
    SourceKind,
    Verb,
)

TIERS = ("pay_per_use", "basic", "pro", "enterprise")
DEFAULT_TIER = "pay_per_use"

CHANGELOG = "https://docs.x.com/changelog"
AGREEMENT = "https://docs.x.com/developer-terms/agreement (§L, self-serve tiers)"
GUIDELINES = "https://docs.x.com/developer-guidelines"
AUTOMATION = "https://help.x.com/rules-and-policies/x-automation"
PRICING = "https://docs.x.com/x-api/getting-started/pricing"
LIMITS_NOW = "https://docs.x.com/x-api/fundamentals/rate-limits (edited 2026-07-24)"
LIMITS_2025 = "xdevplatform/docs:x-api/fundamentals/rate-limits.mdx @ 1f388694 (2025-01-16)"

SELF_SERVE = frozenset({Verb.REPOST, Verb.REPLY, Verb.HIDE_COMMENT, Verb.MUTE})
ENTERPRISE_ONLY = frozenset({Verb.FOLLOW, Verb.UNFOLLOW, Verb.LIKE, Verb.UNLIKE})

_REMOVED = (
    "X removed Following, Likes and Quote-Posts from all self-serve tiers (Pay-Per-Use, Basic, "
    f"Pro) on 2026-04-20; {{what}} needs an Enterprise contract (sources: {CHANGELOG}, "
    f"2026-04-16 entry; {AGREEMENT})"
)
UNSUPPORTED = {
    Verb.FOLLOW: _REMOVED.format(what="POST /2/users/:id/following"),
    Verb.UNFOLLOW: _REMOVED.format(what="DELETE /2/users/:id/following/:target"),
    Verb.LIKE: _REMOVED.format(what="POST /2/users/:id/likes"),
    Verb.UNLIKE: _REMOVED.format(what="DELETE /2/users/:id/likes/:tweet_id"),
}

FORBIDDEN = (
    ForbiddenPattern(
        "follow_unfollow_churn",
        "No bulk, aggressive, or automated following; growth tools that bulk-follow (and "
        "unfollow those who do not follow back) are not allowed",
        GUIDELINES,
    ),
    ForbiddenPattern(
        "hashtag_auto_like",
        "Likes must be directly initiated by the authenticated user; auto-liking by keyword, "
        "hashtag, user, or schedule is prohibited",
        f"{GUIDELINES}; {AUTOMATION}",
    ),
)

PACK = PolicyPack(
    requires_human=OUTBOUND_VERBS,
    forbidden=FORBIDDEN,
    unfollow_non_followers=False,
    bulk_approve=False,
    notes=(
        "Self-serve replies only where the post's author mentioned or quoted the account "
        f"(since 2026-02-23, {CHANGELOG}); at most one reply per interaction.",
        f"AI-generated replies need X's prior approval ({GUIDELINES}).",
        "Automated accounts must turn on the 'Automated' label and name the operator in the bio.",
        "Rate limits come from the x-rate-limit-* headers; the published tables disagree.",
    ),
)

_WINDOW = 900  # 15 minutes
_CURRENT = (
    (Verb.FOLLOW, 50, _WINDOW),
    (Verb.UNFOLLOW, 50, _WINDOW),
    (Verb.LIKE, 50, _WINDOW),
    (Verb.LIKE, 1000, 86400),
    (Verb.UNLIKE, 50, _WINDOW),
    (Verb.UNLIKE, 1000, 86400),
    (Verb.REPOST, 50, _WINDOW),
    (Verb.HIDE_COMMENT, 50, _WINDOW),
    (Verb.MUTE, 50, _WINDOW),
    (Verb.REPLY, 100, _WINDOW),
)
_BASIC = (
    (Verb.REPOST, 5, _WINDOW),
    (Verb.HIDE_COMMENT, 5, _WINDOW),
    (Verb.MUTE, 5, _WINDOW),
    (Verb.REPLY, 100, 86400),
)

# X's own account limits, on top of the API's per-endpoint windows. They bind whatever the
# tier: the Enterprise follow window (50 per 15 min) alone would allow 4,800 follows a day.
# Source: X Help Center "X limits" (https://help.x.com/en/rules-and-policies/x-limits);
# PLATFORMS.md §1.5 records the per-endpoint windows and the manage-tweets page's
# "300 per 3 h shared with reposts", budgeted below as the tighter reading.
X_LIMITS = "https://help.x.com/en/rules-and-policies/x-limits (account limits)"
MANAGE_TWEETS = "https://docs.x.com/x-api/posts/manage-tweets/integrate (PLATFORMS.md §1.5)"
ACCOUNT_BUDGETS = (
    Budget("follows per day", 400, 86400, {Verb.FOLLOW: 1}, X_LIMITS),
    Budget(
        "posts per day (replies and reposts)",
        2400,
        86400,
        {Verb.REPLY: 1, Verb.REPOST: 1},
        X_LIMITS,
    ),
    Budget("posts and reposts per 3 h", 300, 10800, {Verb.REPLY: 1, Verb.REPOST: 1}, MANAGE_TWEETS),
)

# Pay-per-use prices per request, USD: interaction create $0.015, delete $0.010, a summoned
# reply $0.010 (a post with a URL costs $0.20).
PRICES = {
    Verb.FOLLOW: 0.015,
    Verb.LIKE: 0.015,
    Verb.REPOST: 0.015,
    Verb.MUTE: 0.015,
    Verb.HIDE_COMMENT: 0.015,
    Verb.UNFOLLOW: 0.010,
    Verb.UNLIKE: 0.010,
    Verb.REPLY: 0.010,
}

RATE_MODEL = (
    "x-rate-limit-limit/-remaining/-reset headers (reset in Unix epoch seconds), trusted over "
    "the published tables; x-user-limit-24hour-* daily headers when present"
)
AUTH = "OAuth 2.0 authorization code + PKCE (user context; 2 h access token, offline.access)"


SUMMONED_RULE = (
    "since 2026-02-23 X's self-serve tiers may reply programmatically only where the post's "
    f"author summoned the account (@mentioned it or quoted one of its posts) ({CHANGELOG})"
)


def for_tier(tier: str | None) -> Capabilities:
    """The capabilities of X API v2 at ``tier`` (``None``: pay-per-use, the default)."""
    tier = tier or DEFAULT_TIER
    enterprise = tier == "enterprise"
    supports = SELF_SERVE | ENTERPRISE_ONLY if enterprise else SELF_SERVE
    table, source = (_BASIC, LIMITS_2025) if tier == "basic" else (_CURRENT, LIMITS_NOW)
    caps = tuple(HardCap(v, n, w, source) for v, n, w in table if v in supports)
    budgets = tuple(b for b in ACCOUNT_BUDGETS if any(v in supports for v in b.costs))
    return Capabilities(
        platform="x",
        supports=supports,
        sources=frozenset(
            {
                SourceKind.HASHTAG,
                SourceKind.SEARCH,
                SourceKind.FOLLOWERS_OF,
                SourceKind.LIKERS_OF,
                SourceKind.COMMENTERS,
            }
        ),
        pack=PACK,
        hard_caps=caps,
        budgets=budgets,
        rate_limit_model=RATE_MODEL,
        auth_method=AUTH,
        unsupported_reasons={} if enterprise else UNSUPPORTED,
        summoned_replies_only="" if enterprise else SUMMONED_RULE,
        cost_usd={v: p for v, p in PRICES.items() if v in supports}
        if tier == "pay_per_use"
        else {},
    )

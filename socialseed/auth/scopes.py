"""Which OAuth scopes each verb needs, and which of them a connected account lacks. Pure.

Sources: PLATFORMS.md §1.1 (X: ``PUT /2/tweets/:id/hidden`` needs ``tweet.moderate.write``;
follows, likes and mutes their own ``*.write`` scopes; posts and reposts ``tweet.write``) and
§2 (Instagram: replies and hiding need ``instagram_business_manage_comments``) and §3 (TikTok's
API for Business: ``comment.list.manage``). Mastodon's
``write`` scope covers every write; Bluesky app passwords have no scopes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from socialseed.config.schema import Account, Config

VERB_SCOPES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "x": {
        "follow": ("follows.write",),
        "unfollow": ("follows.write",),
        "like": ("like.write",),
        "unlike": ("like.write",),
        "repost": ("tweet.write",),
        "reply": ("tweet.write",),
        "mute": ("mute.write",),
        "hide_comment": ("tweet.moderate.write",),
    },
    "instagram": {
        "reply": ("instagram_business_manage_comments",),
        "hide_comment": ("instagram_business_manage_comments",),
    },
    "tiktok": {  # API for Business: manage comments on the account's own videos
        "reply": ("comment.list.manage",),
        "hide_comment": ("comment.list.manage",),
    },
    "mastodon": {
        verb: ("write",)
        for verb in ("follow", "unfollow", "like", "unlike", "repost", "reply", "mute")
    },
}
_RULE_VERBS = {"reply": "reply", "like": "like", "hide": "hide_comment", "mute": "mute"}


def config_verbs(config: Config, account: Account) -> set[str]:
    """The verbs the account's targetings and conversation rules can propose."""
    verbs: set[str] = set()
    for name in account.targeting:
        targeting = config.targeting.get(name)
        if targeting is None:
            continue
        acts = targeting.actions
        flags = {
            "follow": acts.follow,
            "like": bool(acts.like_recent),
            "repost": bool(acts.repost_recent),
            "unfollow": acts.unfollow_non_followers_after_days is not None,
            "hide_comment": acts.hide_spam_comments,
        }
        verbs |= {verb for verb, on in flags.items() if on}
    rules = config.conversations.get(account.conversations or "")
    for rule in rules.rules if rules else []:
        verbs |= {_RULE_VERBS[v] for v in rule.then.verbs() if v in _RULE_VERBS}
    return verbs


def missing_scopes(
    platform: str, granted: Iterable[str], verbs: Iterable[str]
) -> dict[str, list[str]]:
    """Scope -> the verbs that need it, for each scope ``granted`` lacks."""
    have = set(granted)
    needed = VERB_SCOPES.get(platform, {})
    out: dict[str, list[str]] = {}
    for verb in sorted(verbs):
        for scope in needed.get(verb, ()):
            if scope not in have:
                out.setdefault(scope, []).append(verb)
    return out

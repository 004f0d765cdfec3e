"""What every draft, template or AI, must pass before it is proposed, and again when edited.

Length limits are the strictest documented per platform (shared PLATFORMS.md §8).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialseed.config.conversations import Guards
from socialseed.conversations import text as txt

if TYPE_CHECKING:
    from socialseed.config.schema import Config
    from socialseed.model import Action

# platform: (limit, how it counts, where it is documented)
LENGTH_LIMITS: dict[str, tuple[int, str]] = {
    "sandbox": (300, "characters (sandbox)"),
    "bluesky": (300, "graphemes (app.bsky.feed.post lexicon)"),
    "mastodon": (500, "characters (instance default max_characters)"),
    "x": (280, "weighted characters (twitter-text: CJK count 2, a URL 23)"),
    "instagram": (300, "characters (legacy comment API limit)"),
    "tiktok": (150, "characters (comment reply limit)"),
}


@dataclass(frozen=True)
class GuardContext:
    platform: str
    guards: Guards
    replies_to_author_today: int = 0


def length(text: str, platform: str) -> int:
    """The text's length the way ``platform`` counts it."""
    if platform == "x":
        return sum(2 if _wide(ch) else 1 for ch in text)
    if platform == "bluesky":
        return sum(1 for ch in unicodedata.normalize("NFC", text) if not unicodedata.combining(ch))
    return len(text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def limit(platform: str, guards: Guards) -> int:
    platform_limit = LENGTH_LIMITS.get(platform, (280, ""))[0]
    return min(platform_limit, guards.max_length or platform_limit)


def check(text: str, ctx: GuardContext) -> str | None:
    """The first guard ``text`` breaks, as a reason people can read; ``None`` if it passes."""
    if not text.strip():
        return "the reply is empty"
    if txt.has_control(text):
        return "the reply holds control characters"
    if ctx.guards.no_links and txt.has_link(text):
        return "the reply holds a link (guards.no_links)"
    padded = txt.padded(text)
    banned = [w for w in ctx.guards.banned_words if txt.phrase(w) in padded]
    if banned:
        return f"the reply uses a banned word: {', '.join(banned)} (guards.banned_words)"
    size, most = length(text, ctx.platform), limit(ctx.platform, ctx.guards)
    if size > most:
        return f"the reply is {size} long; {ctx.platform} allows {most} here"
    cap = ctx.guards.max_replies_per_author_per_day
    if ctx.replies_to_author_today >= cap:
        return (
            f"this author already has {ctx.replies_to_author_today} repl"
            f"{'y' if ctx.replies_to_author_today == 1 else 'ies'} today "
            f"(guards.max_replies_per_author_per_day: {cap})"
        )
    return None


def guards_for(config: Config, account_id: str) -> Guards:
    """The guards of an account's rule set (the defaults when it names none)."""
    account = next((a for a in config.accounts if a.id == account_id), None)
    if account is None or account.conversations is None:
        return Guards()
    rule_set = config.conversations.get(account.conversations)
    return rule_set.guards if rule_set is not None else Guards()


def text_guard(config: Config) -> Callable[[Action, str], str | None]:
    """The check review and apply run on a reply's approved text: the content guards of the
    action's account (the per-author cap was counted when the plan was made)."""

    def check_text(action: Action, text: str) -> str | None:
        ctx = GuardContext(action.platform, guards_for(config, action.account))
        return check(text, ctx)

    return check_text

"""What every draft, template or AI, must pass before it is proposed, and again when edited.

Length limits are the strictest documented per platform (shared PLATFORMS.md §8).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from socialseed.config.conversations import Guards
from socialseed.conversations import text as txt

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

"""Virtual posts: derived from (seed, account, day), never stored.

A post id is ``p.<user id>.<epoch day>.<index>``; a comment on it adds ``.c<index>``. Posts
exist only once the clock has passed their time, so "recent posts" and last activity stay
realistic as simulated time moves.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from socialseed.model import Post
from socialseed.platforms.sandbox import chatter, words
from socialseed.platforms.sandbox.rand import pick, unit, unit_of
from socialseed.platforms.sandbox.users import BOT, User

DAY = 86400
_blake2b = hashlib.blake2b
_from_bytes = int.from_bytes
_SCALE = float(1 << 64)  # as rand.unit_of
LOOKBACK_DAYS = 120
_TOPICS = {t.name: t for t in words.TOPICS}


def instant(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def count_on(seed: int, user: User, day: int) -> int:
    """How many posts ``user`` makes on epoch day ``day``."""
    start = day * DAY
    if start + DAY <= user.created_ts or (user.quiet_ts is not None and start >= user.quiet_ts):
        return 0
    if user.kind == BOT:
        if unit_of(f"{seed}\x1fburst\x1f{user.id}\x1f{day}") >= 0.12:
            return 0
        return 3 + int(unit_of(f"{seed}\x1fburst-n\x1f{user.id}\x1f{day}") * 20)
    whole = int(user.rate)
    share = user.rate - whole  # a draw is never below 0: no share, no extra post, no draw
    extra = 1 if share > 0 and unit_of(f"{seed}\x1fn\x1f{user.id}\x1f{day}") < share else 0
    return min(12, whole + extra)


def day_times(seed: int, user: User, day: int) -> list[int]:
    """Epoch seconds of the user's posts on ``day``, in order (index = position)."""
    count = count_on(seed, user, day)
    if not count:
        return []
    prefix, start = f"{seed}\x1ft\x1f{user.id}\x1f{day}\x1f", day * DAY
    return sorted(start + int(unit_of(f"{prefix}{k}") * DAY) for k in range(count))


def make_post(seed: int, user: User, day: int, index: int, ts: int) -> Post:
    post_id = f"p.{user.id}.{day}.{index}"
    return Post(
        id=post_id,
        author_id=user.id,
        text=_text(seed, user, post_id),
        created_at=instant(ts),
        like_count=_likes(seed, user, post_id),
    )


def post_data(seed: int, user: User, day: int, index: int, ts: int) -> dict[str, Any]:
    """``make_post(...).to_data()``, built directly (the serving path: no datetime made)."""
    post_id = f"p.{user.id}.{day}.{index}"
    return {
        "id": post_id,
        "author_id": user.id,
        "text": _text(seed, user, post_id),
        "created_at": iso_ts(ts),
        "like_count": _likes(seed, user, post_id),
        "reply_to": None,
        "ref": {},
    }


def iso_ts(ts: int) -> str:
    """``clock.iso(instant(ts))`` for whole epoch seconds, without a datetime."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _likes(seed: int, user: User, post_id: str) -> int:
    return int(math.sqrt(max(user.followers, 4)) * 2 * unit_of(f"{seed}\x1flikes\x1f{post_id}"))


def times(seed: int, user: User, now_ts: int) -> Iterator[tuple[int, int, int]]:
    """(day, index, epoch seconds) of the posts made at or before ``now_ts``, newest first,
    within the lookback; days before the account existed or after it went quiet are skipped
    (they hold no posts)."""
    today = now_ts // DAY
    low = max(today - LOOKBACK_DAYS + 1, user.created_ts // DAY)
    high = today if user.quiet_ts is None else min(today, -(-user.quiet_ts // DAY) - 1)
    if user.kind == BOT:
        for day in range(high, low - 1, -1):
            found = day_times(seed, user, day)
            for index in range(len(found) - 1, -1, -1):
                if found[index] <= now_ts:
                    yield day, index, found[index]
        return
    # ``count_on`` and ``day_times`` inlined (the same draws, keys and order): the hot loop of
    # serving profiles and hashtags. Every day from ``low`` to ``high`` lies within the
    # account's life, so ``count_on``'s first test never holds here.
    whole = int(user.rate)
    share = user.rate - whole  # a draw is never below 0: no share, no extra post, no draw
    least, most = min(12, whole), min(12, whole + 1)
    n_key, t_key = f"{seed}\x1fn\x1f{user.id}\x1f", f"{seed}\x1ft\x1f{user.id}\x1f"
    for day in range(high, low - 1, -1):
        if share > 0:
            drawn = _blake2b(f"{n_key}{day}".encode(), digest_size=8).digest()
            count = most if _from_bytes(drawn, "big") / _SCALE < share else least
        else:
            count = least
        if not count:
            continue
        start, prefix = day * DAY, f"{t_key}{day}\x1f"
        found = sorted(
            [
                start
                + int(
                    _from_bytes(_blake2b(f"{prefix}{k}".encode(), digest_size=8).digest(), "big")
                    / _SCALE
                    * DAY
                )
                for k in range(count)
            ]
        )
        for index in range(count - 1, -1, -1):
            if found[index] <= now_ts:
                yield day, index, found[index]


def recent(seed: int, user: User, now_ts: int, limit: int) -> list[Post]:
    """Up to ``limit`` posts made at or before ``now_ts``, newest first."""
    newest = islice(times(seed, user, now_ts), max(1, limit))  # 0 still gave the newest
    return [make_post(seed, user, day, index, ts) for day, index, ts in newest]


def last_active(seed: int, user: User, now_ts: int) -> datetime | None:
    latest = next(times(seed, user, now_ts), None)
    if latest is not None:
        return instant(latest[2])
    return instant(user.quiet_ts) if user.quiet_ts is not None else None


def tagged(seed: int, user: User, day: int, index: int, tag: str) -> bool:
    """Whether the post (``day``, ``index``) of ``user`` carries ``#tag`` (its text's words)."""
    prefix = f"{seed}\x1ftag\x1fp.{user.id}.{day}.{index}\x1f"  # as ``_chosen_tags``
    return any(  # only the draws of ``tag``'s places (it is chosen if one of them is)
        unit_of(f"{prefix}{i}") < (0.8 if i else 0.9)
        for i, t in enumerate(user.tag_list)
        if t == tag
    )


def find(seed: int, user: User, post_id: str, now_ts: int) -> Post | None:
    """The post ``post_id`` of ``user`` if it exists by ``now_ts``."""
    parts = post_id.split(".")
    if len(parts) != 4 or parts[0] != "p" or parts[1] != user.id:
        return None
    try:
        day, index = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    times = day_times(seed, user, day)
    if not 0 <= index < len(times) or times[index] > now_ts:
        return None
    return make_post(seed, user, day, index, times[index])


def author_of(post_id: str) -> str | None:
    parts = post_id.split(".")
    return parts[1] if len(parts) >= 4 and parts[0] == "p" else None


def comment_count(seed: int, post_id: str) -> int:
    return int(unit(seed, "comments", post_id) * 5)


def comment(seed: int, post: Post, index: int, author: User) -> Post:
    """The ``index``-th comment on ``post``, written by ``author``."""
    assert post.created_at is not None
    ts = int(post.created_at.timestamp()) + 600 + int(unit(seed, "ct", post.id, index) * DAY)
    comment_id = f"{post.id}.c{index}"
    generic = author.kind == BOT
    if is_managed(post.author_id):
        text = chatter.comment_said(seed, comment_id, generic)[1]
    elif generic:
        text = pick(words.BOT_POSTS, seed, "cx", post.id, index)
    else:
        text = _reply_text(seed, post)
    return Post(
        id=comment_id,
        author_id=author.id,
        text=text,
        created_at=instant(ts),
        reply_to=post.id,
    )


def is_managed(user_id: str) -> bool:
    """Managed accounts' ids start with ``m`` (generated accounts' never do)."""
    return user_id.startswith("m")


def _reply_text(seed: int, post: Post) -> str:
    return pick(
        ("Love this!", "Beautiful work", "So good", "Great shot", "Nice one"), seed, post.id
    )


def _text(seed: int, user: User, post_id: str) -> str:
    if user.kind == BOT:
        phrases = words.BOT_POSTS
    elif user.topic in _TOPICS:
        phrases = _TOPICS[user.topic].post_phrases
    else:
        phrases = words.GENERAL_POSTS
    # ``pick(phrases, seed, "px", post_id)``, its key made at once (as ``rand.unit`` joins it)
    phrase = phrases[int(unit_of(f"{seed}\x1fpx\x1f{post_id}") * len(phrases))]
    if not user.tags:
        return phrase
    return " ".join([phrase, *[f"#{t}" for t in _chosen_tags(seed, user.tag_list, post_id)]])


def _chosen_tags(seed: int, tags: tuple[str, ...], post_id: str) -> list[str]:
    """The user's hashtags this post carries (phrases carry none: words.py has no '#')."""
    prefix = f"{seed}\x1ftag\x1f{post_id}\x1f"
    return [t for i, t in enumerate(tags) if unit_of(f"{prefix}{i}") < (0.8 if i else 0.9)]

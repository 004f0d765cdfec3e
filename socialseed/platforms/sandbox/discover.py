"""Discovery on the world: which accounts each source finds, in a stable order."""

from __future__ import annotations

import random
from collections.abc import Iterable
from itertools import islice

from socialseed.model import Post
from socialseed.platforms.sandbox import posts
from socialseed.platforms.sandbox.rand import unit
from socialseed.platforms.sandbox.users import User
from socialseed.platforms.sandbox.world import World

HASHTAG_DAYS = 30
HASHTAG_POSTS = 10
OWN_POSTS = 10
MAX_SEARCHES = 256  # answers kept per kind (hashtag per minute, search)


class Finder:
    """Answers discovery queries; caches the ordered results for the minute they were made."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._cache: dict[tuple[str, str, int], list[str]] = {}
        self._haystacks: dict[str, str] | None = None
        self._searches: dict[tuple[str, ...], list[str]] = {}

    def hashtag(self, tag: str, now_ts: int) -> list[str]:
        key = ("hashtag", tag.lower().lstrip("#"), now_ts // 60)
        if key not in self._cache:
            if len(self._cache) >= MAX_SEARCHES:
                self._cache.clear()
            self._cache[key] = self._hashtag(key[1], now_ts)
        return self._cache[key]

    def _hashtag(self, tag: str, now_ts: int) -> list[str]:
        """Accounts whose newest post carrying ``#tag`` (among their last ``HASHTAG_POSTS``,
        within ``HASHTAG_DAYS``) is newest first; only post times and tags are drawn."""
        seed, since = self.world.seed, now_ts - HASHTAG_DAYS * 86400
        latest: list[tuple[int, str]] = []
        for user_id in self.world.users_with_tag(tag):
            user = self.world.user(user_id)
            if user is None:
                continue
            for day, index, ts in islice(posts.times(seed, user, now_ts), HASHTAG_POSTS):
                if ts < since:
                    break
                if posts.tagged(seed, user, day, index, tag):
                    latest.append((-ts, user_id))
                    break
        return [user_id for _, user_id in sorted(latest)]

    def search(self, query: str) -> list[str]:
        """Accounts whose handle, name, bio or hashtags hold every word of ``query``, in id
        order (generated accounts only, so the answer is kept for the process)."""
        tokens = tuple(query.lower().split())
        if not tokens:
            return []
        if tokens not in self._searches:
            if len(self._searches) >= MAX_SEARCHES:
                self._searches.clear()
            texts = self._texts().items()
            self._searches[tokens] = [u for u, text in texts if all(t in text for t in tokens)]
        return self._searches[tokens]

    def _texts(self) -> dict[str, str]:
        if self._haystacks is None:
            self._haystacks = {u.id: _haystack(u) for u in self.world.static_users()}
        return self._haystacks

    def likers(self, post: Post, author: User) -> list[str]:
        main = author.tag_list[0] if author.tag_list else ""
        pool = [
            u.id
            for u in self.world.static_users()
            if u.id != author.id and (u.topic == author.topic or main in u.tag_list)
        ]
        count = min(len(pool), post.like_count or 0, 100)
        chosen = random.Random(f"{self.world.seed}:likers:{post.id}").sample(pool, count)
        return sorted(chosen) + [a for a in self.world.likers(post.id) if a not in chosen]

    def comments(self, own_posts: Iterable[Post], now_ts: int) -> list[Post]:
        """Comments made on ``own_posts`` by now, oldest first."""
        users = self.world.static_users()
        found: list[Post] = []
        for post in own_posts:
            for index in range(posts.comment_count(self.world.seed, post.id)):
                pick = int(unit(self.world.seed, "commenter", post.id, index) * len(users))
                comment = posts.comment(self.world.seed, post, index, users[pick])
                assert comment.created_at is not None
                if comment.created_at.timestamp() <= now_ts:
                    found.append(comment)
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def own_posts(self, me: User, now_ts: int) -> list[Post]:
        return posts.recent(self.world.seed, me, now_ts, OWN_POSTS)


def _haystack(user: User) -> str:
    tags = " ".join(f"#{t}" for t in user.tag_list)
    return f"{user.handle} {user.name} {user.bio} {tags}".lower()

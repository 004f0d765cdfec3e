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


class Finder:
    """Answers discovery queries. Hashtag answers are kept for the minute they were made,
    search answers for good (both derive from generated accounts only: ``static``)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def hashtag(self, tag: str, now_ts: int) -> list[str]:
        tag = tag.lower().lstrip("#")
        key = ("hashtag", tag, now_ts // 60)
        return self.world.static.answer(key, lambda: self._hashtag(tag, now_ts))

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
        return self.world.static.answer(("search", tokens), lambda: self._search(tokens))

    def _search(self, tokens: tuple[str, ...]) -> list[str]:
        static = self.world.static
        if static.haystacks is None:
            static.haystacks = {u.id: _haystack(u) for u in static.users}
        texts = static.haystacks.items()
        return [user_id for user_id, text in texts if all(t in text for t in tokens)]

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

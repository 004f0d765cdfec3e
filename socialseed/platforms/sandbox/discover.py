"""Discovery on the world: which accounts each source finds, in a stable order."""

from __future__ import annotations

import random
from collections.abc import Iterable

from socialseed.model import Post
from socialseed.platforms.sandbox import posts
from socialseed.platforms.sandbox.rand import unit
from socialseed.platforms.sandbox.users import User
from socialseed.platforms.sandbox.world import World

HASHTAG_DAYS = 30
HASHTAG_POSTS = 10
OWN_POSTS = 10


class Finder:
    """Answers discovery queries; caches the ordered results for the minute they were made."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._cache: dict[tuple[str, str, int], list[str]] = {}
        self._haystacks: dict[str, str] | None = None

    def hashtag(self, tag: str, now_ts: int) -> list[str]:
        key = ("hashtag", tag.lower().lstrip("#"), now_ts // 60)
        if key not in self._cache:
            self._cache[key] = self._hashtag(key[1], now_ts)
        return self._cache[key]

    def _hashtag(self, tag: str, now_ts: int) -> list[str]:
        marker, since = f"#{tag}", now_ts - HASHTAG_DAYS * 86400
        latest: list[tuple[int, str]] = []
        for user_id in self.world.users_with_tag(tag):
            user = self.world.user(user_id)
            if user is None:
                continue
            for post in posts.recent(self.world.seed, user, now_ts, HASHTAG_POSTS):
                assert post.created_at is not None
                ts = int(post.created_at.timestamp())
                if ts < since:
                    break
                if marker in post.text.split():
                    latest.append((-ts, user_id))
                    break
        return [user_id for _, user_id in sorted(latest)]

    def search(self, query: str) -> list[str]:
        tokens = query.lower().split()
        if not tokens:
            return []
        return [uid for uid, text in self._texts().items() if all(t in text for t in tokens)]

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

"""What the simulated network says to a managed account: mentions, comments on its own posts
and replies to its replies. Derived from (seed, account, day) like posts, never stored; a
message exists once the clock has passed its time, so the stream only grows at its end.

Ids: a mention ``m.<account>.<day>.<k>``; a comment ``p.<account>.<day>.<i>.c<k>`` (the
post's comments, see ``posts.comment``); a reply to our reply ``<reply id>.b``.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialseed.model import Post
from socialseed.model.conversations import Author, InboxItem, Message, MessageSource, ThreadPost
from socialseed.platforms.sandbox import chatter, followback, posts
from socialseed.platforms.sandbox.rand import unit
from socialseed.platforms.sandbox.users import BOT, PERSON, User
from socialseed.platforms.sandbox.world import World

DAY = 86400
HOUR = 3600
LOOKBACK_DAYS = 7  # a first read (no cursor) reaches this far back
MAX_MENTIONS_PER_DAY = 3
REPLY_BACK_CHANCE = 0.35
FOLLOWBACK_CHANCE = 0.15  # on top of the chance a follow alone gives


def messages(world: World, me: User, now_ts: int, after_ts: int) -> list[InboxItem]:
    """Every message to ``me`` with ``after_ts < time <= now_ts``, oldest first."""
    after_ts = max(after_ts, now_ts - LOOKBACK_DAYS * DAY)
    found = [
        *_mentions(world, me, now_ts, after_ts),
        *_comments(world, me, now_ts, after_ts),
        *_reply_backs(world, me, now_ts, after_ts),
    ]
    return sorted(found, key=lambda i: (i.message.created_at, i.message.id))


def find(world: World, me: User, message_id: str, now_ts: int) -> InboxItem | None:
    """The message ``message_id`` to ``me``, if it exists by ``now_ts``."""
    parts = message_id.split(".")
    item: InboxItem | None = None
    if parts[0] == "m" and len(parts) == 4 and parts[1] == me.id and _ints(parts[2:]):
        item = _mention(world, me, int(parts[2]), int(parts[3]))
    elif parts[0] == "p" and len(parts) == 5 and parts[1] == me.id and parts[4][:1] == "c":
        item = _comment_by_id(world, me, message_id, now_ts)
    elif parts[0] == "r" and len(parts) == 4 and parts[1] == me.id and parts[3] == "b":
        item = _reply_back(world, me, ".".join(parts[:3]))
    if item is None or item.message.created_at.timestamp() > now_ts:
        return None
    return item


# mentions -----------------------------------------------------------------------------


def _mentions(world: World, me: User, now_ts: int, after_ts: int) -> Iterator[InboxItem]:
    for day in range(after_ts // DAY, now_ts // DAY + 1):
        for k in range(_mention_count(world, me, day)):
            item = _mention(world, me, day, k)
            if item is not None and after_ts < item.message.created_at.timestamp() <= now_ts:
                yield item


def _mention_count(world: World, me: User, day: int) -> int:
    return int(unit(world.seed, "mentions", me.id, day) * (MAX_MENTIONS_PER_DAY + 1))


def _mention(world: World, me: User, day: int, k: int) -> InboxItem | None:
    if not 0 <= k < _mention_count(world, me, day):
        return None
    message_id = f"m.{me.id}.{day}.{k}"
    kind = chatter.kind_of(world.seed, message_id)
    author = _someone(world, message_id, BOT if kind == chatter.SPAM else PERSON)
    ts = day * DAY + int(unit(world.seed, "mention-t", message_id) * DAY)
    language, text = chatter.text_of(kind, world.seed, message_id)
    text = f"@{me.handle} {text}"
    message = _message(world, me, message_id, MessageSource.MENTION, author, text, ts, language)
    return InboxItem(message)


def _someone(world: World, key: str, kind: str) -> User:
    pool = [u for u in world.static_users() if u.kind == kind] or world.static_users()
    return pool[int(unit(world.seed, "speaker", key) * len(pool))]


# comments on our own posts ------------------------------------------------------------


def _comments(world: World, me: User, now_ts: int, after_ts: int) -> Iterator[InboxItem]:
    lookback = (now_ts - after_ts) // DAY + 2
    for post in reversed(posts.recent(world.seed, me, now_ts, lookback * 12)):
        assert post.created_at is not None
        if post.created_at.timestamp() + 2 * DAY < after_ts:
            continue
        for index in range(posts.comment_count(world.seed, post.id)):
            item = _comment(world, me, post, index)
            if after_ts < item.message.created_at.timestamp() <= now_ts:
                yield item


def _comment_by_id(world: World, me: User, comment_id: str, now_ts: int) -> InboxItem | None:
    post_id, _, index = comment_id.rpartition(".c")
    post = posts.find(world.seed, me, post_id, now_ts)
    if post is None or not index.isdigit():
        return None
    if int(index) >= posts.comment_count(world.seed, post_id):
        return None
    return _comment(world, me, post, int(index))


def _comment(world: World, me: User, post: Post, index: int) -> InboxItem:
    users = world.static_users()
    author = users[int(unit(world.seed, "commenter", post.id, index) * len(users))]
    said = posts.comment(world.seed, post, index, author)
    assert said.created_at is not None
    mine = ThreadPost(post.id, me.handle, post.text, mine=True)
    message = _message(
        world,
        me,
        said.id,
        MessageSource.COMMENT,
        author,
        said.text,
        int(said.created_at.timestamp()),
        chatter.comment_said(world.seed, said.id, author.kind == BOT)[0],
        root=post.id,
        parent=post.id,
        excerpt=post.text,
    )
    return InboxItem(message, (mine,))


# replies to our replies ---------------------------------------------------------------


def _reply_backs(world: World, me: User, now_ts: int, after_ts: int) -> Iterator[InboxItem]:
    rows = world.conn.execute(
        "SELECT id FROM replies WHERE actor = ? AND ts > ? ORDER BY ts, id",
        (me.id, after_ts - 2 * DAY),
    )
    for (reply_id,) in rows.fetchall():
        item = _reply_back(world, me, str(reply_id))
        if item is not None and after_ts < item.message.created_at.timestamp() <= now_ts:
            yield item


def _reply_back(world: World, me: User, reply_id: str) -> InboxItem | None:
    row = world.conn.execute(
        "SELECT post_id, text, ts FROM replies WHERE id = ? AND actor = ?", (reply_id, me.id)
    ).fetchone()
    if row is None or unit(world.seed, "reply-back", reply_id) >= REPLY_BACK_CHANCE:
        return None
    post_id, our_text, our_ts = str(row[0]), str(row[1]), int(row[2])
    answered = _answered(world, me, post_id, our_ts)
    if answered is None or answered[0].kind == BOT:
        return None
    author, their = answered
    message_id = f"{reply_id}.b"
    ts = our_ts + HOUR // 2 + int(unit(world.seed, "reply-back-t", reply_id) * 20 * HOUR)
    kind = chatter.QUESTION if unit(world.seed, "reply-back-q", reply_id) < 0.5 else chatter.PRAISE
    language, text = chatter.text_of(kind, world.seed, message_id)
    ours = ThreadPost(reply_id, me.handle, our_text, mine=True)
    root = their.message.root_id or their.message.id
    message = _message(
        world,
        me,
        message_id,
        MessageSource.REPLY,
        author,
        text,
        ts,
        language,
        root=root,
        parent=reply_id,
        excerpt=our_text,
    )
    thread = (*their.thread, ThreadPost(their.message.id, author.handle, their.message.text), ours)
    return InboxItem(message, thread)


def _answered(world: World, me: User, post_id: str, at_ts: int) -> tuple[User, InboxItem] | None:
    """The author of what our reply answered, and it as a message."""
    item = find(world, me, post_id, at_ts)
    if item is not None:
        author = world.user(item.message.author.id)
        return (author, item) if author else None
    author = world.user(posts.author_of(post_id) or "")
    post = posts.find(world.seed, author, post_id, at_ts) if author else None
    if author is None or post is None or post.created_at is None:
        return None
    said = _message(
        world,
        me,
        post.id,
        MessageSource.MENTION,
        author,
        post.text,
        int(post.created_at.timestamp()),
        None,
    )
    return author, InboxItem(said)


# shared -------------------------------------------------------------------------------


def _message(
    world: World,
    me: User,
    message_id: str,
    source: MessageSource,
    author: User,
    text: str,
    ts: int,
    language: str | None,
    *,
    root: str | None = None,
    parent: str | None = None,
    excerpt: str = "",
) -> Message:
    back = world.conn.execute(
        "SELECT src, ts FROM followbacks WHERE src = ? AND dst = ? AND ts <= ?",
        (author.id, me.id, ts),
    ).fetchall()
    follows_us = world.has("edges", src=author.id, dst=me.id) or bool(
        followback.lasting(world.seed, me.id, [(str(s), int(t)) for s, t in back], ts)
    )
    return Message(
        id=message_id,
        platform="sandbox",
        account=me.id,
        source=source,
        author=Author(
            id=author.id,
            handle=author.handle,
            name=author.name,
            followers=author.followers,
            created_at=posts.instant(author.created_ts),
            bio=author.bio,
            follows_us=follows_us,
        ),
        text=text,
        created_at=posts.instant(ts),
        language=language,
        root_id=root,
        parent_id=parent,
        post_excerpt=excerpt,
        ref={"id": message_id},
    )


def _ints(parts: list[str]) -> bool:
    return all(p.isdigit() for p in parts)

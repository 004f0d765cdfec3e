"""The sandbox's inbox: people mention the account, comment, reply back, spam and attack."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from socialseed.clock import FakeClock
from socialseed.errors import NotFound
from socialseed.model import Target, Verb
from socialseed.model.conversations import InboxItem, MessageSource
from socialseed.platforms.sandbox.client import SandboxPlatform
from tests.sandbox.conftest import Connect, action


def reply_to(item: InboxItem, text: str) -> Target:
    author = item.message.author
    return Target("post", author.id, author.handle, post_id=item.message.id, text=text)


async def month(platform: SandboxPlatform, clock: FakeClock) -> list[InboxItem]:
    items: list[InboxItem] = []
    cursor: str | None = None
    for _ in range(30):
        page = await platform.inbox(cursor)
        items.extend(page.items)
        cursor = page.cursor
        clock.advance(86400)
    return items


async def test_first_read_brings_a_week_oldest_first_with_a_cursor(
    platform: SandboxPlatform,
) -> None:
    page = await platform.inbox()
    stamps = [(i.message.created_at, i.message.id) for i in page.items]
    assert page.complete and stamps == sorted(stamps) and len(stamps) >= 7
    sources = Counter(i.message.source for i in page.items)
    assert sources[MessageSource.MENTION] > 0 and sources[MessageSource.COMMENT] > 0
    me = await platform.me()
    assert all(i.message.account == me.id for i in page.items)
    comment = next(i for i in page.items if i.message.source is MessageSource.COMMENT)
    assert comment.thread[0].mine and comment.message.parent_id == comment.thread[0].id
    assert page.cursor == f"{int(stamps[-1][0].timestamp())}:{stamps[-1][1]}"


async def test_each_read_starts_where_the_last_stopped(
    platform: SandboxPlatform, clock: FakeClock
) -> None:
    first = await platform.inbox()
    assert (await platform.inbox(first.cursor)).items == ()
    clock.advance(2 * 86400)
    later = await platform.inbox(first.cursor)
    seen = {i.message.id for i in first.items}
    assert later.items and not seen & {i.message.id for i in later.items}
    assert min(i.message.created_at for i in later.items) > max(
        i.message.created_at for i in first.items
    )


async def test_the_same_seed_says_the_same_things(connect: Connect) -> None:
    one = await connect().inbox()
    two = await connect().inbox()
    assert [i.to_data() for i in one.items] == [i.to_data() for i in two.items]


async def test_a_month_holds_questions_spam_other_languages_and_hostile_text(
    platform: SandboxPlatform, clock: FakeClock
) -> None:
    texts = [i.message.text for i in await month(platform, clock)]
    assert sum("?" in t for t in texts) >= 10
    assert any("http" in t or "bit.ly" in t for t in texts)
    assert any(any(ord(c) > 0x3000 for c in t) for t in texts)  # Japanese
    assert any("Ignore your previous instructions" in t for t in texts)
    assert any("\x1b[" in t or "\u202e" in t for t in texts)
    assert any(len(t) > 5000 for t in texts)


async def test_an_answered_message_may_get_a_reply_back_and_a_follow_back(
    platform: SandboxPlatform, clock: FakeClock, world_path: Path
) -> None:
    asked = [i for i in await month(platform, clock) if i.message.source is MessageSource.MENTION]
    for item in asked:
        outcome = await platform.execute(action(Verb.REPLY, reply_to(item, "Thanks!")))
        assert outcome.status == "done"
        clock.advance(60)  # under the sandbox's reply rate limit
    clock.advance(3 * 86400)
    backs = [i for i in (await platform.inbox()).items if i.message.source is MessageSource.REPLY]
    assert backs, "some answered people reply to the reply"
    back = backs[0]
    assert back.message.parent_id == back.thread[-1].id and back.thread[-1].mine
    assert back.message.root_id is not None
    conn = sqlite3.connect(world_path)
    me = (await platform.me()).id
    followbacks = conn.execute("SELECT count(*) FROM followbacks WHERE dst = ?", (me,)).fetchone()
    conn.close()
    assert 0 < followbacks[0] < len({i.message.author.id for i in asked})


async def test_replying_to_a_message_that_does_not_exist_is_not_found(
    platform: SandboxPlatform,
) -> None:
    me = await platform.me()
    target = Target("post", "u000001", "x", post_id=f"m.{me.id}.1.9", text="hi")
    with pytest.raises(NotFound, match="no post with id"):
        await platform.execute(action(Verb.REPLY, target))


async def test_spam_comments_on_own_posts_can_be_hidden(platform: SandboxPlatform) -> None:
    page = await platform.inbox()
    spam = next(
        i
        for i in page.items
        if i.message.source is MessageSource.COMMENT
        and ("http" in i.message.text or "bit.ly" in i.message.text)
    )
    hide = Target("post", spam.message.author.id, spam.message.author.handle, spam.message.id)
    assert (await platform.execute(action(Verb.HIDE_COMMENT, hide))).status == "done"

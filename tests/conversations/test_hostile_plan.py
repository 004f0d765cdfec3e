"""The hostile corpus through inbox → plan → every renderer: no guard break in planned text,
nothing unsafe reaches a terminal, Markdown pings nobody, JSON keeps the data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialseed.config.load import load_config
from socialseed.conversations import guards
from socialseed.conversations import text as txt
from socialseed.conversations.propose import propose
from socialseed.model import Action, Outcome, Page, Post, Profile, Source, Verb
from socialseed.model.conversations import (
    Author,
    InboxItem,
    InboxPage,
    Message,
    MessageSource,
    ThreadPost,
)
from socialseed.model.plan import AccountPlan, Plan
from socialseed.platforms.base import Platform
from socialseed.platforms.sandbox import capabilities
from socialseed.report.plan_markdown import render_markdown
from socialseed.report.plan_render import render_json, render_text
from socialseed.report.terminal import UNSAFE
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.conversations.corpus import HOSTILE_NAMES, HOSTILE_TEXTS

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SOURCES = (MessageSource.MENTION, MessageSource.COMMENT, MessageSource.REPLY)


def corpus() -> tuple[InboxItem, ...]:
    items = []
    for i, said in enumerate(HOSTILE_TEXTS):
        for j, name in enumerate(HOSTILE_NAMES):
            n = i * len(HOSTILE_NAMES) + j
            author = Author(f"u{n}", f"user{n}\x1b[31m", name, 50, NOW - timedelta(days=400))
            message = Message(
                id=f"m.{n}",
                platform="sandbox",
                account="mdemo",
                source=SOURCES[n % 3],
                author=author,
                text=said,
                created_at=NOW - timedelta(hours=n % 48),
                post_excerpt=said[:40],
            )
            thread = (ThreadPost(f"p.{n}", "demo.studio", "our post \u202eevil", mine=True),)
            items.append(InboxItem(message, thread))
    return tuple(items)


class HostileInbox(Platform):
    """A platform whose inbox is the corpus; nothing else is read or written."""

    name = "sandbox"

    async def inbox(self, since: str | None = None, *, max_context: int = 40) -> InboxPage:
        return InboxPage(() if since else corpus(), "end")

    async def me(self) -> Profile:
        raise AssertionError("not read")

    async def lookup(self, handle: str) -> Profile:
        raise AssertionError("not read")

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        raise AssertionError("not read")

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        raise AssertionError("not read")

    async def execute(self, action: Action) -> Outcome:
        raise AssertionError("nothing is sent at plan time")

    async def verify(self, action: Action) -> bool:
        raise AssertionError("nothing is sent at plan time")


async def test_hostile_inbox_plans_only_guarded_text_and_renders_inert(tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    account = config.account("demo-studio")
    caps = capabilities(None)
    db = open_state(tmp_path / "state.sqlite", now=NOW)
    platform = HostileInbox(account.id, account.handle, caps)

    found = await propose(db, config, account, caps, platform, NOW)

    rule_set = config.conversations["studio-replies"]
    replies = [a for a in found.actions if a.verb is Verb.REPLY]
    assert replies, "some hostile messages still get an inert answer"
    planned = [(a, d.text) for a in replies for d in a.conversation.drafts]  # type: ignore[union-attr]
    for action, text in planned:
        ctx = guards.GuardContext("sandbox", rule_set.guards)
        assert guards.check(text, ctx) is None, text
        assert not txt.has_link(text) and not txt.has_control(text)
        assert action.target.text == action.conversation.drafts[0].text  # type: ignore[union-attr]
        assert action.requires_human and not action.auto_approved
    assert all(a.verb in {Verb.REPLY, Verb.LIKE, Verb.HIDE_COMMENT} for a in found.actions)
    assert not any(a.verb is Verb.FOLLOW for a in found.actions)  # "follow me" is not obeyed

    part = AccountPlan(account.id, "sandbox", "warmup", 1, 14, 0, notes=tuple(found.notes))
    plan = Plan(
        [a.with_seq(i) for i, a in enumerate(found.actions, 1)],
        created_at=NOW,
        expires_at=NOW + timedelta(days=1),
        config_sha256="0" * 64,
        accounts=[part],
    )
    terminal = "\n".join(line.plain for line in render_text(plan, verbose=True))
    assert not UNSAFE.search(terminal)
    assert "\\x1b" in terminal and "\\u202e" in terminal  # shown as escapes, not obeyed
    markdown = render_markdown(plan)
    assert not UNSAFE.search(markdown.replace("\u2060", ""))
    assert "@user" not in markdown.replace("@\u2060user", "")  # nobody is pinged
    assert json.loads(render_json(plan)) == json.loads(plan.to_json())  # data kept exactly
    assert not UNSAFE.search(render_json(plan))


class NoInbox(HostileInbox):
    """An adapter that reads no inbox (Instagram and TikTok today)."""

    inbox = Platform.inbox


async def test_an_adapter_without_an_inbox_read_says_so_instead_of_dropping_it(
    tmp_path: Path,
) -> None:
    config = load_config(DEMO_CONFIG)
    account = config.account("demo-studio")
    caps = capabilities(None)
    db = open_state(tmp_path / "state.sqlite", now=NOW)

    found = await propose(db, config, account, caps, NoInbox(account.id, "x", caps), NOW)

    assert found.actions == []
    assert found.notes and "inbox: not read" in found.notes[0]

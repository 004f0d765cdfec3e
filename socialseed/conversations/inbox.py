"""Read an account's inbox through its platform into state, and sort what came in.

Each read starts at the cursor the last one kept (per account and source). Sorting runs the
account's rule set over the messages of the last ``WINDOW_DAYS`` days: answered ones keep
their rule but get no drafts. Remote text is data: it is matched and quoted, never obeyed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from socialseed.config.conversations import Match, Rule, RuleSet, Then
from socialseed.config.schema import Account, Config
from socialseed.conversations import has_rule_set
from socialseed.conversations.triage import AiTexts, triage
from socialseed.model.conversations import InboxEntry, InboxView, MessageSource, Triage
from socialseed.platforms.base import Platform
from socialseed.state import inbox as inbox_store
from socialseed.state.handle import StateDB
from socialseed.state.inbox import Received

WINDOW_DAYS = 7
OWN_THREAD = frozenset({MessageSource.COMMENT, MessageSource.REPLY})  # where a hide is possible

# ``actions.hide_spam_comments: true`` without a rule set: hide spam on our own posts.
SPAM_ONLY = RuleSet(
    sources=["comments", "replies"],
    rules=[Rule(name="hide_spam_comments", match=Match(spam=True), then=Then(hide=True))],
)


@dataclass(frozen=True)
class Sorted:
    """A stored message and how the rules sorted it now."""

    received: Received
    triage: Triage


@dataclass(frozen=True)
class Read:
    added: int
    complete: bool
    without_context: int = 0


def rule_set_for(config: Config, account: Account) -> RuleSet | None:
    """The account's rule set; the spam-only one when a targeting asks to hide spam comments."""
    if account.conversations:
        return config.conversations[account.conversations]
    return SPAM_ONLY if has_rule_set(config, account) else None


async def read(
    db: StateDB, account: Account, platform: Platform, now: datetime, rule_set: RuleSet
) -> Read:
    """One inbox read from where the last stopped; new messages and the cursor are kept.
    Thread context is read for at most ``rule_set.max_context_reads`` messages."""
    page = await platform.inbox(
        inbox_store.cursor(db, account.id), max_context=rule_set.max_context_reads
    )
    added = inbox_store.store_read(db, account.id, page.items, page.cursor, now)
    return Read(added, page.complete, page.without_context)


def sort(
    db: StateDB,
    account: Account,
    rule_set: RuleSet,
    now: datetime,
    ai: Mapping[str, AiTexts] | None = None,
) -> list[Sorted]:
    """The last ``WINDOW_DAYS`` of messages from the rule set's sources, sorted, oldest first.

    Drafts are made for unanswered messages only, and count against the per-author guard
    together with the replies already done today. ``ai`` holds the AI provider's texts by
    message id, when the plan asked for them.
    """
    since = now - timedelta(days=WINDOW_DAYS)
    sources = set(rule_set.sources)
    stored = [
        r
        for r in inbox_store.received(db, account.id)
        if r.item.message.created_at >= since and r.item.message.source.config_name in sources
    ]
    answered = frozenset(r.item.message.id for r in stored if not r.unanswered)
    sorted_ = triage(
        [r.item.message for r in stored],
        rule_set,
        account_handle=account.handle,
        now=now,
        replies_today=inbox_store.replies_today(db, account.id, now),
        answered=answered,
        ai=ai,
    )
    inbox_store.record_triage(db, account.id, sorted_)
    return [Sorted(r, t) for r, t in zip(stored, sorted_, strict=True)]


def status_of(received: Received) -> str:
    if received.hidden_at is not None:
        return "hidden"
    return "answered" if received.answered_at is not None else "unanswered"


async def view(
    db: StateDB, config: Config, account: Account, platform: Platform, now: datetime
) -> InboxView:
    """Read the account's inbox, sort the window, and say what became of each message."""
    rule_set = rule_set_for(config, account)
    if rule_set is None:
        note = "no conversations rule set (set 'conversations:' on the account)"
        return InboxView(account.id, account.platform, 0, True, (), note)
    done = await read(db, account, platform, now, rule_set)
    entries = tuple(
        InboxEntry(s.triage, _shown_status(s)) for s in sort(db, account, rule_set, now)
    )
    return InboxView(account.id, account.platform, done.added, done.complete, entries)


def _shown_status(found: Sorted) -> str:
    status, outcomes = status_of(found.received), found.triage.outcomes
    if status != "unanswered":
        return status
    if "reply" in outcomes or "needs_person" in outcomes:
        return status
    hides = "hide" in outcomes and found.triage.message.source in OWN_THREAD
    return "to hide" if hides else "no reply"

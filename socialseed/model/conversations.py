"""Conversation values: an incoming message, a drafted reply, and how a message was sorted.

Remote text (a message, an author's name or bio) is untrusted data: it travels in these values
and is rendered through the terminal cleaner, never interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from socialseed.clock import iso, parse_instant


class MessageSource(StrEnum):
    MENTION = "mention"
    REPLY = "reply"  # a reply to one of our posts or replies
    COMMENT = "comment"  # a comment on our own post (Instagram, TikTok, sandbox)
    QUOTE = "quote"

    @property
    def config_name(self) -> str:
        """The plural used in a rule set's ``sources:``."""
        return f"{self.value}s"


@dataclass(frozen=True)
class Author:
    id: str
    handle: str
    name: str = ""
    followers: int | None = None
    created_at: datetime | None = None
    bio: str = ""
    follows_us: bool | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "handle": self.handle,
            "name": self.name,
            "followers": self.followers,
            "created_at": iso(self.created_at) if self.created_at else None,
            "bio": self.bio,
            "follows_us": self.follows_us,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Author:
        created = data.get("created_at")
        return cls(
            id=str(data["id"]),
            handle=str(data["handle"]),
            name=str(data.get("name") or ""),
            followers=data.get("followers"),
            created_at=parse_instant(created) if created else None,
            bio=str(data.get("bio") or ""),
            follows_us=data.get("follows_us"),
        )


@dataclass(frozen=True)
class Message:
    """Something said to or about a managed account, as the platform returned it."""

    id: str
    platform: str
    account: str  # our account id
    source: MessageSource
    author: Author
    text: str
    created_at: datetime
    language: str | None = None
    root_id: str | None = None  # the thread's first post
    parent_id: str | None = None  # the post this message answers
    post_excerpt: str = ""  # our post it is about, if any
    ref: dict[str, str] = field(default_factory=dict)  # platform specifics (uri, cid, root refs)

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "platform": self.platform,
            "account": self.account,
            "source": self.source.value,
            "author": self.author.to_data(),
            "text": self.text,
            "created_at": iso(self.created_at),
            "language": self.language,
            "root_id": self.root_id,
            "parent_id": self.parent_id,
            "post_excerpt": self.post_excerpt,
            "ref": dict(sorted(self.ref.items())),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Message:
        return cls(
            id=str(data["id"]),
            platform=str(data["platform"]),
            account=str(data["account"]),
            source=MessageSource(data["source"]),
            author=Author.from_data(data["author"]),
            text=str(data.get("text") or ""),
            created_at=parse_instant(data["created_at"]),
            language=data.get("language"),
            root_id=data.get("root_id"),
            parent_id=data.get("parent_id"),
            post_excerpt=str(data.get("post_excerpt") or ""),
            ref=dict(data.get("ref") or {}),
        )


@dataclass(frozen=True)
class Draft:
    """A reply text that passed the guards; ``origin`` is ``template:NAME`` or ``ai:PROVIDER``."""

    text: str
    origin: str

    @property
    def template(self) -> str | None:
        kind, _, name = self.origin.partition(":")
        return name if kind == "template" else None

    def to_data(self) -> dict[str, Any]:
        return {"text": self.text, "origin": self.origin}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        return cls(text=str(data["text"]), origin=str(data["origin"]))


@dataclass(frozen=True)
class Dropped:
    """A draft that broke a guard, and why: shown, never proposed."""

    origin: str
    reason: str

    def to_data(self) -> dict[str, Any]:
        return {"origin": self.origin, "reason": self.reason}


@dataclass(frozen=True)
class Triage:
    """How one message was sorted: the rule that matched, what it asks, the drafts."""

    message: Message
    rule: str | None  # None: no rule matched
    outcomes: tuple[str, ...]  # reply, like, hide, mute, ignore, needs_person
    drafts: tuple[Draft, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    question: bool = False
    spam_signals: tuple[str, ...] = ()
    answered: bool = False

    def to_data(self) -> dict[str, Any]:
        return {
            "message": self.message.to_data(),
            "rule": self.rule,
            "outcomes": list(self.outcomes),
            "drafts": [d.to_data() for d in self.drafts],
            "dropped": [d.to_data() for d in self.dropped],
            "question": self.question,
            "spam_signals": list(self.spam_signals),
            "answered": self.answered,
        }


THREAD_KEPT = 3  # the earlier posts of a thread an inbox read keeps as context (the last ones)
QUESTION_MARKS = ("?", "？", "¿", "؟")
CONTEXT_READS = 40  # thread-context reads one inbox read may make, unless the config says


@dataclass(frozen=True)
class ThreadPost:
    """One earlier post of a message's thread, shown as context (oldest first)."""

    id: str
    author_handle: str
    text: str
    mine: bool = False  # written by the managed account

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author_handle": self.author_handle,
            "text": self.text,
            "mine": self.mine,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ThreadPost:
        return cls(
            id=str(data["id"]),
            author_handle=str(data["author_handle"]),
            text=str(data.get("text") or ""),
            mine=bool(data.get("mine", False)),
        )


@dataclass(frozen=True)
class InboxItem:
    """One message a platform's inbox read returned, with the thread it sits in."""

    message: Message
    thread: tuple[ThreadPost, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "message": self.message.to_data(),
            "thread": [p.to_data() for p in self.thread],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> InboxItem:
        return cls(
            message=Message.from_data(data["message"]),
            thread=tuple(ThreadPost.from_data(p) for p in data.get("thread") or []),
        )


@dataclass(frozen=True)
class InboxPage:
    """What one ``Platform.inbox(since)`` read found, and the cursor to read on from.

    ``cursor`` is opaque and platform-specific (the newest notification/mention seen); pass it
    back as ``since`` next time. ``complete`` is False when the read stopped at its page cap
    with older unseen items left (they are not read again: the cursor has moved past them).
    ``without_context`` counts the messages that answer a post but whose thread was not read,
    because the read's ``max_context`` cap was reached (or the rate window is nearly spent).
    """

    items: tuple[InboxItem, ...]
    cursor: str | None
    complete: bool = True
    without_context: int = 0


@dataclass(frozen=True)
class Conversation:
    """What a conversation action (reply, hide, like of a message) answers, in the plan.

    ``message`` is the incoming message (its id, author, text, source, ``root_id``,
    ``parent_id`` and the platform's ``ref``: Bluesky ``uri``/``cid``/``root_uri``/``root_cid``).
    ``drafts`` are up to three guarded alternatives, each with its origin (``template:NAME`` or
    ``ai:PROVIDER``); the first is the default text (also in ``Target.text``). ``dropped`` are
    drafts a guard refused, with the reason shown. ``rule`` is the rule that matched.
    """

    message: Message
    rule: str
    drafts: tuple[Draft, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    thread: tuple[ThreadPost, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "message": self.message.to_data(),
            "rule": self.rule,
            "drafts": [d.to_data() for d in self.drafts],
            "dropped": [d.to_data() for d in self.dropped],
            "thread": [p.to_data() for p in self.thread],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Conversation:
        return cls(
            message=Message.from_data(data["message"]),
            rule=str(data["rule"]),
            drafts=tuple(Draft.from_data(d) for d in data.get("drafts") or []),
            dropped=tuple(
                Dropped(str(d["origin"]), str(d["reason"])) for d in data.get("dropped") or []
            ),
            thread=tuple(ThreadPost.from_data(p) for p in data.get("thread") or []),
        )


@dataclass(frozen=True)
class InboxEntry:
    """One stored message as ``socialseed inbox`` shows it: how it was sorted, what became of
    it: ``answered``, ``hidden``, ``unanswered`` (a reply or a person is wanted) or
    ``no reply`` (the rules ask for none)."""

    triage: Triage
    status: str

    def to_data(self) -> dict[str, Any]:
        return {**self.triage.to_data(), "status": self.status}


@dataclass(frozen=True)
class InboxView:
    """One account's inbox: what the read brought and the sorted messages of the window."""

    account: str
    platform: str
    added: int
    complete: bool
    entries: tuple[InboxEntry, ...]
    note: str = ""

    @property
    def unanswered(self) -> int:
        return sum(1 for e in self.entries if e.status == "unanswered")

    def to_data(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "platform": self.platform,
            "new": self.added,
            "complete": self.complete,
            "unanswered": self.unanswered,
            "note": self.note,
            "messages": [e.to_data() for e in self.entries],
        }

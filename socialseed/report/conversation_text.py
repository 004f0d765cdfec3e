"""What a conversation action shows: the incoming message, its thread, the drafted
alternatives and the drafts a guard dropped. Raw strings: each renderer passes them through
its own function of the one sanitiser (``terminal.clean``/``one_line``/``markdown``)."""

from __future__ import annotations

from socialseed.model.conversations import Conversation

EXCERPT = 200
THREAD_SHOWN = 2  # the last posts of the thread before the message


def excerpt(text: str, size: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def said(conversation: Conversation) -> str:
    message = conversation.message
    return f"@{message.author.handle} ({message.source.value}): “{excerpt(message.text)}”"


def thread(conversation: Conversation) -> list[str]:
    return [
        f"{'you' if p.mine else '@' + p.author_handle}: “{excerpt(p.text, 120)}”"
        for p in conversation.thread[-THREAD_SHOWN:]
    ]


def drafts(conversation: Conversation) -> list[str]:
    return [f"{i}) [{d.origin}] {d.text}" for i, d in enumerate(conversation.drafts, 1)]


def dropped(conversation: Conversation) -> list[str]:
    return [f"dropped [{d.origin}]: {d.reason}" for d in conversation.dropped]

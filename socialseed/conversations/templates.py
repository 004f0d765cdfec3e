"""Render a saved reply: ``{author.name}``, ``{post.excerpt}`` … filled from the message.

Values are inserted as plain text, never re-read as placeholders: a name that reads
``{account.handle}`` stays those characters. The guards judge the result.
"""

from __future__ import annotations

import string

from socialseed.conversations import text as txt
from socialseed.model.conversations import Message


def values(message: Message, account_handle: str) -> dict[str, str]:
    author = message.author
    return {
        "author.name": txt.excerpt(author.name or author.handle, 50),
        "author.handle": "@" + author.handle.lstrip("@"),
        "message.excerpt": txt.excerpt(message.text, 60),
        "post.excerpt": txt.excerpt(message.post_excerpt, 60),
        "account.handle": "@" + account_handle.lstrip("@"),
    }


def render(template: str, message: Message, account_handle: str) -> str:
    """The template with every placeholder filled (validate has refused unknown ones)."""
    known = values(message, account_handle)
    out: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(known.get(field, ""))
    return "".join(out).strip()

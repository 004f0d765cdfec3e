"""Pure text helpers for incoming messages: words, links, questions, excerpts."""

from __future__ import annotations

import functools
import re
import unicodedata

_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|xyz|ly|co)\b")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_QUESTION_STARTS = frozenset(
    {
        "how",
        "what",
        "when",
        "where",
        "why",
        "who",
        "which",
        "can",
        "could",
        "do",
        "does",
        "did",
        "is",
        "are",
        "will",
        "would",
        "should",
        "may",
        "wie",
        "wann",
        "wo",
        "warum",
        "wer",
        "kann",
        "kannst",
        "gibt",
        "qué",
        "cómo",
        "cuándo",
        "dónde",
        "puedo",
        "quand",
        "où",
        "pourquoi",
    }
)
QUESTION_MARKS = ("?", "？", "¿", "؟")


def links(text: str) -> int:
    """How many links (URLs, www., bare domains) the text holds."""
    return len(_LINK.findall(text))


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def words(text: str) -> list[str]:
    """Lower-case words, NFKC-normalised (so full-width and styled letters match too)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def padded(text: str) -> str:
    """The words joined by spaces, with a space on each side: ``" a b "`` for phrase search."""
    return f" {' '.join(words(text))} "


@functools.lru_cache(maxsize=4096)
def phrase(keyword: str) -> str:
    """A config keyword as ``padded`` text (cached: the same few keywords meet every message)."""
    return padded(keyword)


def is_question(text: str) -> bool:
    if any(mark in text for mark in QUESTION_MARKS):
        return True
    found = words(text[:200])
    return bool(found) and found[0] in _QUESTION_STARTS


def fingerprint(text: str) -> str:
    """The text reduced to its words, for spotting the same text sent many times."""
    return " ".join(words(text))[:200]


def has_control(text: str) -> bool:
    """Control or bidirectional-override characters (newline and tab allowed)."""
    return _CONTROL.search(text) is not None


def excerpt(text: str, limit: int = 80) -> str:
    """One line, control characters removed, at most ``limit`` characters."""
    flat = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"

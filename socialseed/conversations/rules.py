"""Match a message against a rule set: pure, ordered, the first rule that matches wins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from socialseed.config.conversations import AuthorMatch, Keywords, Match, Range, Rule, RuleSet
from socialseed.conversations import text as txt
from socialseed.model.conversations import Message


@dataclass(frozen=True)
class Facts:
    """What the rules look at, computed once per message."""

    padded: str
    question: bool
    links: int
    spam_signals: tuple[str, ...]

    @property
    def spam(self) -> bool:
        return bool(self.spam_signals)


def facts(
    message: Message,
    rule_set: RuleSet,
    now: datetime,
    repeats: Mapping[str, int] | None = None,
    links: int | None = None,
) -> Facts:
    """The words, question flag, link count and spam signals of ``message``."""
    count = txt.links(message.text) if links is None else links
    padded = txt.padded(message.text)  # the words, once: every rule and heuristic reads them
    signals = spam_signals(message, rule_set, now, count, repeats or {}, padded)
    return Facts(padded, txt.is_question(message.text), count, signals)


def spam_signals(
    message: Message,
    rule_set: RuleSet,
    now: datetime,
    links: int,
    repeats: Mapping[str, int],
    padded: str | None = None,
) -> tuple[str, ...]:
    """The spam heuristics that fired, or ``()`` when fewer than ``spam.signals`` did."""
    spam = rule_set.spam
    fired: list[str] = []
    if links > spam.max_links:
        fired.append(f"{links} links (spam.max_links: {spam.max_links})")
    words = padded if padded is not None else txt.padded(message.text)
    times = repeats.get(words.strip()[:200], 1) if repeats else 1
    if times >= spam.repeated_text:
        fired.append(f"same text {times} times (spam.repeated_text: {spam.repeated_text})")
    age = _age_days(message, now)
    if age is not None and age < spam.new_account_days:
        fired.append(f"account {age} days old (spam.new_account_days: {spam.new_account_days})")
    hits = [w for w in spam.words if txt.phrase(w) in words]
    if hits:
        fired.append(f"spam words: {', '.join(hits)}")
    return tuple(fired) if len(fired) >= spam.signals else ()


def first_match(message: Message, rule_set: RuleSet, found: Facts, now: datetime) -> Rule | None:
    """The first rule whose match holds, or ``None``."""
    for rule in rule_set.rules:
        if matches(rule.match, message, found, now):
            return rule
    return None


def matches(match: Match, message: Message, found: Facts, now: datetime) -> bool:
    return (
        _source_ok(match, message)
        and _keywords_ok(match.keywords, found.padded)
        and (match.question is None or match.question == found.question)
        and (not match.language or (message.language or "") in match.language)
        and (match.follower is None or match.follower == bool(message.author.follows_us))
        and (match.spam is None or match.spam == found.spam)
        and _author_ok(match.author, message, now)
    )


def _source_ok(match: Match, message: Message) -> bool:
    return not match.sources or message.source.config_name in match.sources


def _keywords_ok(keywords: Keywords, padded: str) -> bool:
    if keywords.any and not any(txt.phrase(k) in padded for k in keywords.any):
        return False
    if any(txt.phrase(k) not in padded for k in keywords.all):
        return False
    return not any(txt.phrase(k) in padded for k in keywords.none)


def _author_ok(author: AuthorMatch, message: Message, now: datetime) -> bool:
    if not author.model_fields_set:  # no author filter given (cheaper than comparing models)
        return True
    who = message.author
    if not _in_range(author.followers, who.followers):
        return False
    if not _in_range(author.account_age_days, _age_days(message, now)):
        return False
    if author.handles and not any(
        fnmatchcase(who.handle.lower(), p.lower()) for p in author.handles
    ):
        return False
    bio = txt.padded(who.bio)
    if author.bio_include and not any(txt.phrase(w) in bio for w in author.bio_include):
        return False
    return not any(txt.phrase(w) in bio for w in author.bio_exclude)


def _in_range(bounds: Range, value: float | None) -> bool:
    if bounds.min is None and bounds.max is None:
        return True
    if value is None:
        return False
    return (bounds.min is None or value >= bounds.min) and (
        bounds.max is None or value <= bounds.max
    )


def _age_days(message: Message, now: datetime) -> int | None:
    created = message.author.created_at
    return None if created is None else max(int((now - created).total_seconds() // 86400), 0)

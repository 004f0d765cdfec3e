"""The ``conversations:`` block: named rule sets that sort incoming messages and draft replies.

A rule set names its sources, an ordered list of rules (the first match wins), templates with
placeholders, a ``voice`` for AI drafts, guards every draft must pass, and ``examples`` that
``socialseed validate`` runs offline. No I/O here; ``problems()`` returns the cross-checks
(unknown templates, unknown placeholders, unreachable rules) as ``(loc, message)`` pairs that
the loader turns into ``file, line, column`` errors.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from socialseed.model.conversations import CONTEXT_READS

MessageSourceName = Literal["mentions", "replies", "comments", "quotes"]
SOURCES: tuple[MessageSourceName, ...] = ("mentions", "replies", "comments", "quotes")
PLACEHOLDERS: tuple[str, ...] = (
    "author.name",
    "author.handle",
    "message.excerpt",
    "post.excerpt",
    "account.handle",
)
Loc = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Range(_Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        return self


class Keywords(_Strict):
    any: list[str] = Field(default_factory=list, description="At least one of these words.")
    all: list[str] = Field(default_factory=list, description="Every one of these words.")
    none: list[str] = Field(default_factory=list, description="None of these words.")


class AuthorMatch(_Strict):
    """Author filters, as in targeting: counts, handles, bio words, account age."""

    followers: Range = Range()
    handles: list[str] = Field(default_factory=list, description="Glob patterns, e.g. 'bot*'.")
    bio_include: list[str] = Field(default_factory=list)
    bio_exclude: list[str] = Field(default_factory=list)
    account_age_days: Range = Range()


class Match(_Strict):
    """Every condition given must hold; an empty match matches every message."""

    sources: list[MessageSourceName] = Field(default_factory=list)
    keywords: Keywords = Keywords()
    question: StrictBool | None = None
    language: list[str] = Field(default_factory=list)
    follower: StrictBool | None = Field(default=None, description="Is the author following us?")
    author: AuthorMatch = AuthorMatch()
    spam: StrictBool | None = Field(default=None, description="The spam heuristics' verdict.")


class ReplyWith(_Strict):
    templates: list[str] = Field(default_factory=list, description="Named templates, in order.")
    ai: StrictBool = Field(default=False, description="Also ask the AI provider for a draft.")

    @model_validator(mode="after")
    def _something(self) -> ReplyWith:
        if not self.templates and not self.ai:
            raise ValueError("a reply needs templates, ai: true, or both")
        return self


class Then(_Strict):
    reply: ReplyWith | None = None
    like: StrictBool = False
    hide: StrictBool = False
    mute: StrictBool = False
    ignore: StrictBool = False
    needs_person: StrictBool = False

    @model_validator(mode="after")
    def _coherent(self) -> Then:
        chosen = self.verbs()
        if not chosen:
            raise ValueError(
                "a rule needs at least one of reply, like, hide, mute, ignore, needs_person"
            )
        if self.ignore and len(chosen) > 1:
            raise ValueError("ignore cannot be combined with other outcomes")
        if self.hide and self.reply is not None:
            raise ValueError("hide and reply together make no sense: hide is for spam")
        return self

    def verbs(self) -> tuple[str, ...]:
        flags = {
            "reply": self.reply is not None,
            "like": self.like,
            "hide": self.hide,
            "mute": self.mute,
            "ignore": self.ignore,
            "needs_person": self.needs_person,
        }
        return tuple(name for name, on in flags.items() if on)


class Rule(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    match: Match = Match()
    then: Then


class Guards(_Strict):
    no_links: StrictBool = True
    banned_words: list[str] = Field(default_factory=list)
    max_replies_per_author_per_day: int = Field(default=1, ge=1, le=100)
    max_length: int | None = Field(
        default=None, ge=1, description="Lower than the platform's limit, if you want."
    )


class SpamHeuristics(_Strict):
    max_links: int = Field(default=1, ge=0, description="More links than this is a signal.")
    repeated_text: int = Field(
        default=3, ge=2, description="The same text from this many messages is a signal."
    )
    new_account_days: int = Field(default=7, ge=0, description="Younger accounts: a signal.")
    words: list[str] = Field(default_factory=lambda: ["giveaway", "crypto", "promo code"])
    signals: int = Field(default=2, ge=1, description="Signals needed to call it spam.")


class ExampleAuthor(_Strict):
    name: str = "Example Person"
    handle: str = "example.person"
    followers: int = 100
    account_age_days: int = 365
    bio: str = ""
    follower: StrictBool = False


class Expect(_Strict):
    rule: str
    template: str | None = Field(default=None, description="The first proposed template.")


class Example(_Strict):
    text: str
    source: Literal["mention", "reply", "comment", "quote"] = "mention"
    language: str | None = None
    links: int | None = Field(default=None, ge=0, description="Defaults to links in the text.")
    author: ExampleAuthor = ExampleAuthor()
    expect: Expect


class RuleSet(_Strict):
    sources: list[MessageSourceName] = Field(default_factory=lambda: list(SOURCES))
    voice: str = ""
    templates: dict[str, str] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
    guards: Guards = Guards()
    spam: SpamHeuristics = SpamHeuristics()
    ai_provider: str | None = Field(default=None, description="A scoring.providers name.")
    max_drafts: int = Field(default=3, ge=1, le=3)
    max_context_reads: int = Field(
        default=CONTEXT_READS,
        ge=0,
        le=1000,
        description="Thread-context reads per inbox read, where each costs a request "
        "(Mastodon, Bluesky): questions first, then the newest; the rest show no thread.",
    )
    examples: list[Example] = Field(default_factory=list)


def placeholders(template: str) -> list[str]:
    """The ``{field}`` names in a template (``{{`` and ``}}`` are literal braces)."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ValueError(f"cannot read the placeholders: {exc} (write {{{{ for a brace)") from exc


def problems(
    rule_sets: Mapping[str, RuleSet],
    account_refs: Sequence[str | None],
    providers: Iterable[str],
) -> list[tuple[Loc, str]]:
    """Cross-checks over every rule set and the accounts' ``conversations:`` references."""
    found: list[tuple[Loc, str]] = []
    known_providers = set(providers)
    for name, rule_set in rule_sets.items():
        found.extend(_rule_set_problems(("conversations", name), rule_set, known_providers))
    for i, ref in enumerate(account_refs):
        if ref is not None and ref not in rule_sets:
            known = ", ".join(rule_sets) or "none"
            found.append(
                (
                    ("accounts", i, "conversations"),
                    f"unknown rule set '{ref}'; defined in conversations: {known}",
                )
            )
    return found


def _rule_set_problems(
    loc: Loc, rule_set: RuleSet, providers: set[str]
) -> Iterator[tuple[Loc, str]]:
    for key, text in rule_set.templates.items():
        yield from _template_problems((*loc, "templates", key), text)
    for i, rule in enumerate(rule_set.rules):
        yield from _reference_problems((*loc, "rules", i), rule, rule_set)
    yield from _unreachable(loc, rule_set.rules)
    yield from _duplicate_rules(loc, rule_set.rules)
    if rule_set.ai_provider is not None and rule_set.ai_provider not in providers:
        known = ", ".join(sorted(providers)) or "none"
        yield (
            (*loc, "ai_provider"),
            f"unknown provider '{rule_set.ai_provider}'; scoring.providers has: {known}",
        )
    names = {r.name for r in rule_set.rules}
    for i, example in enumerate(rule_set.examples):
        if example.expect.rule not in names:
            yield (
                (*loc, "examples", i, "expect", "rule"),
                f"unknown rule '{example.expect.rule}'; rules: {', '.join(sorted(names))}",
            )


def _template_problems(loc: Loc, text: str) -> Iterator[tuple[Loc, str]]:
    try:
        fields = placeholders(text)
    except ValueError as exc:
        yield (loc, str(exc))
        return
    for field in fields:
        if field not in PLACEHOLDERS:
            yield (
                loc,
                f"unknown placeholder {{{field}}}; use one of: "
                + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
            )


def _reference_problems(loc: Loc, rule: Rule, rule_set: RuleSet) -> Iterator[tuple[Loc, str]]:
    reply = rule.then.reply
    if reply is None:
        return
    for j, template in enumerate(reply.templates):
        if template not in rule_set.templates:
            known = ", ".join(sorted(rule_set.templates)) or "none"
            yield (
                (*loc, "then", "reply", "templates", j),
                f"unknown template '{template}' in rule '{rule.name}'; templates: {known}",
            )
    if reply.ai and rule_set.ai_provider is None:
        yield (
            (*loc, "then", "reply", "ai"),
            f"rule '{rule.name}' asks for an AI draft but the rule set names no ai_provider",
        )


def _duplicate_rules(loc: Loc, rules: list[Rule]) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.name in seen:
            yield ((*loc, "rules", i, "name"), f"rule '{rule.name}' appears twice")
        seen.add(rule.name)


def _unreachable(loc: Loc, rules: list[Rule]) -> Iterator[tuple[Loc, str]]:
    for i, later in enumerate(rules):
        for earlier in rules[:i]:
            if covers(earlier.match, later.match):
                yield (
                    (*loc, "rules", i),
                    f"rule '{later.name}' can never match: rule '{earlier.name}' above it "
                    "matches every message it would; move it up or narrow the earlier rule",
                )
                break


def covers(wide: Match, narrow: Match) -> bool:
    """Does every message that ``narrow`` matches also match ``wide``? (Sound, not complete.)"""
    if wide == narrow:
        return True
    return (
        _subset_or_any(narrow.sources, wide.sources)
        and _subset_or_any(narrow.language, wide.language)
        and _same_or_unset(wide.question, narrow.question)
        and _same_or_unset(wide.follower, narrow.follower)
        and _same_or_unset(wide.spam, narrow.spam)
        and _keywords_cover(wide.keywords, narrow.keywords)
        and wide.author == AuthorMatch()
    )


def _subset_or_any(narrow: Sequence[str], wide: Sequence[str]) -> bool:
    return not wide or (bool(narrow) and set(narrow) <= set(wide))


def _same_or_unset(wide: bool | None, narrow: bool | None) -> bool:
    return wide is None or wide == narrow


def _keywords_cover(wide: Keywords, narrow: Keywords) -> bool:
    low = _lower
    if not low(wide.all) <= low(narrow.all) or not low(wide.none) <= low(narrow.none):
        return False
    if not wide.any:
        return True
    return bool(low(wide.any) & low(narrow.all)) or (
        bool(narrow.any) and low(narrow.any) <= low(wide.any)
    )


def _lower(words: list[str]) -> set[str]:
    return {w.lower() for w in words}

"""Sort messages by a rule set and draft replies that pass the guards. Pure.

Template drafts are rendered here; AI drafts come in as raw texts (``ai``, by message id: the
plan asks the provider first) and pass the same guards. Without them a rule that asks only for
AI gets no draft; a reply whose every draft broke a guard, or whose AI draft was asked for and
did not come, goes to a person with the reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from socialseed.config.conversations import Rule, RuleSet
from socialseed.conversations import guards as guard
from socialseed.conversations import rules as matching
from socialseed.conversations import templates
from socialseed.conversations import text as txt
from socialseed.model.conversations import Draft, Dropped, Message, Triage


@dataclass(frozen=True)
class AiTexts:
    """What the AI provider answered for one message: raw texts, or why there are none."""

    origin: str  # "ai:PROVIDER"
    texts: tuple[str, ...] = ()
    problem: str | None = None


@dataclass
class Sorter:
    """Triage for one account: keeps per-author reply counts across the batch."""

    rule_set: RuleSet
    account_handle: str
    now: datetime
    replies_today: Counter[str] = field(default_factory=Counter)
    answered: frozenset[str] = frozenset()
    ai: Mapping[str, AiTexts] = field(default_factory=dict)

    def run(self, messages: Sequence[Message]) -> list[Triage]:
        repeats = Counter(txt.fingerprint(m.text) for m in messages)
        return [self.one(m, repeats) for m in messages]

    def one(self, message: Message, repeats: Mapping[str, int] | None = None) -> Triage:
        found = matching.facts(message, self.rule_set, self.now, repeats)
        rule = matching.first_match(message, self.rule_set, found, self.now)
        answered = message.id in self.answered
        if rule is None:
            return Triage(
                message,
                None,
                (),
                question=found.question,
                spam_signals=found.spam_signals,
                answered=answered,
            )
        outcomes = rule.then.verbs()
        drafts: tuple[Draft, ...] = ()
        dropped: tuple[Dropped, ...] = ()
        if rule.then.reply is not None and not answered:
            drafts, dropped = self._drafts(rule, message)
            if drafts:
                self.replies_today[message.author.id] += 1
            elif not rule.then.reply.ai or message.id in self.ai:
                outcomes = (*[o for o in outcomes if o != "reply"], "needs_person")
        return Triage(
            message,
            rule.name,
            outcomes,
            drafts,
            dropped,
            found.question,
            found.spam_signals,
            answered,
        )

    def _drafts(
        self, rule: Rule, message: Message
    ) -> tuple[tuple[Draft, ...], tuple[Dropped, ...]]:
        assert rule.then.reply is not None
        ctx = guard.GuardContext(
            message.platform, self.rule_set.guards, self.replies_today[message.author.id]
        )
        kept: list[Draft] = []
        dropped: list[Dropped] = []
        for name in rule.then.reply.templates:
            origin = f"template:{name}"
            text = templates.render(
                self.rule_set.templates.get(name, ""), message, self.account_handle
            )
            reason = guard.check(text, ctx)
            if reason is not None:
                dropped.append(Dropped(origin, reason))
            elif len(kept) < self.rule_set.max_drafts and text not in {d.text for d in kept}:
                kept.append(Draft(text, origin))
        ai = self.ai.get(message.id) if rule.then.reply.ai else None
        if ai is not None:
            self._ai_drafts(ai, ctx, kept, dropped)
        return tuple(kept), tuple(dropped)

    def _ai_drafts(
        self, ai: AiTexts, ctx: guard.GuardContext, kept: list[Draft], dropped: list[Dropped]
    ) -> None:
        """The provider's texts through the same guards as a template's."""
        if ai.problem:
            dropped.append(Dropped(ai.origin, ai.problem))
        for text in ai.texts:
            reason = guard.check(text, ctx)
            if reason is not None:
                dropped.append(Dropped(ai.origin, reason))
            elif len(kept) < self.rule_set.max_drafts and text not in {d.text for d in kept}:
                kept.append(Draft(text, ai.origin))


def triage(
    messages: Sequence[Message],
    rule_set: RuleSet,
    *,
    account_handle: str,
    now: datetime,
    replies_today: Mapping[str, int] | None = None,
    answered: frozenset[str] = frozenset(),
    ai: Mapping[str, AiTexts] | None = None,
) -> list[Triage]:
    """Each message sorted by the first matching rule, with guarded drafts."""
    sorter = Sorter(
        rule_set, account_handle, now, Counter(replies_today or {}), answered, dict(ai or {})
    )
    return sorter.run(messages)

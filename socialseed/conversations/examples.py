"""Run a rule set's ``examples:`` offline: each names the rule (and template) it expects.

A failure reads like a diff, so a pull request that changes the rules shows what it broke::

    configs/demo.yaml, line 40, column 9: conversations.studio.examples[2]: "How much is a print?"
      - expected: rule pricing, template price
      + got:      rule thanks, template thanks
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from socialseed.config.conversations import Example, RuleSet
from socialseed.config.schema import Config
from socialseed.conversations.text import excerpt
from socialseed.conversations.triage import triage
from socialseed.model.conversations import Author, Message, MessageSource

EXAMPLE_NOW = datetime(2026, 1, 1, tzinfo=UTC)
PLATFORM = "sandbox"


@dataclass(frozen=True)
class Failure:
    rule_set: str
    index: int
    text: str
    expected: str
    got: str

    @property
    def loc(self) -> tuple[str | int, ...]:
        return ("conversations", self.rule_set, "examples", self.index)

    def lines(self, where: str) -> list[str]:
        head = f"{where}: conversations.{self.rule_set}.examples[{self.index}]: {self.text!r}"
        return [head, f"  - expected: {self.expected}", f"  + got:      {self.got}"]


def message_of(example: Example, index: int) -> Message:
    who = example.author
    return Message(
        id=f"example-{index}",
        platform=PLATFORM,
        account="example",
        source=MessageSource(example.source),
        author=Author(
            id=f"author-{index}",
            handle=who.handle,
            name=who.name,
            followers=who.followers,
            created_at=EXAMPLE_NOW - timedelta(days=who.account_age_days),
            bio=who.bio,
            follows_us=who.follower,
        ),
        text=example.text,
        created_at=EXAMPLE_NOW,
        language=example.language,
        post_excerpt="Our example post",
    )


def run_rule_set(name: str, rule_set: RuleSet) -> list[Failure]:
    """The examples of one rule set that do not come out as expected (each judged alone)."""
    failures = []
    for i, example in enumerate(rule_set.examples):
        (result,) = triage(
            [message_of(example, i)], rule_set, account_handle="example", now=EXAMPLE_NOW
        )
        template = result.drafts[0].template if result.drafts else None
        expected = _describe(example.expect.rule, example.expect.template)
        got = _describe(result.rule, template if example.expect.template else None)
        if expected != got:
            failures.append(Failure(name, i, excerpt(example.text, 60), expected, got))
    return failures


def run(config: Config) -> tuple[int, list[Failure]]:
    """How many examples ran, and the failures, over every rule set."""
    total = 0
    failures: list[Failure] = []
    for name, rule_set in config.conversations.items():
        total += len(rule_set.examples)
        failures.extend(run_rule_set(name, rule_set))
    return total, failures


def _describe(rule: str | None, template: str | None) -> str:
    text = f"rule {rule}" if rule else "no rule"
    return f"{text}, template {template}" if template else text

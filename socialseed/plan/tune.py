"""Tuning suggestions from the account's outcomes: which sources find people who follow back.

Pure: handed the config and each source's judged follows (follows made at least three days
ago, followed back or not), it proposes changes with their reason and numbers:

- a source whose follow-back rate is under half the best source's (both with at least
  ``MIN_FOLLOWS`` judged follows) is dropped, when its targeting keeps another source;
- the best source's ``limit`` is doubled, so that discovery reads deeper where it pays.

The CLI turns the changes into a unified diff of the YAML files (config.yaml_edit) and
validates the result before showing or writing it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from socialseed.config.schema import Config, Source

MIN_FOLLOWS = 20
WEAK_SHARE = 0.5  # a source under this share of the best source's rate is dropped
MAX_LIMIT = 100_000


@dataclass(frozen=True)
class SourceOutcome:
    targeting: str
    source: str  # kind:value, as discovery names it
    follows: int
    followed_back: int

    @property
    def rate(self) -> float:
        return self.followed_back / self.follows if self.follows else 0.0

    def text(self) -> str:
        return f"source {self.source}: {self.rate:.0%} follow-back over {self.follows} follow(s)"


@dataclass(frozen=True)
class Change:
    """One change to one targeting's sources: ``drop`` it, or set its ``limit``."""

    targeting: str
    source: str
    kind: str  # drop | limit
    reason: str
    limit: int | None = None


def source_key(source: Source) -> str:
    return f"{source.kind}:{getattr(source, source.kind)}"


def suggest(config: Config, outcomes: Sequence[SourceOutcome]) -> list[Change]:
    """The changes the outcomes support, per targeting (none without enough evidence)."""
    changes: list[Change] = []
    by_targeting: dict[str, list[SourceOutcome]] = {}
    for outcome in outcomes:
        by_targeting.setdefault(outcome.targeting, []).append(outcome)
    for name, rows in sorted(by_targeting.items()):
        targeting = config.targeting.get(name)
        if targeting is None:
            continue
        sources = {source_key(s): s for s in targeting.sources}
        judged = [r for r in rows if r.follows >= MIN_FOLLOWS and r.source in sources]
        if not judged:
            continue
        best = max(judged, key=lambda r: (r.rate, r.follows, r.source))
        changes += _drops(name, judged, best, len(sources))
        changes += _widen(name, best, sources[best.source])
    return changes


def _drops(
    name: str, judged: Sequence[SourceOutcome], best: SourceOutcome, count: int
) -> list[Change]:
    weak = [r for r in judged if r is not best and r.rate < WEAK_SHARE * best.rate]
    weak = sorted(weak, key=lambda r: (r.rate, r.source))[: max(0, count - 1)]
    return [
        Change(name, r.source, "drop", f"{r.text()} vs {best.rate:.0%} for {best.source}")
        for r in weak
    ]


def _widen(name: str, best: SourceOutcome, source: Source) -> list[Change]:
    if source.limit >= MAX_LIMIT or best.followed_back == 0:
        return []
    limit = min(MAX_LIMIT, source.limit * 2)
    return [
        Change(
            name,
            best.source,
            "limit",
            f"{best.text()}, the best of targeting {name}: read deeper "
            f"(limit {source.limit} -> {limit})",
            limit=limit,
        )
    ]


def outcomes_by_source(rows: Sequence[tuple[str, str, bool]]) -> list[SourceOutcome]:
    """(targeting, source, followed back) rows, counted per targeting and source."""
    counts: dict[tuple[str, str], list[int]] = {}
    for targeting, source, back in rows:
        entry = counts.setdefault((targeting, source), [0, 0])
        entry[0] += 1
        entry[1] += int(back)
    return [SourceOutcome(t, s, n, b) for (t, s), (n, b) in sorted(counts.items())]


def describe(changes: Sequence[Change]) -> list[str]:
    verbs: Mapping[str, str] = {"drop": "drop", "limit": "raise the limit of"}
    return [f"{c.targeting}: {verbs[c.kind]} {c.source}: {c.reason}" for c in changes]

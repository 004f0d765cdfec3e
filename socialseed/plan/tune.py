"""Tuning suggestions from the account's outcomes: which sources and filters find people who
follow back.

Pure: handed the config and the judged follows (made at least three days ago, followed back
or not, with the source that found each and the features the ranker saw), it proposes what
the numbers support, each change with its reason and numbers:

- **drop** a source whose follow-back rate is under half the best source's, or **lower** its
  ``limit`` when it is weaker but not that weak (or is the targeting's only other source);
- **raise** the best source's ``limit``, so that discovery reads deeper where it pays;
- **tighten** one filter: the bound (``followers.min``, ``ratio.max``, ``min_posts``,
  ``active_within_days``, ...) beyond which the passers followed back under half as often as
  the rest;
- **drop** a keyword whose mentioners followed back under half as often as the rest.

The evidence threshold: both groups compared hold at least ``MIN_FOLLOWS`` judged follows, and
the 95% interval of the rate ratio (Katz) lies wholly under 1. The CLI turns the changes into
a unified diff of the YAML files (config.yaml_edit) and validates the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from socialseed.config.schema import Config, Filters, Source
from socialseed.model.rates import rate_ratio

MIN_FOLLOWS = 20
WEAK_SHARE = 0.5  # a source or filter band under this share of the comparison's rate is weak
MAX_LIMIT = 100_000
CUT_SHARES = (0.5, 0.35, 0.2)  # shares of the judged follows a filter may cut, widest first


@dataclass(frozen=True)
class Judged:
    """One judged follow: where it came from, what the ranker saw, and whether it paid."""

    targeting: str
    source: str  # kind:value, as discovery names it
    followed_back: bool
    features: Mapping[str, float] = field(default_factory=dict)
    keywords: frozenset[str] | None = None  # the targeting's keywords its profile mentions
    # (lower case, without '#'); None: the profile is no longer cached


@dataclass(frozen=True)
class Rate:
    follows: int
    backs: int

    @classmethod
    def of(cls, rows: Sequence[Judged]) -> Rate:
        return cls(len(rows), sum(r.followed_back for r in rows))

    @property
    def rate(self) -> float:
        return self.backs / self.follows if self.follows else 0.0

    def text(self) -> str:
        return f"{self.rate:.0%} follow-back ({self.backs}/{self.follows})"


@dataclass(frozen=True)
class Evidence:
    """A weaker group against a stronger one: the rate ratio and its 95% interval."""

    ratio: float
    low: float
    high: float

    @classmethod
    def weaker(cls, weak: Rate, strong: Rate) -> Evidence | None:
        """The comparison when both groups are large enough and the interval is under 1."""
        if min(weak.follows, strong.follows) < MIN_FOLLOWS:
            return None
        found = rate_ratio(weak.backs, weak.follows, strong.backs, strong.follows)
        if found is None:  # no follow-back at all in the weak group: the ratio is 0
            if strong.backs == 0:
                return None
            found = (0.0, 0.0, _zero_high(weak, strong))
        evidence = cls(*found)
        return evidence if evidence.high < 1.0 else None

    def text(self) -> str:
        return f"ratio {self.ratio:.2f}, 95% {self.low:.2f}-{self.high:.2f}"


def _zero_high(weak: Rate, strong: Rate) -> float:
    """The interval's top for a weak group without follow-backs (half a follow-back added)."""
    found = rate_ratio(1, 2 * weak.follows + 1, strong.backs, strong.follows)
    return found[2] if found else math.inf


@dataclass(frozen=True)
class Change:
    """One change to one targeting: ``drop`` a source, set a source's ``limit``, or set a
    ``filter`` bound (``target`` is the source key or the filter's path)."""

    targeting: str
    kind: str  # drop | limit | filter
    target: str
    reason: str
    value: float | None = None

    def describe(self) -> str:
        verb = {
            "drop": "drop",
            "limit": "set the limit of",
            "filter": "tighten",
            "keyword": "drop the keyword",
        }[self.kind]
        return f"{self.targeting}: {verb} {self.target}: {self.reason}"


def source_key(source: Source) -> str:
    return f"{source.kind}:{getattr(source, source.kind)}"


def suggest(config: Config, judged: Sequence[Judged]) -> list[Change]:
    """The changes the outcomes support, per targeting (none without enough evidence)."""
    by_targeting: dict[str, list[Judged]] = {}
    for row in judged:
        by_targeting.setdefault(row.targeting, []).append(row)
    changes: list[Change] = []
    for name, rows in sorted(by_targeting.items()):
        targeting = config.targeting.get(name)
        if targeting is not None:
            changes += _source_changes(name, rows, targeting.sources)
            changes += _filter_changes(name, rows, targeting.filters)
            changes += _keyword_changes(name, rows, targeting.keywords)
    return changes


def rates_by_source(judged: Sequence[Judged]) -> dict[tuple[str, str], Rate]:
    """Each (targeting, source)'s follow-back, for the listing when nothing is proposed."""
    groups: dict[tuple[str, str], list[Judged]] = {}
    for row in judged:
        groups.setdefault((row.targeting, row.source), []).append(row)
    return {key: Rate.of(rows) for key, rows in sorted(groups.items())}


# -- sources ---------------------------------------------------------------------------------
def _source_changes(name: str, rows: Sequence[Judged], sources: Sequence[Source]) -> list[Change]:
    by_key = {source_key(s): s for s in sources}
    rates = {
        key: rate
        for (_, key), rate in rates_by_source(rows).items()
        if key in by_key and rate.follows >= MIN_FOLLOWS
    }
    if not rates:
        return []
    best = max(rates, key=lambda k: (rates[k].rate, rates[k].follows, k))
    changes: list[Change] = []
    kept = len(by_key)
    for key in sorted(rates, key=lambda k: (rates[k].rate, k)):
        evidence = Evidence.weaker(rates[key], rates[best]) if key != best else None
        if evidence is None:
            continue
        reason = (
            f"source {key}: {rates[key].text()} vs {rates[best].rate:.0%} for {best} "
            f"({evidence.text()})"
        )
        if evidence.ratio < WEAK_SHARE and kept > 1:
            kept -= 1
            changes.append(Change(name, "drop", key, reason))
        elif by_key[key].limit > 1:
            limit = max(1, by_key[key].limit // 2)
            changes.append(Change(name, "limit", key, f"{reason}: read less", float(limit)))
    if changes and by_key[best].limit < MAX_LIMIT:  # the best reads deeper when another is weaker
        changes.append(_widen(name, best, rates[best], by_key[best]))
    return changes


def _widen(name: str, key: str, rate: Rate, source: Source) -> Change:
    limit = min(MAX_LIMIT, source.limit * 2)
    return Change(
        name,
        "limit",
        key,
        f"source {key}: {rate.text()}, the best of targeting {name}: read deeper",
        float(limit),
    )


# -- filters ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bound:
    """A filter bound that the recorded features can test."""

    path: str  # e.g. followers.min
    feature: str  # the ranker's feature it is read from
    upper: bool  # True: a maximum (the weak side lies above the cut)
    to_value: Callable[[float], float]  # feature value -> the config's unit
    what: str  # the quantity, for the reason

    def current(self, filters: Filters) -> float | None:
        head, _, tail = self.path.partition(".")
        value = getattr(filters, head)
        found = getattr(value, tail) if tail else value
        return None if found is None else float(found)

    def tighter(self, value: float, filters: Filters) -> bool:
        now = self.current(filters)
        return now is None or (value < now if self.upper else value > now)


def _count(x: float) -> float:
    return float(max(0, round(math.expm1(x))))


def _ratio(x: float) -> float:
    return round(math.exp(x), 2)


BOUNDS = (
    Bound("followers.min", "log_followers", False, _count, "followers"),
    Bound("followers.max", "log_followers", True, _count, "followers"),
    Bound("following.min", "log_following", False, _count, "following"),
    Bound("following.max", "log_following", True, _count, "following"),
    Bound("ratio.min", "log_ratio", False, _ratio, "following/followers"),
    Bound("ratio.max", "log_ratio", True, _ratio, "following/followers"),
    Bound("min_posts", "log_posts", False, _count, "posts"),
    Bound("active_within_days", "days_quiet", True, float, "days since last seen"),
)


def _filter_changes(name: str, rows: Sequence[Judged], filters: Filters) -> list[Change]:
    """The one filter bound with the strongest evidence (bounds are correlated: tightening
    one at a time lets the next month's outcomes judge the next)."""
    found = [c for c in (_tighten(name, rows, b, filters) for b in BOUNDS) if c is not None]
    if not found:
        return []
    return [min(found, key=lambda c: (c[0].ratio, c[1].target))[1]]


def _tighten(
    name: str, rows: Sequence[Judged], bound: Bound, filters: Filters
) -> tuple[Evidence, Change] | None:
    values = sorted(r.features[bound.feature] for r in rows if bound.feature in r.features)
    for share in CUT_SHARES:
        if len(values) < 2 * MIN_FOLLOWS:
            return None
        upper_at = max(0, int(len(values) * (1 - share)) - 1)  # the last value kept
        at = upper_at if bound.upper else int(len(values) * share)  # the first value kept
        cut = values[at]
        value = bound.to_value(cut)
        if not bound.tighter(value, filters):
            continue
        weak = [r for r in rows if _beyond(r, bound, cut)]
        rest = [r for r in rows if bound.feature in r.features and not _beyond(r, bound, cut)]
        evidence = Evidence.weaker(Rate.of(weak), Rate.of(rest))
        if evidence is None or evidence.ratio >= WEAK_SHARE:
            continue
        side = "over" if bound.upper else "under"
        before = bound.current(filters)
        reason = (
            f"{bound.path} {'-' if before is None else f'{before:g}'} -> {value:g}: follows with "
            f"{bound.what} {side} {value:g}: {Rate.of(weak).text()} vs {Rate.of(rest).text()} "
            f"for the rest ({evidence.text()})"
        )
        return evidence, Change(name, "filter", bound.path, reason, value)
    return None


def _beyond(row: Judged, bound: Bound, cut: float) -> bool:
    value = row.features.get(bound.feature)
    if value is None:
        return False
    return value > cut if bound.upper else value < cut


# -- keywords --------------------------------------------------------------------------------
def keyword_key(keyword: str) -> str:
    """A config keyword as the scorer matches it: lower case, without '#'."""
    return keyword.lower().lstrip("#")


def _keyword_changes(name: str, rows: Sequence[Judged], keywords: Sequence[str]) -> list[Change]:
    """Drop a keyword whose mentioners followed back under half as often as the people who do
    not mention it (relevance counts it: the ranking's prior and ``min_relevance`` favour
    them); one keyword always stays. Only follows whose profile is still cached count."""
    known = [r for r in rows if r.keywords is not None]
    changes: list[Change] = []
    left = len(keywords)
    for keyword in sorted(keywords, key=keyword_key):
        key = keyword_key(keyword)
        said = [r for r in known if r.keywords is not None and key in r.keywords]
        rest = [r for r in known if r.keywords is not None and key not in r.keywords]
        evidence = Evidence.weaker(Rate.of(said), Rate.of(rest))
        if evidence is None or evidence.ratio >= WEAK_SHARE or left <= 1:
            continue
        left -= 1
        reason = (
            f"keyword {keyword}: follows whose profile mentions it: {Rate.of(said).text()} vs "
            f"{Rate.of(rest).text()} for the rest ({evidence.text()})"
        )
        changes.append(Change(name, "keyword", keyword, reason))
    return changes


def describe(changes: Sequence[Change]) -> list[str]:
    return [c.describe() for c in changes]

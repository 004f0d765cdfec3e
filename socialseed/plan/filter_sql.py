"""The candidate filters as SQL over the discovery cache's typed columns.

The same verdicts as ``filters.apply_filters`` (and as ``run``'s managed-account rule before
it), computed by SQLite without building a profile or a reason string: ``failed`` is the name of
the first check that fails ("" when the candidate passes) and ``unknown`` says whether some
check could not tell. The reason texts are made later, by ``apply_filters``, for the few
candidates a plan shows. A property test holds the two to the same verdicts.

Text is compared in the lowered columns the cache writes with Python's ``str.lower``; shell
patterns (block and allow lists) go through ``filters``' own matcher as SQL functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import count

from socialseed.config.schema import Bounds, Filters
from socialseed.plan.filters import FilterContext, Relationship, _match, posix_regex
from socialseed.state.candidates import RowQuery, micros

_DAY_US = "86400000000.0"
_names = count()


class _Params:
    """Named SQL parameters, numbered as they are added."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _ratio(p: _Params) -> str:
    """Following per follower, as ``filters`` works it out: 0 when both are 0, infinite when
    only followers are 0 (a bound parameter: PostgreSQL reads a literal like 9e999 as out of
    range, SQLite as infinity)."""
    return (
        "(case when c.followers = 0 then "
        f"(case when c.following = 0 then 0.0 else {p.add(math.inf)} end) "
        "else c.following * 1.0 / c.followers end)"
    )


def filter_query(
    filters: Filters, ctx: FilterContext, managed: Iterable[str], prefix: str = "f"
) -> RowQuery:
    """The ``failed`` and ``unknown`` SQL of one targeting's filters (table alias ``c``, the
    relationship verdicts as ``r.verdict``)."""
    p = _Params(prefix)
    functions: dict[str, Callable[[str], bool]] = {}
    cases: list[tuple[str, str]] = []
    ours = sorted(set(managed))
    if ours:
        cases.append((f"c.handle_key in ({', '.join(p.add(h) for h in ours)})", "managed_account"))
    if ctx.blocklist:
        cases.append((f"{_matcher(functions, ctx.blocklist)}(c.handle)", "blocklist"))
    markers = _until_empty([m.lower() for m in filters.opt_out_markers])
    if filters.skip_opt_out and markers:
        cases.append((_contains("c.opt_text", markers, p), "opt_out"))
    cases.append(("r.verdict is not null", "r.verdict"))
    allowed = f"{_matcher(functions, ctx.allowlist)}(c.handle)" if ctx.allowlist else ""
    if allowed:
        cases.append((allowed, "''"))
    cases += _profile_cases(filters, ctx, p)
    failed = "case " + " ".join(f"when {w} then {_name(t)}" for w, t in cases) + " else '' end"
    unknown = " or ".join(_unknowns(filters)) or "1 = 0"  # a truth value in either database
    if allowed:
        unknown = f"(case when {allowed} then 1 = 0 else ({unknown}) end)"
    return RowQuery(failed, f"({unknown})", p.values, functions)


def relationship_verdicts(
    relationships: Mapping[str, Relationship], allow_manual: bool
) -> dict[str, str]:
    """What ``filters.relationship`` makes of each relationship (the check that fails)."""
    out: dict[str, str] = {}
    for pid, rel in relationships.items():
        if rel.unfollowed_at is not None:
            out[pid] = "unfollowed"
        elif rel.origin == "manual" and not allow_manual:
            out[pid] = "manual"
        else:
            out[pid] = "already_following"
    return out


def _name(then: str) -> str:
    return then if then in ("r.verdict", "''") else f"'{then}'"


def _until_empty(words: Sequence[str]) -> list[str]:
    """The words before the first empty one (an empty word matches every text first, and
    ``filters`` reads a match on it as no match)."""
    out: list[str] = []
    for word in words:
        if not word:
            break
        out.append(word)
    return out


def _contains(column: str, words: Sequence[str], p: _Params) -> str:
    return "(" + " or ".join(f"instr({column}, {p.add(w)}) > 0" for w in words) + ")"


class HandleMatcher:
    """Does a handle match one of the patterns? A SQL function: SQLite calls it; PostgreSQL
    cannot call Python, and matches ``sql_regex`` instead (the same patterns)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self.sql_regex = posix_regex(self.patterns)

    def __call__(self, handle: str) -> bool:
        return bool(_match(handle, self.patterns))


def _matcher(functions: dict[str, Callable[[str], bool]], patterns: Sequence[str]) -> str:
    name = f"socialseed_match_{next(_names)}"
    functions[name] = HandleMatcher(patterns)
    return name


def _bounds(column: str, bounds: Bounds, p: _Params) -> str | None:
    if bounds.min is None and bounds.max is None:
        return None
    outside = []
    if bounds.min is not None:
        outside.append(f"{column} < {p.add(bounds.min)}")
    if bounds.max is not None:
        outside.append(f"{column} > {p.add(bounds.max)}")
    return " or ".join(outside)


def _profile_cases(filters: Filters, ctx: FilterContext, p: _Params) -> list[tuple[str, str]]:
    """Each profile filter's failing condition, in the order of ``filters.PROFILE_FILTERS``."""
    cases: list[tuple[str, str]] = []
    for name, column, known in (
        ("followers", "c.followers", "c.followers is not null"),
        ("following", "c.following", "c.following is not null"),
        ("ratio", _ratio(p), "c.followers is not null and c.following is not null"),
    ):
        outside = _bounds(column, getattr(filters, name), p)
        if outside:
            cases.append((f"({known} and ({outside}))", name))
    if filters.min_posts is not None:
        cases.append(
            (f"(c.posts is not null and c.posts < {p.add(filters.min_posts)})", "min_posts")
        )
    if filters.active_within_days is not None:
        now, days = p.add(micros(ctx.now)), p.add(filters.active_within_days)
        idle = f"({now} - c.last_seen_us) / {_DAY_US}"
        cases.append((f"(c.last_seen_us is not null and {idle} > {days})", "active"))
    if filters.require_avatar:
        cases.append(("(c.has_avatar is not null and c.has_avatar = 0)", "avatar"))
    excluded = _until_empty([w.lower() for w in filters.bio_exclude])
    if excluded:
        cases.append((_contains("c.bio_lower", excluded, p), "bio_exclude"))
    included = [w.lower() for w in filters.bio_include]
    if included and all(included):  # an empty word is found in every bio
        cases.append((f"not {_contains('c.bio_lower', included, p)}", "bio_include"))
    if filters.languages:
        cases.append(
            (f"(c.language_lower is not null and not {_language(filters, p)})", "language")
        )
    return cases


def _language(filters: Filters, p: _Params) -> str:
    tests = []
    for word in (w.lower() for w in filters.languages):
        dash = word + "-"
        same = f"c.language_lower = {p.add(word)}"
        tests.append(f"{same} or substr(c.language_lower, 1, {len(dash)}) = {p.add(dash)}")
    return "(" + " or ".join(tests) + ")"


def _unknowns(filters: Filters) -> list[str]:
    """What makes a passing candidate's filters unknown (a value the platform did not give)."""
    out: list[str] = []
    if filters.followers.min is not None or filters.followers.max is not None:
        out.append("c.followers is null")
    if filters.following.min is not None or filters.following.max is not None:
        out.append("c.following is null")
    if filters.ratio.min is not None or filters.ratio.max is not None:
        out.append("c.followers is null or c.following is null")
    if filters.min_posts is not None:
        out.append("c.posts is null")
    if filters.active_within_days is not None:
        out.append("c.last_seen_us is null")
    if filters.require_avatar:
        out.append("c.has_avatar is null")
    if filters.languages:
        out.append("c.language_lower is null")
    return out

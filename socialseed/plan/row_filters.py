"""The candidate filters over typed rows: the same verdicts as ``filters.apply_filters``,
without building a profile or a reason string.

A row gets ``(failed, unknown)``: the name of the first failing check ("" when it passes) and
whether some check could not tell. The checks, their order and their edge cases are those of
``filters``; the texts for review are made later, by ``apply_filters``, for the candidates a
plan shows. A property test holds the two to the same verdicts.
"""

from __future__ import annotations

from collections.abc import Callable

from socialseed.config.schema import Bounds, Filters
from socialseed.plan.filters import FilterContext, _match
from socialseed.state.candidates import CandidateRow, micros

Verdict = tuple[str, bool]  # (first failing check or "", some check could not tell)
RowCheck = Callable[[CandidateRow], Verdict]
PASSED: Verdict = ("", False)
_DAY_US = 86_400_000_000
_OK, _UNKNOWN, _FAIL = 0, 1, 2


def _active(bounds: Bounds) -> bool:
    return bounds.min is not None or bounds.max is not None


def _within(value: float | None, bounds: Bounds) -> int:
    if value is None:
        return _UNKNOWN
    if bounds.min is not None and value < bounds.min:
        return _FAIL
    if bounds.max is not None and value > bounds.max:
        return _FAIL
    return _OK


def _ratio(row: CandidateRow) -> float | None:
    if row.followers is None or row.following is None:
        return None
    if row.followers == 0:
        return 0.0 if row.following == 0 else float("inf")
    return row.following / row.followers


def row_checks(filters: Filters, ctx: FilterContext) -> RowCheck:
    """The verdict function for one targeting's filters and context."""
    never = _never_touch(filters, ctx)
    profile_checks = _profile_checks(filters, ctx)
    allow = ctx.allowlist

    def check(row: CandidateRow) -> Verdict:
        failed = never(row)
        if failed:
            return failed, False
        if allow and _match(row.handle, allow):
            return PASSED
        unknown = False
        for name, run in profile_checks:
            status = run(row)
            if status == _FAIL:
                return name, unknown
            if status == _UNKNOWN:
                unknown = True
        return "", unknown

    return check


def _never_touch(filters: Filters, ctx: FilterContext) -> Callable[[CandidateRow], str]:
    """Blocklist, opt-out and relationship rules: the failing rule's name or ""."""
    block = ctx.blocklist
    markers = [m.lower() for m in filters.opt_out_markers] if filters.skip_opt_out else None
    relationships = ctx.relationships
    allow_manual = ctx.allow_manual

    def never(row: CandidateRow) -> str:
        if block and _match(row.handle, block):
            return "blocklist"
        if markers is not None:
            text = f"{row.bio} {row.display_name}".lower()
            if next((m for m in markers if m in text), None):
                return "opt_out"
        rel = relationships.get(row.profile_id)
        if rel is None:
            return ""
        if rel.unfollowed_at is not None:
            return "unfollowed"
        if rel.origin == "manual" and not allow_manual:
            return "manual"
        return "already_following"

    return never


def _profile_checks(
    filters: Filters, ctx: FilterContext
) -> list[tuple[str, Callable[[CandidateRow], int]]]:
    """The profile filters a targeting turns on, in the order of ``filters.PROFILE_FILTERS``."""
    checks: list[tuple[str, Callable[[CandidateRow], int]]] = []
    if _active(filters.followers):
        checks.append(("followers", lambda r: _within(r.followers, filters.followers)))
    if _active(filters.following):
        checks.append(("following", lambda r: _within(r.following, filters.following)))
    if _active(filters.ratio):
        checks.append(("ratio", lambda r: _within(_ratio(r), filters.ratio)))
    if filters.min_posts is not None:
        checks.append(("min_posts", _min_posts(filters.min_posts)))
    if filters.active_within_days is not None:
        checks.append(("active", _recent(filters.active_within_days, micros(ctx.now))))
    if filters.require_avatar:
        checks.append(("avatar", _avatar))
    if filters.bio_exclude:
        checks.append(("bio_exclude", _bio_exclude([w.lower() for w in filters.bio_exclude])))
    if filters.bio_include:
        checks.append(("bio_include", _bio_include([w.lower() for w in filters.bio_include])))
    if filters.languages:
        checks.append(("language", _language([w.lower() for w in filters.languages])))
    return checks


def _min_posts(least: int) -> Callable[[CandidateRow], int]:
    def run(row: CandidateRow) -> int:
        if row.posts is None:
            return _UNKNOWN
        return _FAIL if row.posts < least else _OK

    return run


def _recent(days: int, now_us: int) -> Callable[[CandidateRow], int]:
    def run(row: CandidateRow) -> int:
        if row.last_seen_us is None:
            return _UNKNOWN
        return _FAIL if (now_us - row.last_seen_us) / _DAY_US > days else _OK

    return run


def _avatar(row: CandidateRow) -> int:
    if row.has_avatar is None:
        return _UNKNOWN
    return _OK if row.has_avatar else _FAIL


def _bio_exclude(words: list[str]) -> Callable[[CandidateRow], int]:
    def run(row: CandidateRow) -> int:
        bio = row.bio.lower()
        return _FAIL if next((w for w in words if w in bio), None) else _OK

    return run


def _bio_include(words: list[str]) -> Callable[[CandidateRow], int]:
    def run(row: CandidateRow) -> int:
        bio = row.bio.lower()
        return _FAIL if next((w for w in words if w in bio), None) is None else _OK

    return run


def _language(wanted: list[str]) -> Callable[[CandidateRow], int]:
    def run(row: CandidateRow) -> int:
        if row.language is None:
            return _UNKNOWN
        lang = row.language.lower()
        return _OK if any(lang == w or lang.startswith(w + "-") for w in wanted) else _FAIL

    return run

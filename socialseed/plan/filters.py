"""Candidate filters: pure checks of a profile against a targeting's ``filters``.

Each check passes, fails, or cannot tell. Missing data (``None``) is *unknown*: it never counts
as zero; the candidate stays in and its actions turn yellow with the reason. The first failing
check drops the candidate and names why; the passed and unknown checks travel with each action
(``filters_matched``) for review.

Order: the never-touch rules (blocklist, opt-out, unfollowed, manual, already following) first,
then the allowlist (which skips the profile filters below), then the profile filters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fnmatch import fnmatchcase, translate
from functools import lru_cache

from socialseed.config.schema import Bounds, Filters
from socialseed.model import Profile, days_ago

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # pass | fail | unknown
    reason: str

    @property
    def text(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True)
class Relationship:
    """What state knows about the account's relationship with a target."""

    target_id: str
    handle: str = ""
    origin: str = "socialseed"  # socialseed | manual
    since: datetime | None = None
    unfollowed_at: datetime | None = None
    followed_back_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.unfollowed_at is None


@dataclass(frozen=True)
class FilterContext:
    """What the filters need besides the profile: lists, relationships, ``now``."""

    now: datetime
    blocklist: tuple[str, ...] = ()
    allowlist: tuple[str, ...] = ()
    relationships: dict[str, Relationship] = field(default_factory=dict)
    allow_manual: bool = False


@dataclass(frozen=True)
class FilterResult:
    checks: tuple[Check, ...]

    @property
    def failed(self) -> Check | None:
        return next((c for c in self.checks if c.status == FAIL), None)

    @property
    def passed(self) -> bool:
        return self.failed is None

    @property
    def unknown(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == UNKNOWN)

    @property
    def matched(self) -> tuple[str, ...]:
        """Texts of the checks that passed or could not tell (for ``filters_matched``)."""
        return tuple(c.text for c in self.checks if c.status != FAIL)


def apply_filters(profile: Profile, filters: Filters, ctx: FilterContext) -> FilterResult:
    """Run the checks in order; stop at the first that fails."""
    checks: list[Check] = []
    for guard in GUARDS:
        check = guard(profile, filters, ctx)
        if check is not None:
            checks.append(check)
            if check.status == FAIL:
                return FilterResult(tuple(checks))
    allowed = _match(profile.handle, ctx.allowlist) if ctx.allowlist else None
    if allowed:
        checks.append(Check("allowlist", PASS, f"matches {allowed!r}; profile filters skipped"))
        return FilterResult(tuple(checks))
    for run in PROFILE_FILTERS:
        check = run(profile, filters, ctx)
        if check is not None:
            checks.append(check)
            if check.status == FAIL:
                break
    return FilterResult(tuple(checks))


# -- never-touch rules ---------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a whole list of shell patterns (None for an empty list)."""
    if not patterns:
        return None
    return re.compile("|".join(translate(p.lower().lstrip("@")) for p in patterns))


def posix_regex(patterns: Sequence[str]) -> str:
    """One anchored POSIX regular expression that matches what ``_match`` matches (the shell
    patterns lower-cased, without a leading ``@``), for a database that cannot call Python."""
    parts = []
    for pattern in patterns:
        text = pattern.lower().lstrip("@")
        out, i = [], 0
        while i < len(text):
            ch = text[i]
            if ch == "*":
                out.append(".*")
            elif ch == "?":
                out.append(".")
            elif ch == "[" and "]" in text[i + 2 :]:
                end = text.index("]", i + 2)
                inner = text[i + 1 : end]
                inner = "^" + inner[1:] if inner.startswith("!") else inner
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                i = end
            else:
                out.append(ch if ch.isalnum() else "\\" + ch)
            i += 1
        parts.append("".join(out))
    return "^(" + "|".join(parts) + ")$"


def _match(handle: str, patterns: Sequence[str]) -> str | None:
    """The first pattern (shell wildcards, case-insensitive) that matches the handle."""
    combined = _compiled(tuple(patterns))
    lowered = handle.lower().lstrip("@")
    if combined is None or not combined.match(lowered):
        return None
    return next((p for p in patterns if fnmatchcase(lowered, p.lower().lstrip("@"))), None)


def blocklist(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    hit = _match(profile.handle, ctx.blocklist) if ctx.blocklist else None
    return Check("blocklist", FAIL, f"@{profile.handle} matches {hit!r}") if hit else None


def opt_out(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if not filters.skip_opt_out:
        return None
    text = f"{profile.bio} {profile.display_name}".lower()
    marker = next((m for m in filters.opt_out_markers if m.lower() in text), None)
    if marker:
        return Check("opt_out", FAIL, f"opted out of automation: profile says {marker!r}")
    return Check("opt_out", PASS, "no opt-out marker")


def relationship(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    rel = ctx.relationships.get(profile.id)
    if rel is None:
        return None
    if rel.unfollowed_at is not None:
        day = rel.unfollowed_at.date().isoformat()
        return Check("unfollowed", FAIL, f"unfollowed on {day}; never re-followed")
    if rel.origin == "manual" and not ctx.allow_manual:
        return Check(
            "manual",
            FAIL,
            "relationship made by hand (origin manual); set allow_manual: true on the "
            "account to let SocialSeed act on it",
        )
    return Check("already_following", FAIL, "already followed")


# -- profile filters -----------------------------------------------------------------------------
def _bounds(name: str, value: float | None, bounds: Bounds, shown: str = "") -> Check | None:
    if bounds.min is None and bounds.max is None:
        return None
    if value is None:
        return Check(name, UNKNOWN, f"{name} not given by the platform")
    text = shown or f"{value:g}"
    if bounds.min is not None and value < bounds.min:
        return Check(name, FAIL, f"{text} is below the minimum {bounds.min:g}")
    if bounds.max is not None and value > bounds.max:
        return Check(name, FAIL, f"{text} is above the maximum {bounds.max:g}")
    low = "" if bounds.min is None else f"{bounds.min:g}"
    high = "" if bounds.max is None else f"{bounds.max:g}"
    return Check(name, PASS, f"{text} within {low}..{high}")


def followers(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    return _bounds("followers", profile.followers, filters.followers)


def following(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    return _bounds("following", profile.following, filters.following)


def ratio_of(profile: Profile) -> float | None:
    """following / followers; ``None`` when either is unknown, infinity when followers is 0."""
    if profile.followers is None or profile.following is None:
        return None
    if profile.followers == 0:
        return 0.0 if profile.following == 0 else float("inf")
    return profile.following / profile.followers


def ratio(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    value = ratio_of(profile)
    shown = "" if value is None else ("no followers" if value == float("inf") else f"{value:.2f}")
    return _bounds("ratio", value, filters.ratio, shown)


def min_posts(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if filters.min_posts is None:
        return None
    if profile.posts is None:
        return Check("min_posts", UNKNOWN, "post count not given by the platform")
    if profile.posts < filters.min_posts:
        return Check("min_posts", FAIL, f"{profile.posts} posts, fewer than {filters.min_posts}")
    return Check("min_posts", PASS, f"{profile.posts} posts")


def last_seen(profile: Profile) -> datetime | None:
    """The newest sign of life: ``last_active`` or the newest recent post."""
    stamps = [p.created_at for p in profile.recent_posts if p.created_at is not None]
    if profile.last_active is not None:
        stamps.append(profile.last_active)
    return max(stamps) if stamps else None


def active(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if filters.active_within_days is None:
        return None
    seen = last_seen(profile)
    if seen is None:
        return Check("active", UNKNOWN, "last activity not given by the platform")
    days = (ctx.now - seen) / timedelta(days=1)
    if days > filters.active_within_days:
        limit = filters.active_within_days
        return Check("active", FAIL, f"last active {days_ago(days)} (limit {limit})")
    return Check("active", PASS, f"active {days_ago(days)}")


def avatar(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if not filters.require_avatar:
        return None
    if profile.has_avatar is None:
        return Check("avatar", UNKNOWN, "avatar not given by the platform")
    if not profile.has_avatar:
        return Check("avatar", FAIL, "no avatar")
    return Check("avatar", PASS, "has an avatar")


def bio_exclude(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if not filters.bio_exclude:
        return None
    bio = profile.bio.lower()
    word = next((w for w in filters.bio_exclude if w.lower() in bio), None)
    if word:
        return Check("bio_exclude", FAIL, f"bio mentions {word!r}")
    return Check("bio_exclude", PASS, "bio mentions no excluded word")


def bio_include(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if not filters.bio_include:
        return None
    bio = profile.bio.lower()
    word = next((w for w in filters.bio_include if w.lower() in bio), None)
    if word is None:
        wanted = ", ".join(filters.bio_include)
        return Check("bio_include", FAIL, f"bio mentions none of: {wanted}")
    return Check("bio_include", PASS, f"bio mentions {word!r}")


def languages(profile: Profile, filters: Filters, ctx: FilterContext) -> Check | None:
    if not filters.languages:
        return None
    if profile.language is None:
        return Check("language", UNKNOWN, "language not given by the platform")
    lang = profile.language.lower()
    if any(lang == w.lower() or lang.startswith(w.lower() + "-") for w in filters.languages):
        return Check("language", PASS, f"language {profile.language}")
    wanted = ", ".join(filters.languages)
    return Check("language", FAIL, f"language {profile.language} is not one of: {wanted}")


FilterFn = Callable[[Profile, Filters, FilterContext], Check | None]
GUARDS: tuple[FilterFn, ...] = (blocklist, opt_out, relationship)
PROFILE_FILTERS: tuple[FilterFn, ...] = (
    followers,
    following,
    ratio,
    min_posts,
    active,
    avatar,
    bio_exclude,
    bio_include,
    languages,
)

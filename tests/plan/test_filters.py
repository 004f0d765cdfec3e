"""Each candidate filter: pass, fail with a reason, or unknown (never read as zero)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socialseed.config.schema import Filters
from socialseed.plan.filters import FilterContext, Relationship, apply_filters
from tests.plan.fakes import NOW, profile

CTX = FilterContext(now=NOW)


def run(filters: dict[str, Any], ctx: FilterContext = CTX, **kw: Any) -> tuple[str | None, str]:
    result = apply_filters(profile("p1", **kw), Filters(**filters), ctx)
    failed = result.failed
    return (failed.name, failed.reason) if failed else (None, "; ".join(result.matched))


@pytest.mark.parametrize(
    ("filters", "fields", "failed", "reason"),
    [
        ({"followers": {"min": 50}}, {"followers": 10}, "followers", "10 is below the minimum 50"),
        (
            {"followers": {"max": 100}},
            {"followers": 101},
            "followers",
            "101 is above the maximum 100",
        ),
        (
            {"following": {"max": 100}},
            {"following": 500},
            "following",
            "500 is above the maximum 100",
        ),
        ({"ratio": {"max": 3}}, {"followers": 10, "following": 40}, "ratio", "4.00 is above"),
        ({"ratio": {"max": 3}}, {"followers": 0, "following": 40}, "ratio", "no followers"),
        ({"min_posts": 10}, {"posts": 3}, "min_posts", "3 posts, fewer than 10"),
        (
            {"active_within_days": 30},
            {"last_active": NOW - timedelta(days=45), "recent_posts": ()},
            "active",
            "last active 45 days ago (limit 30)",
        ),
        ({"require_avatar": True}, {"has_avatar": False}, "avatar", "no avatar"),
        ({"bio_exclude": ["Crypto"]}, {"bio": "crypto and film"}, "bio_exclude", "'Crypto'"),
        ({"bio_include": ["film"]}, {"bio": "I paint"}, "bio_include", "none of: film"),
        ({"languages": ["en"]}, {"language": "de"}, "language", "de is not one of: en"),
    ],
)
def test_failing_filter_names_the_reason(
    filters: dict[str, Any], fields: dict[str, Any], failed: str, reason: str
) -> None:
    name, text = run(filters, **fields)
    assert name == failed
    assert reason in text


def test_passing_filters_travel_as_matched() -> None:
    name, text = run(
        {"followers": {"min": 20, "max": 20000}, "ratio": {"max": 3}, "languages": ["en"]},
        language="en-GB",
    )
    assert name is None
    assert "followers: 400 within 20..20000" in text
    assert "ratio: 0.75 within ..3" in text
    assert "language: language en-GB" in text


@pytest.mark.parametrize(
    ("filters", "fields", "unknown"),
    [
        ({"followers": {"min": 50}}, {"followers": None}, "followers"),
        ({"ratio": {"max": 3}}, {"following": None}, "ratio"),
        ({"min_posts": 5}, {"posts": None}, "min_posts"),
        ({"active_within_days": 5}, {"last_active": None, "recent_posts": ()}, "active"),
        ({"require_avatar": True}, {"has_avatar": None}, "avatar"),
        ({"languages": ["en"]}, {"language": None}, "language"),
    ],
)
def test_missing_data_is_unknown_not_zero(
    filters: dict[str, Any], fields: dict[str, Any], unknown: str
) -> None:
    result = apply_filters(profile("p1", **fields), Filters(**filters), CTX)
    assert result.passed
    assert [c.name for c in result.unknown] == [unknown]


def test_recent_post_counts_as_activity() -> None:
    name, _ = run({"active_within_days": 5}, last_active=None)
    assert name is None


@pytest.mark.parametrize("marker", ["#nobot", "#NoAutomation"])
def test_opt_out_markers_are_honoured_by_default(marker: str) -> None:
    name, reason = run({}, bio=f"film nerd {marker}")
    assert name == "opt_out"
    assert marker.lower() in reason.lower()


def test_opt_out_can_be_turned_off_and_markers_extended() -> None:
    assert run({"skip_opt_out": False}, bio="#nobot")[0] is None
    assert run({"opt_out_markers": ["no dms"]}, bio="No DMs please")[0] == "opt_out"


def test_blocklist_wildcards_match_the_handle() -> None:
    ctx = FilterContext(now=NOW, blocklist=("spam*", "*giveaway*"))
    assert run({}, ctx, handle="spamking.example")[0] == "blocklist"
    assert run({}, ctx, handle="big.GIVEAWAY.club")[0] == "blocklist"
    name, reason = run({}, ctx, handle="@Spam.me")
    assert name == "blocklist" and "'spam*'" in reason
    assert run({}, ctx, handle="film.example")[0] is None


def test_allowlist_skips_profile_filters_but_not_blocklist_or_opt_out() -> None:
    ctx = FilterContext(now=NOW, allowlist=("friend*",), blocklist=("friend.spam",))
    filters = {"followers": {"min": 10_000}}
    name, text = run(filters, ctx, handle="friend.example")
    assert name is None and "allowlist" in text
    assert run(filters, ctx, handle="friend.spam")[0] == "blocklist"
    assert run(filters, ctx, handle="friend.x", bio="#nobot")[0] == "opt_out"
    assert run(filters, ctx, handle="other.example")[0] == "followers"


def test_never_refollow_someone_we_unfollowed() -> None:
    rel = Relationship("p1", unfollowed_at=NOW - timedelta(days=3))
    name, reason = run({}, FilterContext(now=NOW, relationships={"p1": rel}))
    assert name == "unfollowed"
    assert "never re-followed" in reason


def test_manual_relationships_are_left_alone_unless_allowed() -> None:
    rels = {"p1": Relationship("p1", origin="manual")}
    name, reason = run({}, FilterContext(now=NOW, relationships=rels))
    assert name == "manual" and "allow_manual" in reason
    allowed = FilterContext(now=NOW, relationships=rels, allow_manual=True)
    assert run({}, allowed)[0] == "already_following"  # still followed: nothing to propose


def test_first_failure_stops_the_checks() -> None:
    result = apply_filters(
        profile("p1", followers=1, following=1000),
        Filters(followers={"min": 50}, ratio={"max": 3}),
        CTX,
    )
    assert [c.name for c in result.checks][-1] == "followers"


def test_days_ago_reads_like_a_person_and_matches_the_review_card() -> None:
    from socialseed.model import days_ago

    assert [days_ago(d) for d in (0.2, 1.0, 1.6, 12.9, -3)] == [
        "today",
        "1 day ago",
        "1 day ago",
        "12 days ago",
        "today",
    ]

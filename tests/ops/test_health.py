"""Health: the traffic light and its reasons, from rows (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialseed.model.health import Counts, FollowRow, Light, OutcomeRow, Runway, Signal
from socialseed.observe.health import assess

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


def done(hours_ago: float, verb: str = "follow") -> OutcomeRow:
    return OutcomeRow(at=NOW - timedelta(hours=hours_ago), verb=verb, status="done")


def failed(hours_ago: float, error: str = "HTTP 500", http: int | None = 500) -> OutcomeRow:
    return OutcomeRow(NOW - timedelta(hours=hours_ago), "follow", "failed", http, error)


def test_no_history_is_green_and_says_so() -> None:
    health = assess([], now=NOW)
    assert health.light is Light.GREEN
    assert health.reasons == ("no attempts; no block signals in 7 days",)
    assert health.follow_back_rate is None and health.net_growth is None


def test_clean_week_is_green_with_counts() -> None:
    health = assess([done(h) for h in range(1, 11)], now=NOW)
    assert health.light is Light.GREEN
    assert health.attempts == 10 and health.failures == 0
    assert "0 failed of 10 attempts" in health.reasons[0]


def test_a_block_in_the_journal_is_red() -> None:
    rows = [done(3), failed(2, "ActionBlocked: this action was blocked", 403)]
    health = assess(rows, now=NOW)
    assert health.light is Light.RED
    assert health.block_signals == 1
    assert health.reasons[0] == "1 block or restriction signal(s) in the last 7 days"


def test_the_circuit_breaker_audit_line_is_red_and_counted_once() -> None:
    rows = [failed(2, "blocked by the platform", 403)]
    signals = [Signal(NOW - timedelta(hours=2), "health_red", "blocked")]
    health = assess(rows, now=NOW, signals=signals)
    assert health.light is Light.RED
    assert health.block_signals == 1


def test_a_resume_after_the_block_starts_a_clean_slate() -> None:
    rows = [failed(50, "blocked", 403), done(1)]
    signals = [Signal(NOW - timedelta(hours=50), "health_red")]
    health = assess(rows, now=NOW, signals=signals, resumed_at=NOW - timedelta(hours=2))
    assert health.light is Light.GREEN
    assert health.attempts == 1


def test_old_blocks_fall_out_of_the_window() -> None:
    health = assess([failed(24 * 8, "blocked", 403)], now=NOW)
    assert health.light is Light.GREEN


def test_half_failed_is_red_and_a_fifth_is_yellow() -> None:
    red = assess([failed(1), failed(2), done(3), done(4)], now=NOW)
    assert red.light is Light.RED
    assert "2 of 4 attempts failed (50%)" in red.reasons
    yellow = assess([failed(1), *[done(h) for h in range(2, 6)]], now=NOW)
    assert yellow.light is Light.YELLOW
    assert yellow.reasons == ("1 of 5 attempts failed (20%)",)


def test_skipped_outcomes_are_not_attempts() -> None:
    rows = [OutcomeRow(NOW - timedelta(hours=1), "follow", "skipped", None, "paused")] * 5
    assert assess(rows, now=NOW).attempts == 0


def test_repeated_rate_limits_are_yellow() -> None:
    rows = [failed(h, "RateLimited: try later", 429) for h in (1, 2, 3)] + [
        done(h) for h in range(4, 20)
    ]
    health = assess(rows, now=NOW)
    assert health.light is Light.YELLOW
    assert health.rate_limit_hits == 3
    assert health.block_signals == 0
    assert "3 rate-limit hits in the last 7 days" in health.reasons


def test_losing_followers_is_yellow_and_net_growth_uses_the_window() -> None:
    counts = [
        Counts(NOW - timedelta(days=10), 100),
        Counts(NOW - timedelta(days=7, hours=1), 120),
        Counts(NOW - timedelta(days=1), 110),
    ]
    health = assess([], now=NOW, counts=counts)
    assert health.net_growth == -10
    assert health.light is Light.YELLOW
    assert "lost 10 followers in the last 7 days" in health.reasons


def test_follow_back_rate_counts_only_follows_past_the_grace_period() -> None:
    old = NOW - timedelta(days=5)
    follows = [FollowRow(old, None)] * 40 + [FollowRow(NOW - timedelta(hours=5), None)] * 10
    health = assess([], now=NOW, follows=follows)
    assert health.follows == 40 and health.followed_back == 0
    assert health.light is Light.YELLOW
    assert health.reasons[0].startswith("follow-back rate 0.0% (0 of 40)")
    backs = [FollowRow(old, old + timedelta(days=1))] * 10
    better = assess([], now=NOW, follows=follows + backs)
    assert better.light is Light.GREEN
    assert better.follow_back_rate == 10 / 50


def test_to_data_is_json_ready() -> None:
    data = assess([failed(1), done(2)], now=NOW).to_data()
    assert data["light"] == "green"
    assert data["error_rate"] == 0.5 and data["attempts"] == 2


def test_young_follows_do_not_flatter_the_follow_back_rate() -> None:
    young = NOW - timedelta(hours=10)
    follows = [FollowRow(young, young + timedelta(hours=1)), FollowRow(young, None)]
    assert assess([], now=NOW, follows=follows).follow_back_rate is None


def test_a_runway_under_three_days_is_yellow_with_the_change_that_widens_it() -> None:
    low = Runway(1.5, "runway low: the filtered pool fills about 1.5 more day(s); set expand:")
    health = assess([done(h) for h in range(1, 5)], now=NOW, runway=low)
    assert (health.light, health.reasons) == (Light.YELLOW, (low.note,))
    enough = assess([], now=NOW, runway=Runway(3.0, "runway: about 3.0 more day(s)"))
    assert enough.light is Light.GREEN
    blocked = [failed(2, "ActionBlocked: this action was blocked", 403)]
    red = assess(blocked, now=NOW, runway=low)  # a worse light stays, the reason is added
    assert red.light is Light.RED and red.reasons[-1] == low.note

"""Health of one account: a traffic light with reasons, computed from state rows.

Inputs are the journal's outcomes, the audit log's signals, relationships and snapshots; the
caller loads them (``state.health_rows``) and hands in ``now``. The light:

- red: a block or restriction signal, or at least half of the attempts failed
  (``min_attempts`` or more attempts);
- yellow: repeated rate-limit hits, a high error rate, followers lost over the window, a
  very low follow-back rate once enough follows have had time to be answered, or a runway
  under ``low_runway_days`` (the last plan's filtered pool runs dry; its note says how to
  widen it);
- green otherwise.

Journal outcomes and signals count within the window and after the last resume (a resume
after a cool-down starts with a clean slate).

Pure: ``observe.status.account_health`` loads the rows through ``state.health_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from socialseed.model.health import (
    Counts,
    FollowRow,
    Health,
    Light,
    OutcomeRow,
    Runway,
    Signal,
    Thresholds,
)

BLOCK_WORDS = ("blocked", "restricted", "actionblocked", "accountrestricted", "suspended", "spam")
RATE_WORDS = ("ratelimited", "rate limit", "rate-limit", "too many requests")


def is_rate_limit(row: OutcomeRow) -> bool:
    text = row.error.lower()
    return row.http_status == 429 or any(word in text for word in RATE_WORDS)


def is_block(row: OutcomeRow) -> bool:
    if row.status != "failed" or is_rate_limit(row):
        return False
    text = row.error.lower().replace(" ", "")
    return any(word.replace(" ", "") in text for word in BLOCK_WORDS)


def is_block_signal(signal: Signal) -> bool:
    """An audit line written because the platform blocked or restricted the account."""
    kind = signal.kind.lower()
    return kind == "health_red" or any(w in kind for w in ("circuit", "block", "restrict"))


def assess(
    outcomes: Sequence[OutcomeRow],
    *,
    now: datetime,
    follows: Sequence[FollowRow] = (),
    counts: Sequence[Counts] = (),
    signals: Sequence[Signal] = (),
    resumed_at: datetime | None = None,
    thresholds: Thresholds = Thresholds(),
    runway: Runway | None = None,
) -> Health:
    """The health of one account at ``now`` (``runway``: the last plan's, if any)."""
    start = now - timedelta(days=thresholds.window_days)
    fresh = max(start, resumed_at) if resumed_at else start  # a resume starts a clean slate
    recent = [o for o in outcomes if fresh <= o.at <= now and o.status != "skipped"]
    blocks = max(  # apply journals the refusal and audits the trip: count the event once
        sum(1 for o in recent if is_block(o)),
        sum(1 for s in signals if fresh < s.at <= now and is_block_signal(s)),
    )
    answered = _answerable(follows, now, thresholds.follow_back_grace_days)
    health = Health(
        light=Light.GREEN,
        reasons=(),
        attempts=len(recent),
        failures=sum(1 for o in recent if o.status == "failed"),
        rate_limit_hits=sum(1 for o in recent if is_rate_limit(o)),
        block_signals=blocks,
        follows=len(answered),
        followed_back=sum(1 for f in answered if f.followed_back_at is not None),
        net_growth=_net_growth(counts, start, now),
        window_days=thresholds.window_days,
    )
    light, reasons = _judge(health, thresholds)
    if runway is not None and runway.days < thresholds.low_runway_days:
        light = Light.YELLOW if light is Light.GREEN else light
        reasons = [r for r in reasons if r != _all_clear(health)] + [runway.note]
    return replace(health, light=light, reasons=tuple(reasons))


def _answerable(follows: Sequence[FollowRow], now: datetime, grace_days: int) -> list[FollowRow]:
    """Follows old enough to have been answered (younger ones would flatter the rate)."""
    cutoff = now - timedelta(days=grace_days)
    return [f for f in follows if f.since is not None and f.since <= cutoff]


def _net_growth(counts: Sequence[Counts], start: datetime, now: datetime) -> int | None:
    known = sorted((c for c in counts if c.followers is not None and c.at <= now), key=_at)
    if len(known) < 2:
        return None
    before = [c for c in known if c.at <= start]
    first = before[-1] if before else known[0]
    last = known[-1]
    if first is last or first.followers is None or last.followers is None:
        return None
    return last.followers - first.followers


def _at(counts: Counts) -> datetime:
    return counts.at


def _judge(h: Health, t: Thresholds) -> tuple[Light, list[str]]:
    red, yellow = _red_reasons(h, t), _yellow_reasons(h, t)
    if red:
        return Light.RED, red + yellow
    if yellow:
        return Light.YELLOW, yellow
    return Light.GREEN, [_all_clear(h)]


def _red_reasons(h: Health, t: Thresholds) -> list[str]:
    reasons = []
    if h.block_signals:
        reasons.append(
            f"{h.block_signals} block or restriction signal(s) in the last {t.window_days} days"
        )
    if h.attempts >= t.min_attempts and h.error_rate >= t.red_error_rate:
        reasons.append(f"{h.failures} of {h.attempts} attempts failed ({h.error_rate:.0%})")
    return reasons


def _yellow_reasons(h: Health, t: Thresholds) -> list[str]:
    reasons = []
    if h.rate_limit_hits >= t.yellow_rate_limit_hits:
        reasons.append(f"{h.rate_limit_hits} rate-limit hits in the last {t.window_days} days")
    if h.attempts >= t.min_attempts and t.yellow_error_rate <= h.error_rate < t.red_error_rate:
        reasons.append(f"{h.failures} of {h.attempts} attempts failed ({h.error_rate:.0%})")
    if h.net_growth is not None and h.net_growth < 0:
        reasons.append(f"lost {-h.net_growth} followers in the last {t.window_days} days")
    rate = h.follow_back_rate
    enough = h.follows >= t.follow_back_min_follows
    if rate is not None and enough and rate < t.low_follow_back_rate:
        reasons.append(
            f"follow-back rate {rate:.1%} ({h.followed_back} of {h.follows}): targeting may be off"
        )
    return reasons


def _all_clear(h: Health) -> str:
    parts = [f"{h.failures} failed of {h.attempts} attempts" if h.attempts else "no attempts"]
    parts.append(f"no block signals in {h.window_days} days")
    if h.follow_back_rate is not None:
        parts.append(f"follow-back {h.follow_back_rate:.0%}")
    return "; ".join(parts)

"""Simulated months of follows on a fresh sandbox world, for bench_growth.

Several managed accounts run side by side in one world, each with its own ranking (the
learned model or the heuristic prior alone), sources, filters and outcomes. Each day: a sync
per account (its followers read as ``socialseed sync`` reads them: a follow-back is a follower
first seen after our follow, and it stays one when the person unfollows again later), then the
candidate pool as the sandbox API shows it (profiles of the people the sources find, read
again every ten days), SocialSeed's filters and heuristic scorer, ``plan.ranking`` orders each
account's pool with a control group, and the top ``per_day`` are followed in the world. The
ranker sees only profiles and the account's own outcomes, never the world's generator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from socialseed.config.schema import Filters
from socialseed.model import Profile
from socialseed.model.rates import rate_ratio
from socialseed.plan import ranking
from socialseed.plan.filters import FilterContext, apply_filters
from socialseed.plan.tune import Judged
from socialseed.platforms.sandbox import actions, profiles
from socialseed.platforms.sandbox.generate import WorldSpec, generate
from socialseed.platforms.sandbox.world import World
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import HeuristicScorer, topic_terms

DAY = 86400
START = datetime(2026, 11, 25, tzinfo=UTC)
TARGETING = "film"
SOURCES = ("hashtag:filmphotography", "hashtag:analog", "followers_of:lens.collective")
WEAK_SOURCE = "hashtag:art"  # general people: few share the topic
WITH_WEAK_SOURCE = (*SOURCES, WEAK_SOURCE)
TOPIC = Topic(
    "People who shoot, develop and share analog film photography.",
    ("film", "analog", "35mm", "darkroom", "photography"),
    ("analog", "filmphotography"),
)
FILTERS = Filters.model_validate(
    {
        "followers": {"min": 20, "max": 20000},
        "ratio": {"max": 3.0},
        "min_posts": 5,
        "active_within_days": 30,
        "skip_opt_out": True,
    }
)
MATURE_DAYS = 3  # follow-backs arrive within three days in the sandbox
REREAD_DAYS = 10  # profiles are read again this often (counts move slowly)


@dataclass(frozen=True)
class Setup:
    """One managed account of a simulation: how it ranks, and what it finds and filters."""

    handle: str
    learn: bool = True
    sources: tuple[str, ...] = SOURCES
    filters: Filters = FILTERS


@dataclass(frozen=True)
class Follow:
    target: str
    ts: int
    arm: str
    expected: float
    features: dict[str, float]
    source: str


@dataclass(frozen=True)
class ArmRate:
    follows: int
    backs: int

    @property
    def rate(self) -> float:
        return self.backs / self.follows if self.follows else 0.0

    def __add__(self, other: ArmRate) -> ArmRate:
        return ArmRate(self.follows + other.follows, self.backs + other.backs)


@dataclass(frozen=True)
class Result:
    """Follows of one or more accounts: chosen vs control, and each follow judged."""

    chosen: ArmRate
    control: ArmRate
    expected_chosen: float  # mean predicted follow-back of the chosen follows
    judged: tuple[Judged, ...] = ()
    expected_control: float = 0.0  # mean predicted follow-back of the control follows

    @property
    def overall(self) -> ArmRate:
        return self.chosen + self.control

    @property
    def lift(self) -> float:
        return self.chosen.rate / self.control.rate if self.control.rate else math.inf

    def interval(self) -> tuple[float, float]:
        """95% interval of the rate ratio (Katz, log scale)."""
        c, k = self.chosen, self.control
        found = rate_ratio(c.backs, c.follows, k.backs, k.follows)
        return (found[1], found[2]) if found else (0.0, math.inf)

    @staticmethod
    def combine(results: Sequence[Result]) -> Result:
        chosen, control = ArmRate(0, 0), ArmRate(0, 0)
        weighted = weighted_control = 0.0
        for r in results:
            chosen, control = chosen + r.chosen, control + r.control
            weighted += r.expected_chosen * r.chosen.follows
            weighted_control += r.expected_control * r.control.follows
        return Result(
            chosen,
            control,
            weighted / chosen.follows if chosen.follows else 0.0,
            tuple(j for r in results for j in r.judged),
            weighted_control / control.follows if control.follows else 0.0,
        )


@dataclass
class Account:
    """One managed account's month: its follows and what its syncs saw."""

    setup: Setup
    me: str
    followers_before: set[str]
    followed: set[str]
    first_seen: dict[str, int] = field(default_factory=dict)  # follower -> first sync seeing it
    follows: list[Follow] = field(default_factory=list)

    def sync(self, world: World, now_ts: int) -> None:
        for follower in world.follower_ids(self.me, now_ts):
            self.first_seen.setdefault(follower, now_ts)

    def followed_back(self, follow: Follow) -> bool:
        seen = self.first_seen.get(follow.target)
        return seen is not None and seen > follow.ts and follow.target not in self.followers_before

    def outcomes(self, now_ts: int) -> list[ranking.Outcome]:
        """Labelled follows: made at least MATURE_DAYS ago."""
        cutoff = now_ts - MATURE_DAYS * DAY
        return [
            ranking.Outcome(f.features, self.followed_back(f))
            for f in self.follows
            if f.ts <= cutoff
        ]

    def result(self) -> Result:
        arms = {
            arm: ArmRate(
                sum(1 for f in self.follows if f.arm == arm),
                sum(1 for f in self.follows if f.arm == arm and self.followed_back(f)),
            )
            for arm in ("chosen", "control")
        }
        chosen = [f.expected for f in self.follows if f.arm == "chosen"]
        control = [f.expected for f in self.follows if f.arm == "control"]
        return Result(
            arms["chosen"],
            arms["control"],
            sum(chosen) / len(chosen) if chosen else 0.0,
            tuple(
                Judged(TARGETING, f.source, self.followed_back(f), f.features) for f in self.follows
            ),
            sum(control) / len(control) if control else 0.0,
        )


def make_world(path: Path, *, size: int, model: str, seed: int = 42) -> World:
    generate(path, WorldSpec.at(seed, size, START, model))  # memo: fresh copies, one build
    return World(path)


def _pool(world: World, sources: Sequence[str]) -> dict[str, list[str]]:
    """Candidate id -> the sources that find it (in the order given)."""
    found: dict[str, list[str]] = {}
    for source in sources:
        kind, _, value = source.partition(":")
        if kind == "hashtag":
            ids = world.users_with_tag(value)
        else:
            hub = world.by_handle(value)
            ids = world.follower_ids(hub.id, world.anchor_ts) if hub else []
        for uid in ids:
            found.setdefault(uid, []).append(source)
    return found


def simulate(
    world: World,
    setups: Sequence[Setup],
    *,
    days: int = 30,
    per_day: int = 15,
    control_pct: float = 20.0,
) -> list[Result]:
    """``days`` of follows by each of ``setups`` (side by side in ``world``), judged
    ``MATURE_DAYS`` after the last: one result per account."""
    accounts = [_account(world, s) for s in setups]
    pool = _pool(world, sorted({s for setup in setups for s in setup.sources}))
    terms = topic_terms(TOPIC)
    seen: dict[str, tuple[Profile, ranking.Known]] = {}
    for day in range(days + MATURE_DAYS):
        now_ts = world.anchor_ts + day * DAY + 9 * 3600
        for account in accounts:
            account.sync(world, now_ts)
        if day >= days:
            continue
        now = datetime.fromtimestamp(now_ts, UTC)
        scorer, ctx = HeuristicScorer(now=now), FilterContext(now=now)
        for uid in pool:
            user = world.user(uid)
            if user is not None and (day % REREAD_DAYS == 0 or uid not in seen):
                profile = profiles.profile(world, user, now_ts, recent=1)
                score = scorer.score_one(profile, terms)
                seen[uid] = (profile, ranking.known_of(profile, "", score))
        passed = _passing(accounts, pool, seen, ctx)
        for account in accounts:
            rows = _rows(account, pool, seen, passed[id(account.setup.filters)], now_ts)
            _pick(world, account, rows, now_ts, per_day=per_day, control_pct=control_pct)
    return [a.result() for a in accounts]


def _passing(
    accounts: Sequence[Account],
    pool: dict[str, list[str]],
    seen: dict[str, tuple[Profile, ranking.Known]],
    ctx: FilterContext,
) -> dict[int, set[str]]:
    """Who passes each distinct set of filters today."""
    out: dict[int, set[str]] = {}
    for account in accounts:
        filters = account.setup.filters
        if id(filters) not in out:
            out[id(filters)] = {
                uid
                for uid in pool
                if uid in seen and apply_filters(seen[uid][0], filters, ctx).passed
            }
    return out


def _rows(
    account: Account,
    pool: dict[str, list[str]],
    seen: dict[str, tuple[Profile, ranking.Known]],
    passed: set[str],
    now_ts: int,
) -> list[tuple[str, dict[str, float]]]:
    """The account's candidates today: passing, not followed, found by its own sources."""
    mine = set(account.setup.sources)
    rows: list[tuple[str, dict[str, float]]] = []
    for uid in sorted(passed):
        if uid in account.followed or uid in account.followers_before:
            continue
        source = next((s for s in pool[uid] if s in mine), None)
        if source is None:
            continue
        known = seen[uid][1]._replace(source=source)
        rows.append((uid, ranking.features_of(known, now_ts * 1_000_000)))
    return rows


def _pick(
    world: World,
    account: Account,
    rows: list[tuple[str, dict[str, float]]],
    now_ts: int,
    *,
    per_day: int,
    control_pct: float,
) -> None:
    """Rank the account's rows of the day and follow the first ``per_day``."""
    outcomes = account.outcomes(now_ts) if account.setup.learn else []
    expected = ranking.Ranker(outcomes).expected([f for _, f in rows])
    placed = ranking.order(expected, control_pct=control_pct, seed=f"{account.me}:{now_ts}")
    for place in placed[:per_day]:
        uid, feats = rows[place.index]
        _follow(world, account.me, uid, now_ts)
        account.followed.add(uid)
        source = next(k.split("=", 1)[1] for k in feats if k.startswith("source="))
        account.follows.append(Follow(uid, now_ts, place.arm, place.expected, feats, source))


def _account(world: World, setup: Setup) -> Account:
    me = world.ensure_managed(setup.handle)
    return Account(
        setup,
        me.id,
        followers_before=set(world.follower_ids(me.id, world.anchor_ts)),
        followed=set(world.following_ids(me.id)),
    )


def _follow(world: World, actor_id: str, target_id: str, now_ts: int) -> None:
    actor = world.user(actor_id)
    assert actor is not None
    write = actions.resolve(world, actor, actions.Request("follow", target_id), now_ts)
    with world.transaction() as conn:
        if not write.already(conn):
            write.perform(conn)

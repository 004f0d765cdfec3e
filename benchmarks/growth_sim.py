"""A simulated month of follows on a fresh sandbox world, for bench_growth.

Each day: the candidate pool as the sandbox API shows it (profiles of people found by the
targeting's sources), SocialSeed's filters and heuristic scorer, then ``plan.ranking`` (the
learned model or the heuristic prior alone) orders the pool with a control group, the top
``per_day`` are followed in the world, and follow-backs are read from the followers list as a
sync would (a follow-back is a follower who was not one before our follow). The ranker sees
only profiles and these outcomes, never the world's generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from socialseed.config.schema import Filters
from socialseed.model import Profile
from socialseed.plan import ranking
from socialseed.plan.filters import FilterContext, apply_filters
from socialseed.platforms.sandbox import actions, profiles
from socialseed.platforms.sandbox.generate import WorldSpec, generate
from socialseed.platforms.sandbox.world import World
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import HeuristicScorer, topic_terms

DAY = 86400
START = datetime(2026, 11, 25, tzinfo=UTC)
SOURCES = (
    ("hashtag:filmphotography", "filmphotography"),
    ("hashtag:analog", "analog"),
    ("followers_of:lens.collective", ""),
)
WITH_WEAK_SOURCE = (*SOURCES, ("hashtag:art", "art"))  # general people: few share the topic
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


@dataclass
class Follow:
    target: str
    day: int
    arm: str
    expected: float
    features: dict[str, float]
    source: str = ""


@dataclass
class Month:
    follows: list[Follow] = field(default_factory=list)
    followers_before: set[str] = field(default_factory=set)

    def backs(self, world: World, actor: str, now_ts: int) -> set[str]:
        return set(world.follower_ids(actor, now_ts)) - self.followers_before


@dataclass(frozen=True)
class ArmRate:
    follows: int
    backs: int

    @property
    def rate(self) -> float:
        return self.backs / self.follows if self.follows else 0.0


@dataclass(frozen=True)
class Result:
    chosen: ArmRate
    control: ArmRate
    expected_chosen: float  # mean predicted follow-back of the chosen follows
    by_source: tuple[tuple[str, bool], ...] = ()  # (source, followed back) per follow

    @property
    def overall(self) -> ArmRate:
        return ArmRate(
            self.chosen.follows + self.control.follows, self.chosen.backs + self.control.backs
        )

    @property
    def lift(self) -> float:
        return self.chosen.rate / self.control.rate if self.control.rate else math.inf

    def interval(self) -> tuple[float, float]:
        """95% interval of the rate ratio (Katz, log scale)."""
        a, n1, c, n2 = (
            self.chosen.backs,
            self.chosen.follows,
            self.control.backs,
            self.control.follows,
        )
        if not (a and c):
            return (0.0, math.inf)
        se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
        return (self.lift * math.exp(-1.96 * se), self.lift * math.exp(1.96 * se))


def make_world(path: Path, *, size: int, model: str, seed: int = 42) -> World:
    generate(path, WorldSpec.at(seed, size, START, model))  # memo: fresh copies, one build
    return World(path)


def _pool(world: World, sources: tuple[tuple[str, str], ...] = SOURCES) -> dict[str, str]:
    """Candidate id -> the first source that finds it."""
    found: dict[str, str] = {}
    for source, tag in sources:
        if tag:
            ids = world.users_with_tag(tag)
        else:
            hub = world.by_handle(source.split(":", 1)[1])
            ids = world.follower_ids(hub.id, world.anchor_ts) if hub else []
        for uid in ids:
            found.setdefault(uid, source)
    return found


def simulate(
    world: World,
    *,
    days: int = 30,
    per_day: int = 25,
    control_pct: float = 20.0,
    learn: bool = True,
    filters: Filters = FILTERS,
    handle: str = "growth.studio",
    sources: tuple[tuple[str, str], ...] = SOURCES,
) -> Result:
    me = world.ensure_managed(handle)
    month = Month(followers_before=set(world.follower_ids(me.id, world.anchor_ts)))
    pool = _pool(world, sources)
    scorer_terms = topic_terms(TOPIC)
    followed: set[str] = set(world.following_ids(me.id))
    seen: dict[str, Profile] = {}  # profiles are read again each week (counts move slowly)
    for day in range(days):
        now_ts = world.anchor_ts + day * DAY + 9 * 3600
        now = datetime.fromtimestamp(now_ts, UTC)
        scorer = HeuristicScorer(now=now)
        ranker = ranking.Ranker(_outcomes(world, me.id, month, now_ts) if learn else ())
        rows: list[tuple[str, dict[str, float]]] = []
        ctx = FilterContext(now=now)
        for uid, source in pool.items():
            if uid in followed or uid in month.followers_before:
                continue
            user = world.user(uid)
            if user is None:
                continue
            if day % 7 == 0 or uid not in seen:
                seen[uid] = profiles.profile(world, user, now_ts, recent=1)
            profile = seen[uid]
            if not apply_filters(profile, filters, ctx).passed:
                continue
            score = scorer.score_one(profile, scorer_terms)
            rows.append((uid, ranking.features(profile, source, score, now)))
        expected = ranker.expected([f for _, f in rows])
        placed = ranking.order(expected, control_pct=control_pct, seed=f"{handle}:{day}")
        for place in placed[:per_day]:
            uid, feats = rows[place.index]
            _follow(world, me.id, uid, now_ts)
            followed.add(uid)
            source = pool[uid]
            month.follows.append(Follow(uid, day, place.arm, place.expected, feats, source))
    end_ts = world.anchor_ts + (days + MATURE_DAYS) * DAY
    backs = month.backs(world, me.id, end_ts)
    return Result(
        chosen=_arm(month, backs, "chosen"),
        control=_arm(month, backs, "control"),
        expected_chosen=_mean([f.expected for f in month.follows if f.arm == "chosen"]),
        by_source=tuple((f.source, f.target in backs) for f in month.follows),
    )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _arm(month: Month, backs: set[str], arm: str) -> ArmRate:
    mine = [f for f in month.follows if f.arm == arm]
    return ArmRate(len(mine), sum(1 for f in mine if f.target in backs))


def _outcomes(world: World, actor: str, month: Month, now_ts: int) -> list[ranking.Outcome]:
    """Labelled follows: made at least MATURE_DAYS ago; followed back or not by now."""
    backs = month.backs(world, actor, now_ts)
    cutoff = now_ts - MATURE_DAYS * DAY
    return [
        ranking.Outcome(f.features, f.target in backs)
        for f in month.follows
        if world.anchor_ts + f.day * DAY + 9 * 3600 <= cutoff
    ]


def _follow(world: World, actor_id: str, target_id: str, now_ts: int) -> None:
    actor = world.user(actor_id)
    assert actor is not None
    write = actions.resolve(world, actor, actions.Request("follow", target_id), now_ts)
    with world.transaction() as conn:
        if not write.already(conn):
            write.perform(conn)

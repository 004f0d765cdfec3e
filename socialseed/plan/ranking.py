"""Ranking by expected follow-back, learned from the account's own outcomes.

Features come only from what a platform's API returns about a candidate (counts, when it was
last seen, avatar, the source that found it), read from the discovery cache's typed columns,
and the scorer's two numbers; labels only from the account's
recorded follows (a follow-back is a follow that started after ours). The model is
scikit-learn's ``LogisticRegression`` on standardised features (the few that carry the signal:
``MODEL_FEATURES`` and the source), strongly regularised, fitted in the plan step
(deterministic: lbfgs, no random state), and shrunk towards the account's observed
follow-back rate by how much evidence there is (not towards the heuristic prior, which can
rank below random: 0.78x in the standard sandbox world). With too few outcomes (or only one
kind) the prior alone ranks.

Pure: no state, no network, no clock (``now`` is handed in).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from socialseed.model import Profile, Score
from socialseed.state.candidates import micros, typed_fields

MIN_OUTCOMES = 20  # fewer labelled follows than this: the prior alone
RATE_WEIGHT = 40.0  # the observed rate counts as this many follows when blended with the model
C = 0.1  # the logistic regression's inverse regularisation (C=0.5 over-fitted ~450 outcomes)
NUMERIC = (
    "log_followers",
    "log_following",
    "log_ratio",
    "log_posts",
    "days_quiet",
    "avatar",
    "relevance",
    "authenticity",
    "unknown_counts",
)
# what the model learns from (the other features are kept with each outcome, for tune and
# the report): fewer columns, less over-fitting of a month's few hundred outcomes
MODEL_FEATURES = (
    "log_followers",
    "log_following",
    "log_ratio",
    "days_quiet",
    "relevance",
    "unknown_counts",
)
DAY_US = 86_400_000_000

Features = dict[str, float]


class Known(NamedTuple):
    """What the ranker reads of a candidate: the discovery cache's typed columns (no profile
    is decoded for it) and the score's two numbers."""

    followers: int | None
    following: int | None
    posts: int | None
    last_seen_us: int | None  # the newest sign of life, microseconds since the epoch
    has_avatar: int | None
    source: str
    relevance: float
    authenticity: float


def known_of(profile: Profile, source: str, score: Score) -> Known:
    """The same numbers taken from a profile (as the cache's typed columns hold them)."""
    fields = typed_fields(profile)
    return Known(
        profile.followers,
        profile.following,
        profile.posts,
        cast("int | None", fields["last_seen_us"]),
        cast("int | None", fields["has_avatar"]),
        source,
        score.relevance,
        score.authenticity,
    )


def features(profile: Profile, source: str, score: Score, now: datetime) -> Features:
    """What the ranker knows about one candidate (numbers only, JSON-safe)."""
    return features_of(known_of(profile, source, score), micros(now))


def features_of(known: Known, now_us: int) -> Features:
    """The ranker's features from the typed numbers (``now_us``: microseconds since the epoch)."""
    followers = known.followers
    following = known.following
    seen = known.last_seen_us
    quiet = (now_us - seen) // DAY_US if seen is not None else 120
    return {
        "log_followers": math.log1p(followers) if followers is not None else 4.0,
        "log_following": math.log1p(following) if following is not None else 5.0,
        "log_ratio": (math.log1p(following or 0) - math.log1p(followers))
        if followers is not None
        else 0.0,
        "log_posts": math.log1p(known.posts or 0),
        "days_quiet": float(max(0, min(quiet, 120))),
        "avatar": 1.0 if known.has_avatar else 0.0,
        "relevance": float(known.relevance),
        "authenticity": float(known.authenticity),
        "unknown_counts": 1.0 if followers is None or following is None else 0.0,
        f"source={known.source}": 1.0,
    }


class KnownColumns(NamedTuple):
    """``Known`` for many candidates at once: float arrays (NaN where the platform gave
    nothing; counts and microseconds are exact in a float) and the sources."""

    followers: Any
    following: Any
    posts: Any
    last_seen_us: Any
    has_avatar: Any
    source: Sequence[str]
    relevance: Any
    authenticity: Any


def feature_columns(known: KnownColumns, now_us: int) -> dict[str, Any]:
    """``features_of`` for many candidates: one float array per numeric feature, the same
    numbers (the source's one-hot columns are made by ``expected_columns``)."""
    import numpy as np

    followers, following, seen = known.followers, known.following, known.last_seen_us
    no_followers, no_following = np.isnan(followers), np.isnan(following)
    log_followers = np.log1p(np.where(no_followers, 0.0, followers))
    log_following = np.log1p(np.where(no_following, 0.0, following))
    quiet = np.where(np.isnan(seen), 120.0, np.floor_divide(float(now_us) - seen, DAY_US))
    return {
        "log_followers": np.where(no_followers, 4.0, log_followers),
        "log_following": np.where(no_following, 5.0, log_following),
        "log_ratio": np.where(no_followers, 0.0, log_following - log_followers),
        "log_posts": np.log1p(np.nan_to_num(known.posts, nan=0.0)),
        "days_quiet": np.clip(quiet, 0.0, 120.0),
        "avatar": np.where(np.nan_to_num(known.has_avatar, nan=0.0) != 0, 1.0, 0.0),
        "relevance": np.asarray(known.relevance, dtype=float),
        "authenticity": np.asarray(known.authenticity, dtype=float),
        "unknown_counts": np.where(no_followers | no_following, 1.0, 0.0),
    }


def prior_columns(feats: Mapping[str, Any]) -> Any:
    """``prior`` for many candidates (the same arithmetic, in the same order)."""
    import numpy as np

    active = np.where(feats["days_quiet"] <= 14, 1.0, 0.5)
    return 0.03 + 0.17 * feats["relevance"] * feats["authenticity"] * active


def prior(feats: Mapping[str, float]) -> float:
    """The heuristic's guess: a low base rate raised by relevance and authenticity."""
    quiet = feats.get("days_quiet", 0.0)
    active = 1.0 if quiet <= 14 else 0.5
    return 0.03 + 0.17 * feats.get("relevance", 0.0) * feats.get("authenticity", 0.0) * active


@dataclass(frozen=True)
class Outcome:
    """One labelled follow: its features when proposed, and whether it was followed back."""

    features: Mapping[str, float]
    followed_back: bool


class Ranker:
    """Expected follow-back per candidate: the prior, or the fitted model blended with the
    account's observed follow-back rate (which counts as ``RATE_WEIGHT`` follows)."""

    def __init__(self, outcomes: Sequence[Outcome] = ()) -> None:
        self.outcomes = len(outcomes)
        self.rate = sum(o.followed_back for o in outcomes) / len(outcomes) if outcomes else None
        self._model = _fit(outcomes)

    @property
    def learned(self) -> bool:
        return self._model is not None

    def describe(self) -> str:
        if self._model is None:
            return f"heuristic prior (learning starts at {MIN_OUTCOMES} outcomes with both kinds)"
        rate = f"{self.rate:.1%}" if self.rate is not None else "-"
        return f"learned from {self.outcomes} outcome(s) ({rate} followed back)"

    def expected(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """Each row's expected follow-back: one matrix, one ``predict_proba``, and the prior
        and the blend computed on its columns (numpy), not row by row."""
        if self._model is None or not rows:
            return [prior(r) for r in rows]

        names, pipeline = self._model
        with _one_thread():
            learned = pipeline.predict_proba(_matrix(rows, names))[:, 1]
        return cast("list[float]", self._blend(learned).tolist())

    def _blend(self, learned: Any) -> Any:
        """The model's numbers shrunk towards the observed rate by the evidence."""
        n, rate = float(self.outcomes), float(self.rate or 0.0)
        return (n * learned + RATE_WEIGHT * rate) / (n + RATE_WEIGHT)

    def expected_columns(self, known: KnownColumns, now_us: int) -> Any:
        """``expected`` for many candidates at once, from their typed columns: the features
        as arrays and one ``predict_proba`` over them (a float array)."""
        import numpy as np

        feats = feature_columns(known, now_us)
        count = len(known.source)
        if self._model is None or not count:
            return prior_columns(feats)
        names, pipeline = self._model
        sources = np.asarray(known.source, dtype=object)
        columns = [
            feats[name]
            if name in feats
            else np.where(sources == name[7:], 1.0, 0.0)
            if name.startswith("source=")
            else np.zeros(count)
            for name in names
        ]
        with _one_thread():
            learned = pipeline.predict_proba(np.column_stack(columns))[:, 1]
        return self._blend(learned)


def _matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str]) -> Any:
    """The rows' features in ``names``' order (absent: 0), filled column by column."""
    import numpy as np

    out = np.empty((len(rows), len(names)), dtype=float)
    for j, name in enumerate(names):
        out[:, j] = np.fromiter((r.get(name, 0.0) for r in rows), dtype=float, count=len(rows))
    return out


def _fit(outcomes: Sequence[Outcome]) -> tuple[list[str], Any] | None:
    labels = [o.followed_back for o in outcomes]
    if len(outcomes) < MIN_OUTCOMES or all(labels) or not any(labels):
        return None
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    names = sorted({name for o in outcomes for name in o.features if _modelled(name)})
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000))
    with _one_thread():
        pipeline.fit(_matrix([o.features for o in outcomes], names), labels)
    return names, pipeline


@functools.cache
def _threads() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # finds the loaded BLAS and OpenMP libraries once (~13 ms)


def _one_thread() -> Any:
    """BLAS and OpenMP on one thread while the model fits or predicts: a matrix of a few
    columns gains nothing from more, and their threads spin while they wait (twice the CPU
    time of one thread for 100,000 candidates, the same wall time); and a fit's sums are then
    added in one order on every machine, whatever its number of cores."""
    return _threads().limit(limits=1)


def _modelled(name: str) -> bool:
    return name in MODEL_FEATURES or name.startswith("source=")


@dataclass(frozen=True, slots=True)
class Placed:
    """One candidate's place in the ranking: its index in the input and its arm."""

    index: int
    expected: float
    arm: str  # "chosen" | "control"


def order(expected: Sequence[float], *, control_pct: float, seed: str) -> list[Placed]:
    """Best expected first (expectations equal to 9 decimals are ties), ties by a seeded
    shuffle; ``control_pct`` of the places go to a random sample of the whole pool (the control
    group), spread evenly through the order."""
    indices, control = _order(expected, control_pct=control_pct, seed=seed)
    arms = ["control" if c else "chosen" for c in control.tolist()]
    return [Placed(i, expected[i], arm) for i, arm in zip(indices.tolist(), arms, strict=True)]


def seeded(seed: str) -> Any:
    """The generator of a ranking's seeded draws: numpy's PCG64, seeded by the SHA-256 of
    ``seed`` (the same seed, the same draws, on every machine and numpy version that keeps
    ``Generator.permutation`` stable, as numpy promises)."""
    import numpy as np

    entropy = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")
    return np.random.Generator(np.random.PCG64(entropy))


def _order(expected: Sequence[float] | Any, *, control_pct: float, seed: str) -> tuple[Any, Any]:
    """``order`` as arrays: the input indices, best first, and whether each place is a
    control pick. Two seeded permutations: the tie order (the first draw) and the control
    group's queue (the second, only when there is a control group)."""
    import numpy as np

    rng = seeded(seed)
    values = np.asarray(expected, dtype=float)
    count = len(values)
    ties = rng.permutation(count)
    # best first; a stable sort keeps the shuffle's order among equals
    best = ties[np.argsort(-rounded(values)[ties], kind="stable")]
    share = max(0.0, min(control_pct, 100.0)) / 100.0
    if share == 0.0 or count == 0:
        return best, np.zeros(count, dtype=bool)
    return _interleave(best, rng.permutation(count), share)


def rounded(values: Any, digits: int = 9) -> Any:
    """``round(v, digits)`` of every value (as Python rounds: the correctly rounded decimal
    number), computed in numpy; the few values numpy's product could round the other way
    (within an ulp of a half), and the huge or not finite ones, are rounded by Python."""
    import numpy as np

    scale = 10.0**digits
    scaled = values * scale
    with np.errstate(invalid="ignore"):
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) <= 2 * np.abs(np.spacing(scaled))
        risky = near_half | ~(np.abs(scaled) < 1e15)
    out = np.rint(scaled) / scale
    for i in np.flatnonzero(risky).tolist():
        out[i] = round(float(values[i]), digits)
    return out


CONTROL, CHOSEN = 1, 0


def _interleave(best: Any, control: Any, share: float) -> tuple[Any, Any]:
    """The places: place ``s`` is a control pick when ``floor((s + 1) * share)`` passes
    ``floor(s * share)``; each arm takes the next candidate of its queue (``best`` or the
    seeded ``control`` permutation) that the other arm has not taken. Both queues hold every
    candidate, so neither runs dry before the last place.

    Worked in blocks of places: each arm's picks for a block are its queue's next untaken
    candidates; where both arms picked the same candidate, the later pick is wrong, so the
    block is kept up to that place and the next block starts there."""
    import numpy as np

    count = len(best)
    slots = np.arange(count, dtype=float)
    is_control = np.floor((slots + 1) * share) > np.floor(slots * share)
    used = np.zeros(count, dtype=bool)
    chosen_at = np.full(count, -1, dtype=np.int64)  # a block's chosen picks: their place
    queues = (best, control)
    heads = [0, 0]
    out = np.empty(count, dtype=np.int64)
    start = 0
    while start < count:
        size = min(count - start, max(16, int(2 * math.sqrt(count - start))))
        arms = is_control[start : start + size]
        places = (np.flatnonzero(~arms), np.flatnonzero(arms))
        picks = []
        ends = []
        for arm in (CHOSEN, CONTROL):
            taken, end = _untaken(queues[arm], heads[arm], used, len(places[arm]))
            picks.append(taken)
            ends.append(end)
        # a candidate both arms picked: the later of its two places is where the block stops
        chosen_at[picks[CHOSEN]] = places[CHOSEN]
        twice = chosen_at[picks[CONTROL]]
        chosen_at[picks[CHOSEN]] = -1
        clash = twice >= 0
        keep = size
        if clash.any():
            keep = int(np.maximum(twice[clash], places[CONTROL][clash]).min())
        for arm in (CHOSEN, CONTROL):
            kept = int(np.searchsorted(places[arm], keep))
            if not kept:
                continue
            mine = picks[arm][:kept]
            out[start + places[arm][:kept]] = mine
            used[mine] = True
            if kept == len(places[arm]):
                heads[arm] = ends[arm]
            else:  # past the last candidate this arm kept: all before it are taken
                heads[arm] = _position_after(queues[arm], heads[arm], int(mine[-1]))
        start += keep
    return out, is_control


def _untaken(queue: Any, head: int, used: Any, count: int) -> tuple[Any, int]:
    """The first ``count`` candidates of ``queue`` from ``head`` on that are not used, and
    the position after the last of them."""
    import numpy as np

    if count == 0:
        return queue[:0], head
    width = count * 2 + 16
    while True:
        window = queue[head : head + width]
        free = np.flatnonzero(~used[window])
        if len(free) >= count or head + width >= len(queue):
            chosen = free[:count]
            return window[chosen], head + int(chosen[-1]) + 1
        width *= 2


def _position_after(queue: Any, head: int, member: int) -> int:
    import numpy as np

    width = 64
    while True:
        found = np.flatnonzero(queue[head : head + width] == member)
        if len(found):
            return head + int(found[0]) + 1
        width *= 2


class Rank(NamedTuple):
    """One candidate's rank in its targeting: its place (lower is better), expectation, arm."""

    place: int
    expected: float
    arm: str


class Ranks(NamedTuple):
    """``rank_pool``'s ranks as columns: places (an int array), expectations (a float
    array), arms (an object array of str)."""

    place: Any
    expected: Any
    arm: Any

    @classmethod
    def none(cls) -> Ranks:
        """The ranks of no candidates."""
        import numpy as np

        return cls(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=object))

    def of(self, index: int) -> Rank:
        return Rank(int(self.place[index]), float(self.expected[index]), self.arm[index])


def rank_pool(
    members: Sequence[tuple[str, str]],
    expected: Sequence[float],
    *,
    control_pct: Mapping[str, float],
    seed_of: Mapping[str, str],
) -> list[Rank]:
    """Each candidate's rank, given its (profile id, targeting) and expected follow-back: one
    ``order`` per targeting over its candidates taken by profile id (so the order, its seeded
    ties and its control group do not depend on the order they were found in)."""
    ranks = rank_columns(
        [m[0] for m in members],
        [m[1] for m in members],
        expected,
        control_pct=control_pct,
        seed_of=seed_of,
    )
    places, values, arms = ranks.place.tolist(), ranks.expected.tolist(), ranks.arm.tolist()
    return [Rank(p, e, a) for p, e, a in zip(places, values, arms, strict=True)]


def rank_columns(
    profile_ids: Sequence[str],
    targetings: Sequence[str],
    expected: Sequence[float] | Any,
    *,
    control_pct: Mapping[str, float],
    seed_of: Mapping[str, str],
) -> Ranks:
    """``rank_pool`` over columns (profile ids, targetings, expectations), as columns."""
    import numpy as np

    count = len(profile_ids)
    places = np.zeros(count, dtype=np.int64)
    control = np.zeros(count, dtype=bool)
    values = np.asarray(expected, dtype=float)
    names = np.asarray(targetings, dtype=object)
    for targeting in dict.fromkeys(targetings):
        indices = np.flatnonzero(names == targeting).tolist()
        indices.sort(key=profile_ids.__getitem__)  # fast when the ids come sorted in runs
        members = np.array(indices, dtype=np.int64)
        chosen, is_control = _order(
            values[members], control_pct=control_pct[targeting], seed=seed_of[targeting]
        )
        members = members[chosen]
        places[members] = np.arange(len(members))
        control[members] = is_control
    return Ranks(places, values, ARMS[control.astype(np.int64)])


def _arms() -> Any:
    import numpy as np

    return np.array(["chosen", "control"], dtype=object)


ARMS = _arms()  # by ``is_control``: an object array, so an arm is the same str object

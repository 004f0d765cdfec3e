"""Ranking without building every candidate: numbers in, best first out, one heap.

The planner walks candidates best first until today's budgets are used, which is a few hundred
of tens of thousands. So ranking keeps only a small key per candidate (risk, score, id), puts
the keys in a heap and builds a candidate (its profile, filter texts and score reasons) only
when the walk reaches it. Within a risk level the ranker's place (``plan.ranking``: expected
follow-back, computed from numbers alone) orders the keys when there is one. What ranks is
``RankInput``: a ranking of another kind plugs in by giving other keys.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from socialseed.config.schema import TargetScoring
from socialseed.model import Risk
from socialseed.plan import policy

T = TypeVar("T")
RankKey = tuple[int, float, str, int]  # risk rank, place or minus the score, profile id, index
RankRow = tuple[Any, ...]  # begins with ``RankInput``'s fields, in its order (more may follow)
FIRST_BATCH = 32  # candidates built at once when the walk starts; doubles up to LAST_BATCH
LAST_BATCH = 1024


class RankInput(NamedTuple):
    """What ranking needs of one candidate that passed the filters."""

    profile_id: str
    targeting: str
    authenticity: float
    relevance: float
    recommendation: str
    unknown: bool  # some filter could not tell (the candidate's actions are at least yellow)


RISK_RANK = {risk: risk.rank for risk in Risk}


def rank_key(entry: RankRow, risk: Risk, index: int, place: int | None = None) -> RankKey:
    """Best first: lower risk, then the ranker's place (expected follow-back, seeded ties, the
    control group spread through it: ``plan.ranking``); unranked entries by higher
    authenticity + relevance, then a stable id."""
    if place is not None:
        return (RISK_RANK[risk], float(place), "", index)
    return (RISK_RANK[risk], -round(entry[2] + entry[3], 6), entry[0], index)


def key_of(
    entry: RankRow, settings: TargetScoring, index: int, place: int | None = None
) -> RankKey:
    risk = policy.risk_of(entry[2], entry[4], bool(entry[5]), settings)
    return rank_key(entry, risk, index, place)


class RankColumns(NamedTuple):
    """What ranking needs of many candidates at once, as columns (``RankInput`` per column),
    with the ranker's place of each (lower is better within a risk level)."""

    targeting: Sequence[str]
    authenticity: Any  # float arrays
    relevance: Any
    recommendation: Sequence[str | None]
    unknown: Any  # bool array
    place: Any  # int array


def risk_ranks(
    authenticity: Any, recommendation: Any, unknown: Any, settings: TargetScoring
) -> Any:
    """``policy.risk_of`` for many candidates: an int array of risk ranks."""
    import numpy as np

    floor = settings.min_authenticity
    red = (authenticity < floor) | (recommendation == "avoid")
    yellow = (authenticity < floor + policy.BORDERLINE) | (recommendation == "caution") | unknown
    return np.where(red, Risk.RED.rank, np.where(yellow, Risk.YELLOW.rank, Risk.GREEN.rank)).astype(
        np.int64
    )


def best_indices(
    columns: RankColumns, settings_for: Callable[[str], TargetScoring]
) -> tuple[Any, Any]:
    """Every candidate's index, best first (the order of ``rank_key`` with places: risk, then
    place, then index), and which of them reach their targeting's minimum relevance."""
    import numpy as np

    count = len(columns.targeting)
    risk = np.zeros(count, dtype=np.int64)
    relevant = np.ones(count, dtype=bool)
    targetings = np.asarray(columns.targeting, dtype=object)
    recommendation = np.asarray(columns.recommendation, dtype=object)
    for name in dict.fromkeys(columns.targeting):
        settings = settings_for(name)
        mask = targetings == name
        risk[mask] = risk_ranks(
            columns.authenticity[mask], recommendation[mask], columns.unknown[mask], settings
        )
        relevant[mask] = columns.relevance[mask] >= settings.min_relevance
    order = np.lexsort((np.arange(count), columns.place, risk))
    return order, relevant


class _Heap:
    """Keys handed out smallest first."""

    def __init__(self, keys: list[RankKey]) -> None:
        heapq.heapify(keys)
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    def take(self, count: int) -> list[int]:
        return [heapq.heappop(self._keys)[3] for _ in range(min(count, len(self._keys)))]


class _Ordered:
    """Indices already in rank order, handed out in turn."""

    def __init__(self, indices: list[int]) -> None:
        self._indices = indices
        self._next = 0

    def __len__(self) -> int:
        return len(self._indices) - self._next

    def take(self, count: int) -> list[int]:
        taken = self._indices[self._next : self._next + count]
        self._next += len(taken)
        return taken


class Shortlist(Generic[T]):
    """Candidates above their targeting's minimum relevance, handed out best first.

    ``build`` turns the indices of some entries into the candidates themselves (in that order);
    it is called for a few at a time, as the walk goes. ``places`` (one per entry, when given)
    are the ranker's places, which rank within a risk level instead of the score.
    ``Shortlist.of_columns`` ranks columns of numbers the same way, without a key per entry.
    """

    def __init__(
        self,
        entries: Sequence[RankRow],
        settings_for: Callable[[str], TargetScoring],
        build: Callable[[list[int]], list[T]],
        scorers: Counter[str],
        places: Sequence[int | None] | None = None,
    ) -> None:
        self.scorers = scorers  # "scorer@version" -> candidates scored, for the plan
        self.low_relevance = 0
        self._build = build
        keys: list[RankKey] = []
        known: dict[str, TargetScoring] = {}
        for index, entry in enumerate(entries):
            settings = known.get(entry[1]) or known.setdefault(entry[1], settings_for(entry[1]))
            if entry[3] < settings.min_relevance:
                self.low_relevance += 1
                continue
            keys.append(key_of(entry, settings, index, places[index] if places else None))
        self._walk: _Heap | _Ordered = _Heap(keys)
        self._size = len(keys)

    @classmethod
    def of_columns(
        cls,
        columns: RankColumns,
        settings_for: Callable[[str], TargetScoring],
        build: Callable[[list[int]], list[T]],
        scorers: Counter[str],
    ) -> Shortlist[T]:
        """A shortlist over columns, every candidate with a place (one sort, no keys)."""
        order, relevant = best_indices(columns, settings_for)
        shortlist: Shortlist[T] = cls([], settings_for, build, scorers)
        kept = order[relevant[order]].tolist()
        shortlist.low_relevance = len(order) - len(kept)
        shortlist._walk = _Ordered(kept)
        shortlist._size = len(kept)
        return shortlist

    def __len__(self) -> int:
        return self._size

    def best_first(self, need: Callable[[], int] | None = None) -> Iterator[T]:
        """The candidates in rank order (once: the walk is used up as it goes).

        ``need``, when given, says how many more candidates the walk uses at the least (asked
        each time a batch is built): the first batch is that many, so a walk that uses every
        candidate it reaches builds none past where it stops; later batches are at least
        ``FIRST_BATCH`` and double, as without it."""
        batch = FIRST_BATCH
        if need is not None and len(self._walk):
            yield from self._build(self._walk.take(max(need(), 1)))
        while len(self._walk):
            size = batch if need is None else max(need(), batch)
            yield from self._build(self._walk.take(size))
            batch = min(batch * 2, LAST_BATCH)


def top(keys: Iterable[RankKey], count: int) -> list[RankKey]:
    """The ``count`` best keys, best first."""
    return heapq.nsmallest(count, keys)

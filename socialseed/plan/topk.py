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


class Shortlist(Generic[T]):
    """Candidates above their targeting's minimum relevance, handed out best first.

    ``build`` turns the indices of some entries into the candidates themselves (in that order);
    it is called for a few at a time, as the walk goes. ``places`` (one per entry, when given)
    are the ranker's places, which rank within a risk level instead of the score.
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
        heapq.heapify(keys)
        self._keys = keys
        self._size = len(keys)

    def __len__(self) -> int:
        return self._size

    def best_first(self) -> Iterator[T]:
        """The candidates in rank order (once: the heap is used up as it goes)."""
        batch = FIRST_BATCH
        while self._keys:
            indices = [heapq.heappop(self._keys)[3] for _ in range(min(batch, len(self._keys)))]
            yield from self._build(indices)
            batch = min(batch * 2, LAST_BATCH)


def top(keys: Iterable[RankKey], count: int) -> list[RankKey]:
    """The ``count`` best keys, best first."""
    return heapq.nsmallest(count, keys)

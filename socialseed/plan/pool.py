"""The candidates of one account that passed the filters, as columns.

A plan ranks tens of thousands of candidates and shows a few hundred, so what passed is held as
columns (numpy arrays of the typed numbers, lists of ids) rather than an object per candidate:
scoring fills the score columns, the ranker reads them whole, the shortlist sorts them once.
Rows come from ``state.candidates.filter_source``; a source's rows in the order they come (by
profile id), sources in the order they were read, targetings in the config's order. Nothing
depends on the order within a targeting: the ranking orders a targeting's candidates itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from socialseed.plan import ranking
from socialseed.plan.topk import RankColumns
from socialseed.state.candidates import PassingRow
from socialseed.state.scores import ScoreNumbers


@dataclass(frozen=True)
class Part:
    """One source's passing rows for one targeting; ``label`` is the scorer@version of the
    score copies the rows carry (when they carry one)."""

    targeting: str
    source: str
    rows: list[PassingRow]
    label: str = ""


@dataclass
class Pool:
    """Column ``i`` of every field is candidate ``i``."""

    profile_id: list[str]
    targeting: list[str]
    source: list[str]
    rowid: list[int]
    digest: list[str | None]  # the profile's digest where no score copy came with the row
    unknown: Any  # bool array: some filter could not tell
    post_count: Any  # int array
    authenticity: Any  # float arrays, NaN where no score is known yet
    relevance: Any
    recommendation: list[str | None]
    scorer: list[str]  # "scorer@version", "" where no score is known yet
    followers: Any  # float arrays of the typed columns, NaN where the platform gave nothing
    following: Any
    posts: Any
    last_seen_us: Any
    has_avatar: Any
    cached: list[int]  # 1: no copy of its score came with the row, but the score cache has it

    def __len__(self) -> int:
        return len(self.profile_id)

    @classmethod
    def of(cls, parts: Sequence[Part]) -> Pool:
        """The parts' rows (each part's in the order they were found), one after the other."""
        rows: list[PassingRow] = []
        targeting: list[str] = []
        source: list[str] = []
        scorer: list[str] = []
        for part in parts:
            rows += part.rows
            targeting += [part.targeting] * len(part.rows)
            source += [part.source] * len(part.rows)
            scorer += ["" if row[1] is None else part.label for row in part.rows]
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * 11
        number = _floats
        flags = np.array(columns[10], dtype=np.int64)  # see ``state.candidates.row_flags``
        avatar = (flags >> 2) & 3
        return cls(
            profile_id=list(columns[0]),
            targeting=targeting,
            source=source,
            rowid=list(columns[4]),
            digest=list(columns[5]),
            unknown=(flags & 1).astype(bool),
            post_count=flags >> 4,
            authenticity=number(columns[1]),
            relevance=number(columns[2]),
            recommendation=list(columns[3]),
            scorer=scorer,
            followers=number(columns[6]),
            following=number(columns[7]),
            posts=number(columns[8]),
            last_seen_us=number(columns[9]),
            has_avatar=np.where(avatar == 0, np.nan, avatar - 1.0),
            cached=((flags >> 1) & 1).tolist(),
        )

    def of_targeting(self, name: str) -> list[int]:
        return [i for i, t in enumerate(self.targeting) if t == name]

    def unscored(self, indices: Sequence[int]) -> list[int]:
        """Those of ``indices`` without a score yet."""
        absent = np.isnan(self.authenticity)
        return [i for i in indices if absent[i]]

    def set_numbers(self, indices: Sequence[int], numbers: Sequence[ScoreNumbers]) -> None:
        """Fill in the score columns of ``indices``."""
        if not indices:
            return
        at = np.array(indices, dtype=np.int64)
        self.authenticity[at] = [n.authenticity for n in numbers]
        self.relevance[at] = [n.relevance for n in numbers]
        for i, n in zip(indices, numbers, strict=True):
            self.recommendation[i] = n.recommendation
            self.scorer[i] = f"{n.scorer}@{n.version}"

    def set_number_columns(
        self,
        indices: Sequence[int],
        authenticity: Any,
        relevance: Any,
        recommendation: Any,
        scorer: str,
    ) -> None:
        """Fill in the score columns of ``indices`` from arrays (one scorer@version)."""
        if not indices:
            return
        at = np.array(indices, dtype=np.int64)
        self.authenticity[at] = authenticity
        self.relevance[at] = relevance
        for i, rec in zip(indices, recommendation.tolist(), strict=True):
            self.recommendation[i] = rec
            self.scorer[i] = scorer

    def scorers(self) -> Counter[str]:
        """How many candidates each scorer@version scored."""
        return Counter(self.scorer)

    def known(self) -> ranking.KnownColumns:
        """What the ranker reads, for every candidate."""
        return ranking.KnownColumns(
            self.followers,
            self.following,
            self.posts,
            self.last_seen_us,
            self.has_avatar,
            self.source,
            self.relevance,
            self.authenticity,
        )

    def known_of(self, i: int) -> ranking.Known:
        """What the ranker reads of candidate ``i`` (as ``ranking.Known``: ints or None)."""
        return ranking.Known(
            _int(self.followers[i]),
            _int(self.following[i]),
            _int(self.posts[i]),
            _int(self.last_seen_us[i]),
            _int(self.has_avatar[i]),
            self.source[i],
            float(self.relevance[i]),
            float(self.authenticity[i]),
        )

    def rank_columns(self, places: Any) -> RankColumns:
        return RankColumns(
            self.targeting,
            self.authenticity,
            self.relevance,
            self.recommendation,
            self.unknown,
            places,
        )


def _floats(values: Sequence[Any]) -> Any:
    """A float array of ints, floats and None (NaN)."""
    return np.array(values, dtype=float) if len(values) else np.zeros(0)


def _int(value: float) -> int | None:
    return None if value != value else int(value)

"""The plain reference of ``plan.ranking``'s order, kept in the tests: one candidate at a
time, in Python lists, from the same seeded draws (``ranking.seeded``). The ranking's fast
path (numpy sorts, the control group placed in blocks) must give exactly this."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from socialseed.plan import ranking


def reference_order(
    expected: Sequence[float], *, control_pct: float, seed: str
) -> list[tuple[int, str]]:
    """(input index, arm) best first: expected follow-back rounded to 9 decimals, ties in the
    order of the first seeded permutation; a control place takes the next candidate of the
    second permutation that is not taken yet, a chosen place the best one not taken yet."""
    rng = ranking.seeded(seed)
    count = len(expected)
    ties = rng.permutation(count).tolist()
    best = sorted(ties, key=lambda i: -round(expected[i], 9))  # stable: ties keep the shuffle
    share = max(0.0, min(control_pct, 100.0)) / 100.0
    if share == 0.0:
        return [(i, "chosen") for i in best]
    control = rng.permutation(count).tolist() if count else []
    taken: set[int] = set()
    queues = {"chosen": best, "control": control}
    heads = {"chosen": 0, "control": 0}  # every candidate before a head is taken
    out: list[tuple[int, str]] = []
    for slot in range(count):
        arm = "control" if math.floor((slot + 1) * share) > math.floor(slot * share) else "chosen"
        queue = queues[arm]
        while queue[heads[arm]] in taken:
            heads[arm] += 1
        pick = queue[heads[arm]]
        taken.add(pick)
        out.append((pick, arm))
    return out


def reference_ranks(
    members: Sequence[tuple[str, str]],
    expected: Sequence[float],
    *,
    control_pct: Mapping[str, float],
    seed_of: Mapping[str, str],
) -> list[ranking.Rank]:
    """Each (profile id, targeting)'s rank: one ``reference_order`` per targeting over its
    candidates taken by profile id."""
    ranks: list[ranking.Rank | None] = [None] * len(members)
    for targeting in dict.fromkeys(t for _, t in members):
        ours = [i for i, m in enumerate(members) if m[1] == targeting]
        indices = sorted(ours, key=lambda i: members[i][0])
        placed = reference_order(
            [expected[i] for i in indices],
            control_pct=control_pct[targeting],
            seed=seed_of[targeting],
        )
        for place, (at, arm) in enumerate(placed):
            ranks[indices[at]] = ranking.Rank(place, expected[indices[at]], arm)
    return [r for r in ranks if r is not None]

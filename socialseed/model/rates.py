"""Comparing two follow-back rates: the rate ratio and its 95% interval (Katz, log scale).

Shared by the experiment in ``report`` (chosen vs control) and ``tune`` (a weak source or
filter band against the rest).
"""

from __future__ import annotations

import math


def rate_ratio(a: int, n1: int, c: int, n2: int) -> tuple[float, float, float] | None:
    """(ratio, low, high) of a/n1 over c/n2 with its 95% interval; None when undefined."""
    if not (a and c and n1 and n2):
        return None
    ratio = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return ratio, ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)

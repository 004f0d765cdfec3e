"""Tiny terminal charts: sparklines and bars, in Unicode blocks or plain ASCII."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
ASCII = "_.-=+*#"


def sparkline(
    values: Sequence[float | None], *, unicode: bool = True, zero_based: bool = False
) -> str:
    """One character per value, scaled between the series' min (or 0) and max; gaps as spaces."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    if zero_based:
        low = min(low, 0)
    ramp = BLOCKS if unicode else ASCII
    span = high - low
    out = []
    for value in values:
        if value is None:
            out.append(" ")
            continue
        level = 0 if span == 0 else round((value - low) / span * (len(ramp) - 1))
        out.append(ramp[level])
    return "".join(out)


def bar(value: float, maximum: float, *, width: int = 30, unicode: bool = True) -> str:
    """A horizontal bar of ``value`` out of ``maximum`` in ``width`` cells."""
    if maximum <= 0 or value <= 0:
        return ""
    cells = max(1, round(value / maximum * width))
    return ("█" if unicode else "#") * cells

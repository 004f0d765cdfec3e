"""Inline SVG charts for the HTML report: a line chart and a stacked bar chart. No scripts.

Every data point is an element (``circle.pt`` for lines, ``rect.bar`` for bars) with a
``<title>`` tooltip, so the charts read on a phone and can be checked by a test.
"""

from __future__ import annotations

from collections.abc import Sequence

from socialseed.report.terminal import html_text as escape

W, H = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 64, 12, 16, 34
PALETTE = {
    "follow": "#2563eb",
    "like": "#db2777",
    "unfollow": "#9ca3af",
    "repost": "#059669",
    "reply": "#d97706",
    "unlike": "#6b7280",
    "mute": "#4b5563",
    "hide_comment": "#7c3aed",
}
LINE_COLOR = "#2563eb"
PHASE_COLORS = ("#fde68a", "#a7f3d0", "#bfdbfe", "#ddd6fe", "#fecaca")
NAMED_PHASES = {
    "not started": "#e5e7eb",
    "warmup": "#fde68a",
    "growth": "#a7f3d0",
    "maintain": "#bfdbfe",
}


def _open(label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(label)}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
    )


def _axes(top: float, bottom: float, first: str, last: str) -> str:
    x0, y0, x1 = PAD_L, H - PAD_B, W - PAD_R
    return (
        f'<line x1="{x0}" y1="{PAD_T}" x2="{x0}" y2="{y0}" class="axis"/>'
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" class="axis"/>'
        f'<text x="{x0 - 6}" y="{PAD_T + 12}" text-anchor="end" class="tick">{top:,.0f}</text>'
        f'<text x="{x0 - 6}" y="{y0}" text-anchor="end" class="tick">{bottom:,.0f}</text>'
        f'<text x="{x0}" y="{H - 8}" class="tick">{escape(first)}</text>'
        f'<text x="{x1}" y="{H - 8}" text-anchor="end" class="tick">{escape(last)}</text>'
    )


def _x(i: int, n: int) -> float:
    span = W - PAD_L - PAD_R
    return PAD_L + (span / 2 if n <= 1 else span * i / (n - 1))


def _y(value: float, low: float, high: float) -> float:
    span = H - PAD_T - PAD_B
    if high == low:
        return PAD_T + span / 2
    return PAD_T + span * (1 - (value - low) / (high - low))


def line_chart(points: Sequence[tuple[str, float]], *, label: str) -> str:
    """A line through ``(label, value)`` points, each drawn as a dot with a tooltip."""
    if not points:
        return f'<p class="empty">{escape(label)}: no data yet (run socialseed sync)</p>'
    values = [v for _, v in points]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    n = len(points)
    xy = [(_x(i, n), _y(v, low, high)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle class="pt" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE_COLOR}">'
        f"<title>{escape(name)}: {value:,.0f}</title></circle>"
        for (x, y), (name, value) in zip(xy, points, strict=True)
    )
    return (
        _open(label)
        + _axes(high, low, points[0][0], points[-1][0])
        + f'<polyline class="line" fill="none" stroke="{LINE_COLOR}" stroke-width="2.5" '
        f'points="{path}"/>' + dots + "</svg>"
    )


def stacked_bars(days: Sequence[str], series: dict[str, Sequence[int]], *, label: str) -> str:
    """One bar per day, stacked by series (e.g. verbs), with a legend."""
    totals = [sum(s[i] for s in series.values()) for i in range(len(days))]
    if not days or not any(totals):
        return f'<p class="empty">{escape(label)}: nothing executed in the period</p>'
    top = max(totals)
    span_w = (W - PAD_L - PAD_R) / len(days)
    bar_w = max(span_w * 0.7, 1.0)
    parts = [_open(label), _axes(top, 0, days[0], days[-1])]
    for i, day in enumerate(days):
        base = float(H - PAD_B)
        for name, values in series.items():
            if not values[i]:
                continue
            h = (H - PAD_T - PAD_B) * values[i] / top
            base -= h
            x = PAD_L + span_w * i + (span_w - bar_w) / 2
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE.get(name, "#64748b")}">'
                f"<title>{escape(day)} {escape(name)}: {values[i]}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts) + legend(list(series))


def legend(names: Sequence[str]) -> str:
    items = "".join(
        f'<span class="key"><i style="background:{PALETTE.get(n, "#64748b")}"></i>'
        f"{escape(n)}</span>"
        for n in names
    )
    return f'<div class="legend">{items}</div>'


def phase_strip(phases: Sequence[dict[str, str]], *, label: str) -> str:
    """A band of colour per day, one colour per phase, with the phase names."""
    if not phases:
        return ""
    names = list(dict.fromkeys(p["phase"] for p in phases))
    colors = {
        n: NAMED_PHASES.get(n, PHASE_COLORS[i % len(PHASE_COLORS)]) for i, n in enumerate(names)
    }
    w = 100 / len(phases)
    cells = "".join(
        f'<rect class="phase" x="{i * w:.3f}" y="0" width="{w + 0.05:.3f}" height="10" '
        f'fill="{colors[p["phase"]]}"><title>{escape(p["date"])}: {escape(p["phase"])}'
        "</title></rect>"
        for i, p in enumerate(phases)
    )
    keys = "".join(
        f'<span class="key"><i style="background:{colors[n]}"></i>{escape(n)}</span>' for n in names
    )
    return (
        f'<svg class="strip" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{cells}</svg>'
        f'<div class="legend">{keys}</div>'
    )

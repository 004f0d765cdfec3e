"""The terminal rendering of ``socialseed status``: a table, then each account's notes.

Apart from the other reports (``report_text``), so that ``status`` loads only rich's console
and table, not the charts and the growth and discovery texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from socialseed.clock import iso
from socialseed.model.status import StatusRow
from socialseed.report.terminal import clean, one_line

LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red"}


def render_status(console: Console, rows: Sequence[StatusRow], now: datetime) -> None:
    """One table (compact enough for 80 columns), then day N and the reasons behind each light."""
    table = Table(title=f"SocialSeed status at {iso(now)}", show_lines=True)
    for name in ("account", "phase", "today used/cap", "health", "pause/lock", "last apply"):
        table.add_column(name, no_wrap=name in ("account", "health", "last apply"))
    for row in rows:
        light = row.health.light.value
        table.add_row(
            escape(one_line(row.account))
            + ("" if row.enabled else " (off)")
            + f"\n[dim]{escape(one_line(row.platform))}[/]",
            f"{row.phase}\nday {row.phase_day}"
            + (f"/{row.phase_days}" if row.phase_days else "")
            + (" (lowered)" if row.phase_overridden else ""),
            _budget_text(row),
            f"[{LIGHT_STYLE[light]}]{light}[/]",
            "\n".join(t for t in ("paused" if row.pause else "", "locked" if row.lock else "") if t)
            or "-",
            row.last_apply.strftime("%m-%d %H:%M") if row.last_apply else "never",
        )
    console.print(table)
    for row in rows:
        notes = [row.day_text(now.date())]
        notes += [f"{row.health.light.value}: " + "; ".join(row.health.reasons)]
        notes += [t for t in (row.pause, row.lock) if t]
        notes += [use.text() for use in row.shared]
        if row.unanswered:
            notes.append(f"{row.unanswered} unanswered message(s): see 'socialseed inbox'")
        if row.runway and row.runway.note not in row.health.reasons:
            notes.append(row.runway.note)
        for note in notes:
            console.print(f"  {clean(row.account)}: {clean(note)}", markup=False, highlight=False)


def _budget_text(row: StatusRow) -> str:
    lines = []
    for b in row.budget:
        cap = str(b.cap) if b.cap is not None else "-"
        lines.append(f"{b.verb} {b.used}/{cap}")
    return "\n".join(lines) or "-"

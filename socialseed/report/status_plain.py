"""``status``'s table and notes as text, byte for byte what ``status_text`` makes rich print
where rich writes no terminal codes, without importing rich (a third of ``status``'s start-up).

Rich writes plain text when its console is not a terminal (stdout redirected or piped, as in a
cron job, a CI log or ``status | grep``, and no ``FORCE_COLOR`` or ``TTY_COMPATIBLE``). For
such a console, and a table that fits its width (no cell is wrapped), whose text is printable
ASCII without markup, emoji codes, tabs or edge spaces, ``plain_status`` draws it as rich does:
each column as wide as its widest line plus one space each side, ``HEAVY_HEAD`` box lines, a
line between rows, the title flush left above (the console soft-wraps), then the notes as they
are. For anything else it answers ``None`` and ``status_text`` renders with rich; a test draws
generated rows both ways and compares them.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import TextIO

from socialseed.clock import iso
from socialseed.model.status import StatusRow
from socialseed.report.terminal import clean, one_line

HEADERS = ("account", "phase", "today used/cap", "health", "pause/lock", "last apply")
# rich.box.HEAVY_HEAD: top, header row, header rule, body row, row rule, bottom
TOP, HEAD, HEAD_RULE = ("┏", "━", "┳", "┓"), "┃", ("┡", "━", "╇", "┩")
BODY, ROW_RULE, BOTTOM = "│", ("├", "─", "┼", "┤"), ("└", "─", "┴", "┘")
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
_EMOJI_CODE = re.compile(r":\S*?:")  # what rich may read as an emoji code (`:smile:`)
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word
NO_WRAP = (0, 3, 5)  # account, health, last apply: status_text's no_wrap columns
_MARKUP = re.compile(r"[\[\]\\]")  # what rich may read as markup or an escape


def plain_width(env: Mapping[str, str], stdout: TextIO) -> int | None:
    """The width rich's console gives ``stdout`` when it writes no terminal codes there, or
    ``None``: a terminal (or a console told it is one), which rich draws for."""
    if "FORCE_COLOR" in env or "TTY_COMPATIBLE" in env or hasattr(builtins, "get_ipython"):
        return None  # told it is a terminal, or a notebook
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    isatty = getattr(stdout, "isatty", None)
    try:
        if isatty is not None and isatty():
            return None
    except ValueError:
        pass  # a closed file: rich says "not a terminal"
    if not (getattr(stdout, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None  # rich draws ASCII boxes
    columns, lines = env.get("COLUMNS"), env.get("LINES")
    if columns is not None and columns.isdigit() and lines is not None and lines.isdigit():
        return int(columns)
    width: int | None = None
    for fd in (0, 1, 2):  # rich asks each standard stream for a terminal's size
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


def plain_status(rows: Sequence[StatusRow], now: datetime, width: int) -> str | None:
    """What ``status_text.render_status`` prints on a plain console ``width`` wide, or ``None``
    when only rich can say (see the module's text)."""
    if not rows:
        return None
    cells = [list(HEADERS)]
    for row in rows:
        found = _cells(row)
        if found is None:
            return None
        cells.append(found)
    grid = [[cell.split("\n") for cell in line] for line in cells]
    for line in grid:
        for cell in line:
            if not all(_plain_cell_line(text) for text in cell):
                return None
    widths = _widths(grid, width - (len(HEADERS) + 1))
    if widths is None:
        return None
    drawn: list[list[list[str]]] = []
    for line in grid:
        drawn.append([])
        for n, cell in enumerate(line):
            lines = cell if n in NO_WRAP else _wrapped(cell, widths[n])
            if lines is None:
                return None
            drawn[-1].append(lines)
    out = [f"SocialSeed status at {iso(now)}", _rule(TOP, widths)]
    out += _row(drawn[0], widths, HEAD, header=True)
    out.append(_rule(HEAD_RULE, widths))
    for n, line in enumerate(drawn[1:]):
        if n:
            out.append(_rule(ROW_RULE, widths))
        out += _row(line, widths, BODY)
    out.append(_rule(BOTTOM, widths))
    for row in rows:
        for note in notes(row, now):
            text = f"  {clean(row.account)}: {clean(note)}"
            if not _PRINTABLE.fullmatch(text) or (_EMOJI_CODE.search(text) and _emoji(text)):
                return None
            out.append(text)
    return "\n".join(out) + "\n"


def _cells(row: StatusRow) -> list[str] | None:
    """The text of each cell, as rich shows it (``status_text`` writes it as markup)."""
    for text in (row.account, row.platform, row.phase):
        if _MARKUP.search(text):
            return None  # markup or escapes: rich's to read
    pause_lock = [t for t in ("paused" if row.pause else "", "locked" if row.lock else "") if t]
    budget = [f"{b.verb} {b.used}/{b.cap if b.cap is not None else '-'}" for b in row.budget]
    return [
        one_line(row.account) + ("" if row.enabled else " (off)") + f"\n{one_line(row.platform)}",
        f"{row.phase}\nday {row.phase_day}"
        + (f"/{row.phase_days}" if row.phase_days else "")
        + (" (lowered)" if row.phase_overridden else ""),
        "\n".join(budget) or "-",
        row.health.light.value,
        "\n".join(pause_lock) or "-",
        row.last_apply.strftime("%m-%d %H:%M") if row.last_apply else "never",
    ]


def _widths(grid: list[list[list[str]]], room: int) -> list[int] | None:
    """Each column's width inside its padding, as rich's table works it out to fit ``room``
    (the console's width less the borders), or ``None`` if rich would crop a cell."""
    natural = [
        min(max(len(text) for line in grid for text in line[n]) + 2, room)
        for n in range(len(HEADERS))
    ]
    widths = natural
    if sum(widths) > room:
        widths = _collapse(widths, [n not in NO_WRAP for n in range(len(HEADERS))], room)
        if sum(widths) > room:
            return None  # rich would shrink every column, no-wrap ones too
    if any(w < 3 for w in widths):
        return None
    inside = [w - 2 for w in widths]
    for n in NO_WRAP:
        if max(len(text) for line in grid for text in line[n]) > inside[n]:
            return None
    return inside


def _collapse(widths: list[int], wrapable: list[bool], room: int) -> list[int]:
    """``rich.table.Table._collapse_widths``: the widest wrapable columns narrowed first."""
    total = sum(widths)
    excess = total - room
    while total and excess > 0:
        widest = max(w for w, wrap in zip(widths, wrapable, strict=True) if wrap)
        second = max(
            w if wrap and w != widest else 0 for w, wrap in zip(widths, wrapable, strict=True)
        )
        ratios = [
            1 if w == widest and wrap else 0 for w, wrap in zip(widths, wrapable, strict=True)
        ]
        if not any(ratios) or widest == second:
            break
        most = min(excess, widest - second)
        widths = _ratio_reduce(excess, ratios, most, widths)
        total = sum(widths)
        excess = total - room
    return widths


def _ratio_reduce(total: int, ratios: list[int], most: int, values: list[int]) -> list[int]:
    """``rich._ratio.ratio_reduce`` with one maximum for every slot."""
    total_ratio = sum(ratios) if most else 0
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for ratio, value in zip(ratios, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            out.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _wrapped(cell: list[str], width: int) -> list[str] | None:
    """A cell's lines word-wrapped to ``width`` as rich wraps them (``rich._wrap.divide_line``),
    or ``None`` where rich would fold or crop a word longer than a line."""
    out: list[str] = []
    for text in cell:
        breaks, offset = [], 0
        for word in _WORD.finditer(text):
            length = len(word.group().rstrip())
            if length > width:
                return None
            if width - offset >= length:
                offset += len(word.group())
            elif offset and word.start():
                breaks.append(word.start())
                offset = len(word.group())
        out += [text[a:b].rstrip() for a, b in pairwise([0, *breaks, len(text)])]
    return out


def _plain_cell_line(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and "  " not in text
        and _PRINTABLE.fullmatch(text) is not None
        and not _EMOJI_CODE.search(text)
        and not _MARKUP.search(text)
    )


def _emoji(text: str) -> bool:
    """Does rich turn an emoji code in ``text`` into an emoji?"""
    from rich._emoji_replace import _emoji_replace  # only for text with `:name:` in it

    return _emoji_replace(text) != text


def notes(row: StatusRow, now: datetime) -> list[str]:
    """The lines under the table for ``row``: day N, the light's reasons, pause, lock, shared
    budgets, unanswered messages, a short runway."""
    notes = [row.day_text(now.date())]
    notes += [f"{row.health.light.value}: " + "; ".join(row.health.reasons)]
    notes += [t for t in (row.pause, row.lock) if t]
    notes += [use.text() for use in row.shared]
    if row.unanswered:
        notes.append(f"{row.unanswered} unanswered message(s): see 'socialseed inbox'")
    if row.runway and row.runway.note not in row.health.reasons:
        notes.append(row.runway.note)
    return notes


def _rule(box: tuple[str, str, str, str], widths: Sequence[int]) -> str:
    left, line, cross, right = box
    return left + cross.join(line * (w + 2) for w in widths) + right


def _row(
    cells: Sequence[Sequence[str]], widths: Sequence[int], bar: str, *, header: bool = False
) -> list[str]:
    """One row's lines: cells at the top (the header's at the bottom), padded with blanks."""
    height = max(len(cell) for cell in cells)
    blank = [[""] * (height - len(cell)) for cell in cells]
    stacked = [[*b, *c] if header else [*c, *b] for b, c in zip(blank, cells, strict=True)]
    return [
        bar + bar.join(f" {cell[n]:<{w}} " for cell, w in zip(stacked, widths, strict=True)) + bar
        for n in range(height)
    ]

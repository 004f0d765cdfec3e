"""``status``'s table drawn without rich (``report.status_plain``) is rich's, byte for byte.

Generated rows (odd names, markup, emoji codes, long reasons, many verbs) on consoles of many
widths: wherever the plain renderer answers, its text must be what ``status_text`` makes rich
print on a console that writes no terminal codes; where it declines, rich draws (and the
command's output is rich's).
"""

from __future__ import annotations

import io
import os
import pty
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialseed.cli.console import PipeConsole
from socialseed.model.health import Health, Light, Runway
from socialseed.model.status import SharedUse, StatusRow, VerbBudget
from socialseed.report.status_plain import plain_status, plain_width
from socialseed.report.status_text import render_status

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
VERBS = ["follow", "hide_comment", "like", "unfollow", "reply"]
WORDS = ["follow", "hide_comment", "no", "attempts;", "7", "days", "x", "a-very-long-word-indeed"]


def rich_text(rows: list[StatusRow], width: int) -> str:
    out = io.StringIO()
    console = PipeConsole(file=out, width=width, highlight=False, soft_wrap=True)
    render_status(console, rows, NOW)
    return out.getvalue()


def health(light: str, reasons: tuple[str, ...]) -> Health:
    return Health(Light(light), reasons, 15, 1, 0, 0, 30, 9, 12)


def row(
    account: str = "demo-studio",
    *,
    phase: str = "growth",
    verbs: tuple[str, ...] = ("follow", "hide_comment", "like", "reply"),
    light: str = "green",
    reasons: tuple[str, ...] = ("no attempts", "no block signals in 7 days"),
    pause: str = "",
    lock: str = "",
    enabled: bool = True,
    last_apply: datetime | None = None,
    phase_days: int | None = 14,
    unanswered: int | None = None,
    runway: Runway | None = None,
    shared: tuple[SharedUse, ...] = (SharedUse("writes per day", 1000, 86400, 12),),
) -> StatusRow:
    return StatusRow(
        account=account,
        platform="sandbox",
        handle="demo.studio",
        enabled=enabled,
        phase=phase,
        phase_day=3,
        phase_days=phase_days,
        phase_overridden=phase_days == 7,
        budget=tuple(VerbBudget(v, 10 * n or None, n, 5) for n, v in enumerate(verbs)),
        health=health(light, reasons),
        pause=pause,
        lock=lock,
        last_apply=last_apply,
        shared=shared,
        day_one=date(2026, 11, 20) if phase_days else None,
        day_one_from="start_date",
        unanswered=unanswered,
        runway=runway,
    )


DEMO = [
    row(),
    row("demo-cafe", verbs=("follow", "like", "unfollow"), phase_days=None, pause="paused: x"),
]


@pytest.mark.parametrize("width", [76, 77, 78, 80, 81, 90, 100, 140])
def test_the_demo_table_is_drawn_without_rich_as_rich_draws_it(width: int) -> None:
    plain = plain_status(DEMO, NOW, width)

    assert plain is not None  # no rich needed (below 85 columns: wrapped; below 78 the header too)
    assert plain == rich_text(DEMO, width)


def test_what_only_rich_can_draw_is_left_to_it() -> None:
    assert plain_status([row("[bold]x[/]")], NOW, 100) is None  # markup
    assert plain_status([row("caf\u00e9")], NOW, 100) is None  # not ASCII: cell widths
    assert plain_status([row(reasons=("a :smile: here",))], NOW, 100) is None  # an emoji
    assert plain_status([row(phase="a-very-long-phase-name-indeed")], NOW, 40) is None  # folded
    assert plain_status(DEMO, NOW, 30) is None  # even no-wrap columns shrink
    times = row(pause="paused until 2026-12-10T14:00:00Z: warning")  # `:00:` is no emoji
    assert plain_status([times], NOW, 100) == rich_text([times], 100)


text = st.lists(st.sampled_from([*"ab-_:. [/]\\\u00e9\t", "ok", "x:y:"]), max_size=8).map("".join)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@st.composite
def rows(draw: st.DrawFn, odd: bool) -> list[StatusRow]:
    """1-3 rows; ``odd``: names and texts of any sort, else of words (the usual tables)."""
    made = []
    any_text = text if odd else words
    for n in range(draw(st.integers(1, 3))):
        made.append(
            row(
                draw(st.one_of(st.just(f"acct-{n}"), any_text.filter(bool))),
                phase=draw(st.one_of(words, any_text.filter(bool))),
                verbs=tuple(draw(st.lists(st.sampled_from(VERBS), max_size=5))),
                light=draw(st.sampled_from(["green", "yellow", "red"])),
                reasons=tuple(draw(st.lists(st.one_of(words, any_text), max_size=3))),
                pause=draw(st.one_of(st.just(""), words)),
                lock=draw(st.one_of(st.just(""), words)),
                enabled=draw(st.booleans()),
                last_apply=draw(st.one_of(st.none(), st.just(NOW))),
                phase_days=draw(st.one_of(st.none(), st.integers(1, 90))),
                unanswered=draw(st.one_of(st.none(), st.integers(0, 3))),
                runway=draw(st.one_of(st.none(), words.map(lambda w: Runway(1.5, w)))),
                shared=(),
            )
        )
    return made


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.booleans().flatmap(rows), st.integers(20, 160))
def test_generated_tables_match_rich_wherever_drawn_without_it(
    made: list[StatusRow], width: int
) -> None:
    plain = plain_status(made, NOW, width)

    if plain is not None:
        assert plain == rich_text(made, width)


def test_the_plain_width_is_the_console_width_rich_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    assert plain_width({"COLUMNS": "93"}, piped) == 93
    assert plain_width({"COLUMNS": "93", "FORCE_COLOR": ""}, piped) is None  # rich's to say
    assert plain_width({"COLUMNS": "93", "TTY_COMPATIBLE": "0"}, piped) is None
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: (_ for _ in ()).throw(OSError()))
    assert plain_width({}, piped) == 80
    assert PipeConsole(file=piped).width == 80
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8") as terminal:
        assert plain_width({"COLUMNS": "93"}, terminal) is None  # rich colours a terminal
    os.close(leader)

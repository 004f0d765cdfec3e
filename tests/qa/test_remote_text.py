"""Text that a platform controls (handles, reasons quoting them) is printed literally: rich
markup in it never crashes a command, and terminal control sequences are shown, not obeyed."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialseed.config.load import load_config
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.report.terminal import clean
from socialseed.state.db import open_state
from tests.apply.fakes import approve, plan_for
from tests.apply.sandbox_setup import T0, Setup, build
from tests.qa.harness import in_setup as run

HOSTILE = "ev[/]il[bold red]x\x1b]0;owned\x07\x1b[2J"


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    made = build(tmp_path, accounts=("alpha",), follows=1, size=200)
    target = Target(kind="account", id="u999999", handle=HOSTILE)
    action = Action(
        id=action_id("alpha", "follow", target),
        account="alpha",
        platform="sandbox",
        verb=Verb.FOLLOW,
        target=target,
        reason=f"found via {HOSTILE}",
        risk=Risk.GREEN,
    )
    plan = plan_for(load_config(made.config_path), [action], now=T0)
    db = open_state(made.state_path)
    approve(db, plan, [action], now=T0)
    db.conn.close()
    made.plan_path.write_text(plan.to_json())
    return made


def test_clean_shows_control_characters() -> None:
    assert clean("a\x1b[2Jb\x07\tc\nd") == "a\\x1b[2Jb\\x07\tc\nd"


def test_apply_and_log_print_hostile_handles_literally(setup: Setup) -> None:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    for args in (("apply", plan, "-c", cfg, "--dry-run"), ("apply", plan, "-c", cfg, "--yes")):
        result = run(setup, *args)
        assert result.code in {0, 1} and "internal error" not in result.err, result
        assert "ev[/]il[bold red]x\\x1b]0;owned\\x07" in result.text, result
        assert "\x1b" not in result.text and "\x07" not in result.text
    log = run(setup, "log", COLUMNS="400")
    assert log.code == 0 and "ev[/]il[bold red]x" in log.out
    assert "\x1b" not in log.text


def test_the_review_card_shows_a_hostile_profile_literally() -> None:
    from rich.console import Console

    from socialseed.model import Profile
    from socialseed.report.review_card import profile_lines

    profile = Profile("sandbox", "u1", HOSTILE, display_name=HOSTILE, bio=f"bio {HOSTILE}")
    console = Console(record=True, width=200, force_terminal=False)
    for line in profile_lines(profile, T0):
        console.print(line)
    text = console.export_text()
    assert "ev[/]il[bold red]x\\x1b]0;owned\\x07" in text and "bio ev[/]il" in text
    assert "\x1b" not in text and "\x07" not in text


def test_show_prints_hostile_handles_and_reasons_literally(setup: Setup) -> None:
    for args in (("show", str(setup.plan_path)), ("show", str(setup.plan_path), "-v")):
        result = run(setup, *args)
        assert result.code == 0, result
        assert "@ev[/]il[bold red]x\\x1b]0;owned\\x07" in result.out
        assert "\x1b" not in result.text and "\x07" not in result.text
    markdown = run(setup, "show", str(setup.plan_path), "-f", "markdown")
    assert markdown.code == 0 and "\x1b" not in markdown.out
    assert "ev\\[/\\]il\\[bold red\\]x" in markdown.out  # shown as text, escaped

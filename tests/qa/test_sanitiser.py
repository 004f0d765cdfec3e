"""Every output shows the hostile profile set harmlessly: terminal text (plan, show, review list,
card and details, apply, log, status, sync, report, errors), Markdown (plan comment, report),
HTML (report), CSV (log) and JSON (plan, review list, log, report: the data kept exactly)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from socialseed.config.load import load_config
from socialseed.model.plan import AccountPlan, Plan
from socialseed.report import terminal
from socialseed.state.db import open_state
from tests.apply.fakes import approve, plan_for
from tests.apply.sandbox_setup import T0, Setup, build
from tests.qa import hostile
from tests.qa.harness import in_setup as run
from tests.qa.hostile import (
    HOSTILE,
    assert_html_safe,
    assert_markdown_safe,
    assert_terminal_safe,
    everything,
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    tmp = tmp_path_factory.mktemp("hostile")
    made = build(tmp, accounts=("alpha",), follows=1, size=200)
    cfg = load_config(made.config_path)
    actions = hostile.actions()
    base = plan_for(cfg, actions, now=T0)
    part = replace(base.accounts[0], notes=(f"note {everything()}",))
    plan = Plan(
        base.actions,
        created_at=base.created_at,
        expires_at=base.expires_at,
        config_sha256=base.config_sha256,
        accounts=[part],
        notes=[f"plan note {everything()}"],
    )
    db = open_state(made.state_path)
    approve(db, plan, actions[:4], now=T0)  # the rest stays pending for review --list
    db.conn.close()
    made.plan_path.write_text(plan.to_json())
    made.plan = plan
    ran = run(made, "apply", str(made.plan_path), "-c", str(made.config_path), "--yes")
    assert ran.code in {0, 1}, ran  # hostile targets do not exist: failures are journalled
    return made


def wide(setup: Setup, *args: str, **env: str) -> str:
    result = run(setup, *args, COLUMNS="400", **env)
    assert result.code in {0, 1, 2}, result
    assert "internal error" not in result.text, result
    return result.text


# -- the sanitiser itself ------------------------------------------------------------------------
def test_clean_shows_each_hostile_character_as_a_visible_escape() -> None:
    assert terminal.clean("a\x1b[2Jb\x9b1m\u202ec\u200bd\U000e0041\tok\n") == (
        "a\\x1b[2Jb\\x9b1m\\u202ec\\u200bd\\U000e0041\tok\n"
    )
    for text in HOSTILE.values():
        assert_terminal_safe(terminal.clean(text))


def test_markdown_breaks_mentions_and_escapes_markup() -> None:
    assert terminal.markdown("hi @torvalds <b>x</b> [a](b)") == (
        "hi @\u2060torvalds &lt;b&gt;x&lt;/b&gt; \\[a\\](b)"
    )
    assert_markdown_safe(terminal.markdown(everything()))


def test_json_text_keeps_the_data_and_escapes_what_a_terminal_would_obey() -> None:
    data = {"t": everything() + "\U000e0041\ud800"}
    text = terminal.json_text(json.dumps(data, ensure_ascii=False))
    assert_terminal_safe(text)
    assert json.loads(text) == data


# -- plan and show -------------------------------------------------------------------------------
@pytest.mark.parametrize("flags", [(), ("-v",)])
def test_show_text(setup: Setup, flags: tuple[str, ...]) -> None:
    text = wide(setup, "show", str(setup.plan_path), *flags)
    assert_terminal_safe(text)
    assert "@h6ping @torvalds" in text  # shown (the terminal pings nobody)
    assert "\\x1b]8;;https://evil.example/steal" in text  # the link shown, not made
    assert "user\\u202egnp.exe" in text


@pytest.mark.parametrize("profiles", [False, True])
def test_show_markdown(setup: Setup, profiles: bool) -> None:
    flags = ("--include-profiles",) if profiles else ()
    result = run(setup, "show", str(setup.plan_path), "-f", "markdown", *flags)
    assert result.code == 0, result
    assert_markdown_safe(result.out)
    assert "@\u2060torvalds" in result.out
    assert ("bio " in result.out) is profiles


def test_show_and_plan_json_keep_the_data(setup: Setup) -> None:
    result = run(setup, "show", str(setup.plan_path), "-f", "json", "--include-profiles")
    assert result.code == 0, result
    assert_terminal_safe(result.out)
    data = json.loads(result.out)
    handles = {a["target"]["handle"] for a in data["actions"]}
    assert handles == {a.target.handle for a in setup.plan.actions}
    bios = {a["profile"]["bio"] for a in data["actions"]}
    assert f"bio {HOSTILE['bidi']}" in bios


def test_plan_output_file_is_terminal_safe_and_faithful(setup: Setup, tmp_path: Path) -> None:
    from socialseed.report.plan_render import render_json

    text = render_json(setup.plan, include_profiles=True)
    assert_terminal_safe(text)
    assert Plan.from_json(text).checksum == setup.plan.checksum


# -- review ------------------------------------------------------------------------------------
def test_review_list(setup: Setup) -> None:
    text = wide(setup, "review", str(setup.plan_path), "-c", str(setup.config_path), "--list")
    assert_terminal_safe(text)
    assert "@h9[link=https://evil.example]x[/link]" in text  # markup shown, no link made


def test_review_list_json(setup: Setup) -> None:
    cfg = str(setup.config_path)
    result = run(setup, "review", str(setup.plan_path), "-c", cfg, "--list", "--json")
    assert result.code == 0, result
    assert_terminal_safe(result.out)
    pending = json.loads(result.out)["pending"]
    assert {p["target"]["handle"] for p in pending} <= {a.target.handle for a in setup.plan.actions}


def _cards(setup: Setup) -> str:
    from socialseed.model.review import Card, Gate, Progress
    from socialseed.report.review_card import card, details

    console = Console(record=True, width=200, file=open_null())
    progress = Progress(total=1, reviewed=0, approved=0, rejected=0, by_policy=0)
    gate = Gate(requires_human=True, bulk_ok=False, rule=f"rule {HOSTILE['osc8']}")
    for action in setup.plan.actions:
        view = Card(action, 1, 1, progress, None, gate, T0)
        console.print(card(view))
        console.print(details(view))
    return console.export_text()


def open_null() -> Any:
    import io

    return io.StringIO()


def test_review_card_and_details(setup: Setup) -> None:
    text = _cards(setup)
    assert_terminal_safe(text)
    assert "bio vis\\x1b[8mHIDDEN" in text  # the full bio in details, escapes visible
    assert "post c1\\x9b31mRED" in text  # the liked post's text on the like card


def test_like_card_without_the_post_text_says_why() -> None:
    from socialseed.model.review import Card, Gate, Progress
    from socialseed.report.review_card import card

    like = next(a for a in hostile.actions() if a.verb.value == "like")
    bare = replace(like, profile=None)
    console = Console(record=True, width=200, file=open_null())
    gate = Gate(requires_human=True, bulk_ok=False, rule="")
    console.print(card(Card(bare, 1, 1, Progress(1, 0, 0, 0, 0), None, gate, T0)))
    assert "its text is not in this plan" in console.export_text()


# -- apply and log -----------------------------------------------------------------------------
def test_apply_dry_run(setup: Setup) -> None:
    text = wide(setup, "apply", str(setup.plan_path), "-c", str(setup.config_path), "--dry-run")
    assert_terminal_safe(text)


def test_log_text_and_csv(setup: Setup) -> None:
    text = wide(setup, "log")
    assert "\\x1b" in text
    assert_terminal_safe(text)
    csv_out = wide(setup, "log", "--csv")
    assert "\\x1b[8mHIDDEN" in csv_out
    assert_terminal_safe(csv_out)


def test_log_json_keeps_the_data(setup: Setup) -> None:
    result = run(setup, "log", "--json")
    assert result.code == 0, result
    assert_terminal_safe(result.out)
    targets = " ".join(str(e["target"]) for e in json.loads(result.out))
    assert HOSTILE["ansi_hide"] in targets and HOSTILE["c1_csi"] in targets


# -- status, sync, report --------------------------------------------------------------------
def test_status_with_hostile_pause_reason(setup: Setup, tmp_path: Path) -> None:
    state = str(tmp_path / "status.sqlite")
    paused = run(setup, "pause", "alpha", "--reason", everything(), SOCIALSEED_STATE=state)
    assert paused.code == 0, paused
    assert_terminal_safe(paused.text)
    text = wide(setup, "status", "-c", str(setup.config_path), SOCIALSEED_STATE=state)
    assert "\\u202e" in text
    assert_terminal_safe(text)
    data = run(setup, "status", "-c", str(setup.config_path), "--json", SOCIALSEED_STATE=state)
    assert_terminal_safe(data.out)
    assert HOSTILE["bidi"] in json.dumps(json.loads(data.out), ensure_ascii=False)


def test_sync_renders_hostile_notes_and_names() -> None:
    from socialseed.report.report_text import render_sync

    console = Console(record=True, width=300, file=open_null())
    row = {
        "account": f"acct {HOSTILE['rich']}",
        "followers": 1,
        "followers_change": 0,
        "following": 1,
        "new_follow_backs": 0,
        "drift": {"followed": [], "unfollowed": []},
        "health": {"light": "green"},
        "notes": [f"note {everything()}"],
    }
    render_sync(console, [row])
    text = console.export_text()
    assert_terminal_safe(text)
    assert "[link=https://evil.example]x[/link]" in text


def test_sync_error_that_echoes_remote_text(setup: Setup, tmp_path: Path) -> None:
    from socialseed.cli.main import print_error
    from socialseed.errors import PlatformError

    text = _captured_stderr(lambda: print_error(PlatformError(f"remote said {everything()}")))
    assert_terminal_safe(text)
    assert "remote said" in text


def _captured_stderr(call: Any) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        call()
    return buffer.getvalue()


def test_error_message_echoing_a_hostile_plan_ref(setup: Setup) -> None:
    result = run(setup, "show", f"p_{HOSTILE['osc8']}")
    assert result.code == 1, result
    assert_terminal_safe(result.text)


def _report(setup: Setup) -> dict[str, Any]:
    result = run(setup, "report", "-c", str(setup.config_path), "--format", "json")
    assert result.code == 0, result
    assert_terminal_safe(result.out)
    data: dict[str, Any] = json.loads(result.out)
    acct = data["accounts"][0]
    acct["account"] = f"alpha {everything()}"
    acct["platform"] = f"sandbox {HOSTILE['html']}"
    acct["health"]["reasons"] = [f"reason {everything()}"]
    return data


def test_report_text(setup: Setup) -> None:
    from socialseed.report.report_text import render_report

    console = Console(record=True, width=300, file=open_null())
    render_report(console, _report(setup))
    assert_terminal_safe(console.export_text())


def test_report_markdown(setup: Setup) -> None:
    from socialseed.report.report_text import report_markdown

    assert_markdown_safe(report_markdown(_report(setup)))


def test_report_html(setup: Setup) -> None:
    from socialseed.report.report_html import render_html

    page = render_html(_report(setup))
    assert_html_safe(page)
    assert "\\u202e" in page


def test_report_json_keeps_the_data(setup: Setup) -> None:
    from socialseed.cli.ops_cmd import _dumps

    data = _report(setup)
    text = _dumps(data)
    assert_terminal_safe(text)
    assert json.loads(text) == data


def test_account_plan_notes_in_every_plan_form(setup: Setup) -> None:
    part: AccountPlan = setup.plan.accounts[0]
    assert part.notes  # the check below would prove nothing without them
    text = wide(setup, "show", str(setup.plan_path))
    assert "note: note vis\\x1b[8mHIDDEN" in text and "note: plan note vis" in text

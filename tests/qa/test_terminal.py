"""NO_COLOR is honoured by every command, and nothing prompts without a terminal: review, apply
and auth login decide nothing and run nothing, whatever is waiting on stdin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.apply.sandbox_setup import Setup, build
from tests.qa.harness import assert_error, count_rows, invoke
from tests.qa.harness import in_setup as run

# SGR colour codes: 30-38 / 40-48 / 90-97 / 100-107 (bold, dim, italic are not colour)
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    made = build(tmp_path, accounts=("alpha",), follows=2, size=200)
    fresh = tmp_path / "fresh.sqlite"  # no decisions yet: every action is pending
    made.env.update(SOCIALSEED_STATE=str(fresh), SOCIALSEED_NO_INPUT="")
    return made


def rows(setup: Setup, table: str) -> int:
    return count_rows(setup.env["SOCIALSEED_STATE"], table)


def listing_commands(setup: Setup) -> list[tuple[str, ...]]:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    return [
        ("show", plan, "-v"),
        ("show", "--list"),
        ("review", plan, "-c", cfg, "--list"),
        ("apply", plan, "-c", cfg, "--dry-run"),
        ("status", "-c", cfg),
        ("sync", "-c", cfg),
        ("report", "-c", cfg),
        ("log",),
        ("usage",),
        ("platforms",),
        ("sandbox", "info"),
        ("auth", "status", "-c", cfg),
        ("validate", "-c", cfg),
    ]


def test_no_color_strips_colour_even_when_colour_is_forced(setup: Setup) -> None:
    forced = run(setup, "show", str(setup.plan_path), FORCE_COLOR="1", NO_COLOR="")
    assert COLOUR.search(forced.text), "the check below would prove nothing"
    for args in listing_commands(setup):
        state = str(setup.state_path)  # the one with approvals
        result = run(setup, *args, FORCE_COLOR="1", NO_COLOR="1", SOCIALSEED_STATE=state)
        assert result.code in {0, 2, 3, 4}, result
        assert not COLOUR.search(result.text), result


def test_review_without_a_terminal_decides_nothing(setup: Setup) -> None:
    for extra in ((), ("--no-input",)):
        result = run(setup, *extra, "review", str(setup.plan_path), "-c", str(setup.config_path),
                     stdin="a\na\ny\n")  # fmt: skip
        assert result.code == 1, result
        assert "not a terminal" in result.err and "--approve ID" in result.err
        assert "0 approved" in result.err
    assert rows(setup, "decisions") == 0


def test_apply_without_a_terminal_asks_for_yes(setup: Setup) -> None:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    setup.env["SOCIALSEED_STATE"] = str(setup.state_path)  # every action approved there
    assert rows(setup, "decisions") > 0
    for extra in ((), ("--no-input",)):
        result = run(setup, *extra, "apply", plan, "-c", cfg, stdin="y\nyes\n")
        assert_error(result, 1, "no terminal to ask on", "--yes", "--dry-run")
    assert rows(setup, "journal") == 0


def test_auth_login_without_a_terminal_never_opens_a_browser(tmp_path: Path) -> None:
    cfg = tmp_path / "socialseed.yaml"
    cfg.write_text(
        "version: 1\naccounts:\n"
        "  - {id: x-main, platform: x, handle: studio, phases: std, client_id: client-abc}\n"
        "  - {id: masto, platform: mastodon, handle: s, phases: std, instance: 'https://m.test'}\n"
        "phases:\n  std:\n    - {name: warmup, daily: {follow: 5}}\n"
    )
    env = {"SOCIALSEED_NO_INPUT": "", "SOCIALSEED_KEYRING": "off", "BROWSER": "false"}
    for account, variable in (("x-main", "SOCIALSEED_X_MAIN_TOKEN"), ("masto", "MASTO")):
        result = invoke("auth", "login", account, "-c", str(cfg), env=env, stdin="y\n")
        assert_error(result, 4, "no terminal", "--with-token", variable)
    empty = invoke("auth", "login", "x-main", "-c", str(cfg), "--with-token", env=env, stdin="")
    assert_error(empty, 4, "nothing was given on stdin")

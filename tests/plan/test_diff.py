"""``socialseed diff``: actions added, removed and changed between two plans, and the PR comment."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.model.plan import Plan
from socialseed.model.plan_diff import Change, diff_plans
from socialseed.report.diff_markdown import (
    LIMIT,
    Where,
    render_diff_markdown,
    render_failure_markdown,
)
from socialseed.report.diff_render import render_diff_text
from tests.conversations.corpus import HOSTILE_NAMES, HOSTILE_TEXTS
from tests.plan.test_render import action, make_plan
from tests.qa.hostile import (
    HOSTILE,
    LIVE_MENTION,
    assert_markdown_safe,
    assert_terminal_safe,
)

RUN = Where(
    sha="0123456789abcdef0123456789abcdef01234567",
    run_url="https://github.com/acme/config/actions/runs/42",
    run_id="42",
    repository="acme/config",
    plan_file="plan.json",
)
LIVE_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")  # a | not escaped by an odd run of backslashes


def small_change() -> tuple[Plan, Plan]:
    base = make_plan([action(1), action(2, risk=Risk.YELLOW), action(3)])
    head = make_plan(
        [action(1), replace(action(2, risk=Risk.RED), reason="now red"), action(4, Verb.LIKE)]
    )
    return base, head


def test_diff_by_stable_id_added_removed_changed_unchanged() -> None:
    base, head = small_change()
    made = diff_plans(base, head)
    assert [(c.change, c.action.target.handle, c.risk) for c in made.changes] == [
        (Change.CHANGED, "user2.example", Risk.RED),  # red first, whatever the change
        (Change.ADDED, "user4.example", Risk.GREEN),
        (Change.REMOVED, "user3.example", Risk.GREEN),
    ]
    assert made.changes[0].fields == ("reason", "risk", "risk_reasons")
    assert made.unchanged == 1
    assert [g.to_data() for g in made.groups()] == [
        {"account": "studio", "verb": "follow", "risk": "red", "added": 0, "removed": 0,
         "changed": 1},
        {"account": "studio", "verb": "follow", "risk": "green", "added": 0, "removed": 1,
         "changed": 0},
        {"account": "studio", "verb": "like", "risk": "green", "added": 1, "removed": 0,
         "changed": 0},
    ]  # fmt: skip


def test_a_new_position_in_the_plan_is_not_a_change() -> None:
    base = make_plan([action(1), action(2)])
    head = make_plan([action(1).with_seq(7), action(2).with_seq(3)])
    made = diff_plans(base, head)
    assert made.changes == ()
    assert made.unchanged == 2


def test_markdown_comment_exact() -> None:
    base, head = small_change()
    text = render_diff_markdown(diff_plans(base, head), RUN)
    assert text == (
        "<!-- socialseed-plan -->\n"
        "## SocialSeed plan diff\n"
        "\n"
        f"**1 added, 1 removed, 1 changed (1 red, 0 yellow, 2 green); 1 unchanged. Head plan "
        f"{head.id} (3 actions) against base plan {base.id} (3 actions).**\n"
        "\n"
        "commit `0123456789abcdef0123456789abcdef01234567` · "
        "[workflow run](https://github.com/acme/config/actions/runs/42) · "
        "[full plan: artifact `socialseed-plan`]"
        "(https://github.com/acme/config/actions/runs/42#artifacts)\n"
        "\n"
        "| account | verb | risk | added | removed | changed |\n"
        "|---|---|---|---|---|---|\n"
        "| studio | + follow | 🔴 red | 0 | 0 | 1 |\n"
        "| studio | + follow | 🟢 green | 0 | 1 | 0 |\n"
        "| studio | ♥ like | 🟢 green | 1 | 0 | 0 |\n"
        "\n"
        "**Review and apply** (nothing runs until a person approves):\n"
        "\n"
        "```sh\n"
        "gh run download 42 -R acme/config -n socialseed-plan\n"
        "socialseed review plan.json\n"
        "socialseed apply plan.json\n"
        "```\n"
        "\n"
        "### 🔴 red: 1\n"
        "\n"
        "| change | account | verb | target | why | id |\n"
        "|---|---|---|---|---|---|\n"
        "| ~ changed | studio | + follow | @\u2060user2.example | reason, risk, risk\\_reasons "
        f"changed (was yellow): now red | `{head.actions[1].id}` |\n"
        "\n"
        "### 🟢 green: 2\n"
        "\n"
        "| change | account | verb | target | why | id |\n"
        "|---|---|---|---|---|---|\n"
        "| + added | studio | ♥ like | @\u2060user4.example | found via hashtag:film (film) "
        f"\\| number 4 | `{head.actions[2].id}` |\n"
        "| − removed | studio | + follow | @\u2060user3.example | found via hashtag:film (film) "
        f"\\| number 3 | `{base.actions[2].id}` |\n"
        "\n"
    )


def test_no_change_says_so_and_without_ci_names_the_saved_plan() -> None:
    base = make_plan([action(1)])
    text = render_diff_markdown(diff_plans(base, base), Where())
    assert text == (
        "<!-- socialseed-plan -->\n## SocialSeed plan diff\n\n"
        f"**No change to the plan: head plan {base.id} proposes the same 1 action(s) as base "
        f"plan {base.id}.**\n\n"
        "**Review and apply** (nothing runs until a person approves):\n\n```sh\n"
        f"socialseed review {base.id}\nsocialseed apply {base.id}\n```\n\n"
    )


def test_text_lines_red_first() -> None:
    base, head = small_change()
    lines = render_diff_text(diff_plans(base, head))
    assert lines[-3:] == [
        f"~ [red] studio + follow @user2.example {head.actions[1].id}  reason, risk, "
        "risk_reasons changed (was yellow): now red",
        f"+ [green] studio ♥ like @user4.example {head.actions[2].id}  found via "
        "hashtag:film (film) | number 4",
        f"- [green] studio + follow @user3.example {base.actions[2].id}  found via "
        "hashtag:film (film) | number 3",
    ]


# -- a 500-action change with hostile remote text --------------------------------------------------
def hostile_action(i: int, risk: Risk, account: str) -> Action:
    texts = [*HOSTILE.values(), *HOSTILE_TEXTS]
    handle = f"h{i}" + HOSTILE_NAMES[i % len(HOSTILE_NAMES)]
    target = Target(kind="account", id=f"u{i}", handle=handle)
    verb = Verb.FOLLOW if i % 3 else Verb.LIKE
    return Action(
        id=action_id(account, verb.value, target),
        account=account,
        platform="sandbox",
        verb=verb,
        target=target,
        reason=f"found via {texts[i % len(texts)]}",
        risk=risk,
        risk_reasons=(f"bio says {texts[(i + 1) % len(texts)]}",) if risk is not Risk.GREEN else (),
        seq=i,
    )


def big_change(red: int, yellow: int, green: int) -> tuple[Plan, Plan]:
    risks = [Risk.RED] * red + [Risk.YELLOW] * yellow + [Risk.GREEN] * green
    actions = [
        hostile_action(i, risk, ("alpha", "beta", "gamma")[i % 3]) for i, risk in enumerate(risks)
    ]
    removed = actions[: len(actions) // 10]  # in the base only
    kept = actions[len(actions) // 10 : len(actions) // 5]  # in both, changed
    base = make_plan([*removed, *[replace(a, reason="before") for a in kept]])
    head = make_plan(actions[len(actions) // 10 :])
    return base, head


def assert_remote_text_inert(text: str) -> None:
    """The hostile corpus checks, on all but the line of links the comment itself makes."""
    ours = RUN.lines()[0]
    assert text.count(ours) == 1
    assert_markdown_safe(text.replace(ours, ""))


def assert_no_live_markup(text: str) -> None:
    """For rows without reasons (the hostile links are in the reasons): nothing live."""
    from markdown_it import MarkdownIt

    assert_terminal_safe(text)
    assert not LIVE_MENTION.search(text)
    rendered = MarkdownIt("commonmark").enable("table").render(text.replace(RUN.lines()[0], ""))
    assert not re.search(r"<(a|img|script)\b", rendered)


def assert_tables_whole(text: str) -> None:
    """Every change row has its six cells: no remote text opened or closed a cell."""
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`a_" in line]
    for row in rows:
        assert len(LIVE_PIPE.findall(row)) in (6, 7), row  # compact rows have no "why"


def test_500_action_change_fits_githubs_limit_with_every_red_and_yellow_row() -> None:
    base, head = big_change(red=40, yellow=160, green=300)
    made = diff_plans(base, head)
    assert len(made.changes) == 500
    text = render_diff_markdown(made, RUN)
    assert len(text) <= LIMIT
    risky = [c.action.id for c in made.changes if c.risk is not Risk.GREEN]
    assert len(risky) == 200
    assert all(f"`{i}`" in text for i in risky)
    shown_green = sum(
        1 for c in made.changes if c.risk is Risk.GREEN and f"`{c.action.id}`" in text
    )
    assert 0 < shown_green < 300
    assert (
        f"> {300 - shown_green} green row(s) not shown: the comment would pass GitHub's "
        "65,536-character limit. Every action is in the full plan artifact."
    ) in text
    assert "yellow row(s) not shown" not in text and "red row(s) not shown" not in text
    assert text.index("### 🔴 red: 40") < text.index("### 🟡 yellow: 160")
    assert text.index("### 🟡 yellow: 160") < text.index("### 🟢 green: 300")
    assert "gh run download 42 -R acme/config -n socialseed-plan" in text
    assert_remote_text_inert(text)
    assert_tables_whole(text)


def test_yellow_rows_go_only_when_red_and_yellow_do_not_fit() -> None:
    made = diff_plans(*big_change(red=60, yellow=440, green=0))
    text = render_diff_markdown(made, RUN)
    assert len(text) <= LIMIT
    assert all(f"`{c.action.id}`" in text for c in made.changes if c.risk is Risk.RED)
    assert "yellow row(s) not shown" in text
    assert "red row(s) not shown" not in text
    assert_tables_whole(text)


def test_red_rows_are_shortened_never_cut() -> None:
    made = diff_plans(*big_change(red=500, yellow=0, green=0))
    text = render_diff_markdown(made, RUN)
    assert len(text) <= LIMIT
    assert all(f"`{c.action.id}`" in text for c in made.changes)
    assert "> Rows shortened (no reasons) to fit GitHub's comment limit." in text
    assert_no_live_markup(text)
    assert_tables_whole(text)


# -- the failure comment -----------------------------------------------------------------------
def test_failure_comment_exact_with_hostile_log() -> None:
    log = "Error: bad\n```\n@torvalds <script>x</script>\x1b[2J\n"
    text = render_failure_markdown(4, log, RUN)
    assert text == (
        "<!-- socialseed-plan -->\n"
        "## SocialSeed plan failed: exit 4 (authentication needed)\n"
        "\n"
        "**No plan for this commit.** The earlier plan comment was replaced because it is "
        "stale. Next: set the secrets the config references (socialseed validate --env-vars) "
        "or reconnect the account.\n"
        "\n"
        "commit `0123456789abcdef0123456789abcdef01234567` · "
        "[workflow run](https://github.com/acme/config/actions/runs/42) · "
        "[full plan: artifact `socialseed-plan`]"
        "(https://github.com/acme/config/actions/runs/42#artifacts)\n"
        "\n"
        "<details open><summary>The end of the log</summary>\n"
        "\n"
        "````text\n"
        "Error: bad\n```\n@torvalds <script>x</script>\\x1b[2J\n"
        "````\n"
        "\n"
        "</details>\n"
    )
    assert_terminal_safe(text)


# -- the command -------------------------------------------------------------------------------
runner = CliRunner()
GITHUB = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/config",
    "GITHUB_RUN_ID": "42",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
}


@pytest.fixture
def plans(tmp_path: Path) -> tuple[Path, Path, Plan, Plan]:
    base, head = small_change()
    base_path, head_path = tmp_path / "base.json", tmp_path / "plan.json"
    base_path.write_text(base.to_json())
    head_path.write_text(head.to_json())
    return base_path, head_path, base, head


def test_cli_markdown_uses_githubs_variables(
    plans: tuple[Path, Path, Plan, Plan], state_path: Path
) -> None:
    base_path, head_path, base, head = plans
    result = runner.invoke(app, ["diff", str(base_path), str(head_path), "--markdown"], env=GITHUB)
    assert result.exit_code == 0, result.output
    assert result.stdout == render_diff_markdown(diff_plans(base, head), RUN)
    assert not state_path.exists()  # diff reads; it records nothing


def test_cli_json_and_sha_flag(plans: tuple[Path, Path, Plan, Plan]) -> None:
    base_path, head_path, base, head = plans
    result = runner.invoke(app, ["diff", str(base_path), str(head_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["base"] == base.id and data["head"] == head.id
    assert data["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "unchanged": 1,
        "by_risk": {"red": 1, "yellow": 0, "green": 2},
    }
    assert [c["change"] for c in data["changes"]] == ["changed", "added", "removed"]
    assert data["changes"][0]["before"]["risk"] == "yellow"
    result = runner.invoke(
        app, ["diff", str(base_path), str(head_path), "-f", "markdown", "--sha", "feedbee"]
    )
    assert "commit `feedbee`" in result.stdout


def test_cli_no_base_plan_and_saved_ids(plans: tuple[Path, Path, Plan, Plan]) -> None:
    _, head_path, _, head = plans
    result = runner.invoke(app, ["diff", "none", str(head_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 added, 0 removed, 0 changed (1 red, 0 yellow, 2 green)")
    assert runner.invoke(app, ["show", str(head_path)]).exit_code == 0  # now saved by id
    result = runner.invoke(app, ["diff", "none", head.id[:8]])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout


def test_cli_errors_are_clear(plans: tuple[Path, Path, Plan, Plan], tmp_path: Path) -> None:
    _, head_path, _, _ = plans
    result = runner.invoke(app, ["diff", str(head_path)])
    assert result.exit_code == 1
    assert "diff needs two plans: BASE and HEAD" in result.output
    result = runner.invoke(app, ["diff", str(tmp_path / "nope.json"), str(head_path)])
    assert result.exit_code == 1
    assert "nope.json: no such plan file" in result.output
    tampered = tmp_path / "tampered.json"
    tampered.write_text(head_path.read_text().replace("number 4", "number 5"))
    result = runner.invoke(app, ["diff", str(head_path), str(tampered)])
    assert result.exit_code == 1
    assert "checksum mismatch" in result.output
    assert "Traceback" not in result.output


def test_cli_failure_mode(tmp_path: Path) -> None:
    log = tmp_path / "plan.err"
    log.write_text("Error: bsky: authentication needed\n")
    result = runner.invoke(app, ["diff", "--failure", "4", "--log", str(log)], env=GITHUB)
    assert result.exit_code == 0, result.output
    assert result.stdout == render_failure_markdown(4, log.read_text(), RUN)
    result = runner.invoke(app, ["diff", "--failure", "4", "--log", str(tmp_path / "gone")])
    assert result.exit_code == 1
    assert "cannot read the log" in result.output

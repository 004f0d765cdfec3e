"""Reviewing replies: the approved text is part of the decision (pick, edit, guards)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import FakeClock
from socialseed.config.load import load_config
from socialseed.conversations.guards import text_guard
from socialseed.model.plan import Plan
from socialseed.report import review_card
from socialseed.review import ReviewSession, platform_gates, walk
from socialseed.state.db import open_state
from tests.review.conftest import ScriptedPrompter
from tests.review.factory import (
    DRAFTS,
    REPLY_CONFIG_YAML,
    action,
    digest_of,
    make_plan,
    reply_action,
    save,
    write_config,
)

pytestmark = pytest.mark.usefixtures("packs", "fixed_now")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path, REPLY_CONFIG_YAML)


@pytest.fixture
def plan(config_path: Path) -> Plan:
    return make_plan([reply_action(), action("bob.film")], config_sha256=digest_of(config_path))


@pytest.fixture
def plan_file(plan: Plan, tmp_path: Path) -> Path:
    return save(plan, tmp_path / "plan.json")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["review", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def texts(state_path: Path) -> list[tuple[str, str, object, object, object, str]]:
    rows = open_state(state_path).table("decisions").rows_where(order_by="id")
    return [
        (r["action_id"], r["verdict"], r["text"], r["choice"], r["edited"], r["reviewer"])
        for r in rows
    ]


def reply_id(plan: Plan) -> str:
    return next(a.id for a in plan.actions if a.verb.value == "reply")


def test_approve_a_reply_by_id_records_its_first_alternative(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    rid = reply_id(plan)
    code, out, err = run(str(plan_file), "-c", str(config_path), "--approve", rid)
    assert code == 0, err
    assert f'text (alternative 1): "{DRAFTS[0]}"' in out
    assert texts(state_path) == [(rid, "approve", DRAFTS[0], 1, 0, "tester@example.com")]


def test_choice_picks_another_alternative_and_json_shows_it(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    rid = reply_id(plan)
    code, out, err = run(
        str(plan_file), "-c", str(config_path), "--approve", rid, "--choice", "3", "--json"
    )
    assert code == 0, err
    [decided] = json.loads(out)["decided"]
    assert (decided["text"], decided["choice"], decided["edited"]) == (DRAFTS[2], 3, False)
    assert texts(state_path)[0][2:5] == (DRAFTS[2], 3, 0)


def test_text_file_is_an_edit_of_the_choice_and_is_sent_as_written(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path, tmp_path: Path
) -> None:
    rid = reply_id(plan)
    own = tmp_path / "reply.txt"
    own.write_text("Thank you, Ada! The light was pure luck.\n")
    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", rid, "--choice", "2",
        "--text-file", str(own), "--reason", "more personal",
    )  # fmt: skip
    assert code == 0, err
    assert texts(state_path)[0][2:5] == ("Thank you, Ada! The light was pure luck.", 2, 1)

    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", rid, "--text-file", "-",
        stdin=DRAFTS[0],
    )  # fmt: skip
    assert code == 0, err
    assert texts(state_path)[1][2:5] == (DRAFTS[0], 1, 0)  # the same text is no edit


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("See https://cheap.example", "the reply holds a link (guards.no_links)"),
        ("A cheap trick, Ada", "the reply uses a banned word: cheap (guards.banned_words)"),
        ("x" * 301, "the reply is 301 long; sandbox allows 300 here"),
        ("   ", "the reply is empty"),
    ],
)
def test_an_edit_that_breaks_a_guard_is_refused_with_the_reason(
    plan: Plan,
    plan_file: Path,
    config_path: Path,
    state_path: Path,
    tmp_path: Path,
    text: str,
    why: str,
) -> None:
    own = tmp_path / "reply.txt"
    own.write_text(text)
    code, _, err = run(
        str(plan_file), "-c", str(config_path), "--approve", reply_id(plan),
        "--text-file", str(own),
    )  # fmt: skip
    assert code == 1
    assert f"the edited text cannot be approved: {why}" in err
    assert texts(state_path) == []


def test_bad_choice_and_misplaced_flags_record_nothing(
    plan: Plan, plan_file: Path, config_path: Path, state_path: Path
) -> None:
    rid, follow = reply_id(plan), plan.actions[0].id
    follow = next(a.id for a in plan.actions if a.verb.value == "follow")
    base = (str(plan_file), "-c", str(config_path))
    code, _, err = run(*base, "--approve", rid, "--choice", "4")
    assert code == 1 and "has 3 alternative(s); there is no 4" in err
    code, _, err = run(*base, "--approve", follow, "--choice", "2")
    assert code == 1 and "is a follow, not a reply: it has no text to choose" in err
    code, _, err = run(*base, "--approve", f"{rid},{follow}", "--choice", "2")
    assert code == 1 and "2 actions were named with --approve" in err
    code, _, err = run(*base, "--reject", rid, "--choice", "2")
    assert code == 1 and "--choice and --text-file go with --approve of one reply" in err
    assert texts(state_path) == []


def session(db: Database, plan: Plan, config_path: Path, clock: FakeClock) -> ReviewSession:
    from datetime import timedelta

    config = load_config(config_path)
    return ReviewSession(
        db,
        plan,
        clock=clock,
        reviewer="walker@example.com",
        approval_ttl=timedelta(hours=2),
        gate=platform_gates(config),
        reply_guard=text_guard(config),
    )


def test_walk_pick_edit_refused_edit_again_then_approve(
    plan: Plan, db: Database, config_path: Path, clock: FakeClock, state_path: Path
) -> None:
    rid = reply_id(plan)
    prompter = ScriptedPrompter(
        keys=["2", "e", "e", "a", "q"],
        edits=["Thanks, Ada: cheap film, great light", "Thanks, Ada: old film, great light"],
    )
    walk(session(db, plan, config_path, clock), prompter)

    cards = [c for c in prompter.shown if c.action.id == rid]
    assert [(c.reply.text, c.reply.choice, c.reply.edited) for c in cards if c.reply] == [
        (DRAFTS[0], 1, False),
        (DRAFTS[1], 2, False),
        ("Thanks, Ada: old film, great light", 2, True),
    ]
    assert prompter.said[0].startswith(
        f"reply {rid}: the edited text cannot be approved: the reply uses a banned word: cheap"
    )
    assert "press e to edit it again, or 1/2/3 to pick an alternative" in prompter.said[0]
    assert texts(state_path) == [
        (rid, "approve", "Thanks, Ada: old film, great light", 2, 1, "walker@example.com")
    ]


def test_a_reply_is_not_approved_without_the_guards(
    plan: Plan, db: Database, clock: FakeClock, state_path: Path
) -> None:
    from datetime import timedelta

    from socialseed.errors import ApprovalError

    bare = ReviewSession(
        db,
        plan,
        clock=clock,
        reviewer="x",
        approval_ttl=timedelta(hours=1),
        gate=platform_gates(None),
    )
    with pytest.raises(ApprovalError, match="conversation guards are not known here"):
        bare.approve(plan.action(reply_id(plan)))
    assert texts(state_path) == []


def test_the_card_shows_message_thread_alternatives_and_neutralises_remote_text(
    plan: Plan, db: Database, config_path: Path, clock: FakeClock
) -> None:
    from rich.console import Console

    prompter = ScriptedPrompter(keys=["3", "q"])
    walk(session(db, plan, config_path, clock), prompter)
    console = Console(width=120, record=True, color_system=None)
    console.print(review_card.card(prompter.shown[-1]))
    shown = console.export_text()
    assert "I love this light! \\x1b[31mred\\x1b[0m" in shown  # escapes made visible
    assert "\x1b" not in shown
    assert "@demo.studio (you): Golden hour on Portra 400" in shown
    assert "rule     praise" in shown
    for i, text in enumerate(DRAFTS, start=1):
        mark = "▶" if i == 3 else " "
        assert f"{mark} {i}  {text}  (template:t{i - 1})" in shown
    assert "ai:fake: the reply holds a link (guards.no_links)" in shown


def test_list_json_carries_the_conversation_with_remote_text_escaped(
    plan: Plan, plan_file: Path, config_path: Path
) -> None:
    code, out, _ = run(str(plan_file), "-c", str(config_path), "--list", "--json")
    assert code == 0
    assert "\x1b" not in out and "\\u001b[31m" in out
    [reply] = [a for a in json.loads(out)["pending"] if a["verb"] == "reply"]
    assert reply["conversation"]["message"]["text"] == "I love this light! \x1b[31mred\x1b[0m"
    assert [d["text"] for d in reply["conversation"]["drafts"]] == list(DRAFTS)

"""Conversation actions in the plan: replies with guarded drafts, hides, likes, within budgets."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.config.load import load_config
from socialseed.conversations import guards
from socialseed.conversations.inbox import Sorted
from socialseed.conversations.propose import check_summoned
from socialseed.errors import PolicyError
from socialseed.model.conversations import Author, InboxItem, Message, MessageSource, Triage
from socialseed.state.inbox import Received
from tests.conftest import DEMO_CONFIG

NOW = "2026-12-20T18:00:00Z"  # a week of the sandbox's inbox with spam on our own posts


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def demo_text(**replace: str) -> str:
    text = (DEMO_CONFIG / "socialseed.yaml").read_text().replace("size: 5000", "size: 400")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", NOW)
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "world.sqlite"))
    return tmp_path


def plan(dir_: Path, config_text: str) -> dict[str, Any]:
    config = dir_ / "socialseed.yaml"
    config.write_text(config_text)
    assert run("sandbox", "reset", "-c", str(config))[0] == 0
    code, _, err = run("plan", "-c", str(config), "-o", str(dir_ / "plan.json"))
    assert code == 0, err
    data: dict[str, Any] = json.loads((dir_ / "plan.json").read_text())
    return data


def test_replies_carry_the_message_and_guarded_alternatives_and_always_need_a_person(
    world: Path,
) -> None:
    data = plan(world, demo_text(**{"auto_approve: [green]": "auto_approve: [green, yellow]"}))
    replies = [a for a in data["actions"] if a["verb"] == "reply"]
    assert replies and all(a["account"] == "demo-studio" for a in replies)
    rule_set = load_config(world / "socialseed.yaml").conversations["studio-replies"]
    for reply in replies:
        talk = reply["conversation"]
        assert reply["requires_human"] and not reply["auto_approved"]
        assert reply["risk"] == "yellow"
        assert reply["target"]["post_id"] == talk["message"]["id"]
        assert 1 <= len(talk["drafts"]) <= 3
        assert reply["target"]["text"] == talk["drafts"][0]["text"]
        assert talk["rule"] in {r.name for r in rule_set.rules}
        for draft in talk["drafts"]:
            assert draft["origin"].startswith("template:")
            ctx = guards.GuardContext("sandbox", rule_set.guards)
            assert guards.check(draft["text"], ctx) is None
    hides = [a for a in data["actions"] if a["verb"] == "hide_comment"]
    assert hides and all(a["auto_approved"] for a in hides)  # green; the policy allows it
    assert all(".c" in a["target"]["post_id"] for a in hides)  # comments on our own posts


def test_conversation_actions_fit_the_phase_budget(world: Path) -> None:
    caps = {"reply: 20, hide_comment: 10": "reply: 2", "reply: 30, hide_comment: 20": "reply: 2"}
    data = plan(world, demo_text(**caps))
    counts = Counter((a["account"], a["verb"]) for a in data["actions"])
    assert counts[("demo-studio", "reply")] == 2
    assert counts[("demo-studio", "hide_comment")] == 0
    studio = next(a for a in data["accounts"] if a["account"] == "demo-studio")
    assert studio["remaining"]["reply"] == 0


def test_hide_spam_comments_without_a_rule_set_is_no_longer_dropped(world: Path) -> None:
    text = demo_text(
        **{
            "    actions: {follow: true, like_recent: 1}\n    scoring: {provider: heuristic, min_authenticity: 0.5}": (
                "    actions: {follow: true, like_recent: 1, hide_spam_comments: true}\n"
                "    scoring: {provider: heuristic, min_authenticity: 0.5}"
            ),
            "{follow: 30, like: 80, unfollow: 15}": "{follow: 30, like: 80, unfollow: 15, hide_comment: 5}",
        }
    )
    data = plan(world, text)
    cafe = [a for a in data["actions"] if a["account"] == "demo-cafe"]
    hides = [a for a in cafe if a["verb"] == "hide_comment"]
    assert hides and not [a for a in cafe if a["verb"] == "reply"]
    assert all(a["conversation"]["rule"] == "hide_spam_comments" for a in hides)


def test_the_plan_diff_shows_the_message_and_the_alternatives_neutralised(world: Path) -> None:
    plan(world, demo_text())
    code, out, _ = run("show", str(world / "plan.json"))
    assert code == 0
    assert "↩ reply" in out and "← @" in out and "1) [template:" in out
    assert not any(ch in out for ch in ("\x1b", "\x07", "\u202e", "\u200b"))
    code, markdown, _ = run("show", str(world / "plan.json"), "-f", "markdown")
    assert code == 0 and "said @\u2060" in markdown


def sorted_message(source: MessageSource, ref: dict[str, str]) -> Sorted:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    message = Message("99", "x", "1000", source, Author("2001", "alice"), "nice", now, ref=ref)
    triage = Triage(message, "praise", ("reply",))
    return Sorted(Received(InboxItem(message), now, "praise", ("reply",), False), triage)


def test_an_unsummoned_reply_on_a_self_serve_x_tier_is_a_plan_time_error_naming_the_rule(
    tmp_path: Path,
) -> None:
    from socialseed.config.schema import Account

    account = Account(id="studio-x", platform="x", handle="me_studio", phases="standard")
    with pytest.raises(PolicyError, match="rule 'praise'"):
        check_summoned(account, sorted_message(MessageSource.REPLY, {}))
    check_summoned(account, sorted_message(MessageSource.MENTION, {"summoned": "mention"}))
    enterprise = account.model_copy(update={"access_tier": "enterprise"})
    check_summoned(enterprise, sorted_message(MessageSource.REPLY, {}))

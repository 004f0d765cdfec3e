"""`socialseed validate` on conversation rule sets: cross-checks and examples, as a user sees them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app

runner = CliRunner()

HEAD = """version: 1
accounts:
  - id: shop
    platform: sandbox
    handle: shop.example
    phases: p
    conversations: replies
phases:
  p:
    - {name: only, daily: {follow: 5}}
conversations:
  replies:
"""

GOOD = (
    HEAD
    + """    templates:
      thanks: "Thanks, {author.name}!"
      price: "Hi {author.name}, prices are on our pricing page."
    rules:
      - name: pricing
        match: {question: true, keywords: {any: [price, cost]}}
        then: {reply: {templates: [price]}}
      - name: praise
        match: {keywords: {any: [love]}}
        then: {reply: {templates: [thanks]}, like: true}
    examples:
      - text: "What does a mug cost?"
        expect: {rule: pricing, template: price}
      - text: "I love it"
        expect: {rule: praise, template: thanks}
"""
)


def _validate(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", "-c", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_passing_examples_are_counted(tmp_path: Path) -> None:
    code, out, _ = _validate(tmp_path, GOOD)
    assert code == 0
    assert out.rstrip().endswith("; 2 conversation example(s) pass")


def test_a_rule_change_that_breaks_an_example_fails_with_a_diff(tmp_path: Path) -> None:
    broken = GOOD.replace("any: [price, cost]", "any: [price]")
    code, _, err = _validate(tmp_path, broken)
    assert code == 1
    path = tmp_path / "c.yaml"
    assert "1 of 2 conversation example(s) fail:" in err
    assert (
        f"{path}, line 24, column 9: conversations.replies.examples[0]: 'What does a mug cost?'"
        in err
    )
    assert "  - expected: rule pricing, template price\n" in err
    assert "  + got:      no rule\n" in err
    assert "hint: change the rules or the example's expect:" in err


def test_wrong_template_in_example_shows_both(tmp_path: Path) -> None:
    broken = GOOD.replace(
        "expect: {rule: praise, template: thanks}", "expect: {rule: praise, template: price}"
    )
    code, _, err = _validate(tmp_path, broken)
    assert code == 1
    assert (
        "  - expected: rule praise, template price\n  + got:      rule praise, template thanks"
        in err
    )


def test_unknown_placeholder_is_an_error_at_its_line(tmp_path: Path) -> None:
    code, _, err = _validate(tmp_path, GOOD.replace("{author.name}!", "{author.nmae}!"))
    assert code == 1
    assert (
        f"{tmp_path / 'c.yaml'}, line 14, column 15: conversations.replies.templates.thanks: unknown placeholder {{author.nmae}}"
        in err
    )
    assert "{author.name}" in err  # the list of what may be used


def test_unknown_template_names_the_rule(tmp_path: Path) -> None:
    code, _, err = _validate(tmp_path, GOOD.replace("templates: [thanks]", "templates: [thank]"))
    assert code == 1
    assert (
        "line 22, column 36: conversations.replies.rules[1].then.reply.templates[0]: "
        "unknown template 'thank' in rule 'praise'; templates: price, thanks"
    ) in err


def test_unreachable_rule_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      - name: praise\n        match: {keywords: {any: [love]}}",
        "      - name: praise\n        match: {question: true, keywords: {all: [price, love]}}",
    )
    code, _, err = _validate(tmp_path, text)
    assert code == 1
    assert (
        "line 20, column 9: conversations.replies.rules[1]: rule 'praise' can never match: "
        "rule 'pricing' above it matches every message it would"
    ) in err


def test_a_catch_all_rule_hides_every_rule_below(tmp_path: Path) -> None:
    text = GOOD.replace("        match: {question: true, keywords: {any: [price, cost]}}\n", "")
    code, _, err = _validate(tmp_path, text)
    assert code == 1
    assert "rule 'praise' can never match: rule 'pricing' above it" in err


def test_unknown_rule_set_on_an_account(tmp_path: Path) -> None:
    code, _, err = _validate(
        tmp_path, GOOD.replace("conversations: replies", "conversations: replys")
    )
    assert code == 1
    assert (
        "line 7, column 20: accounts[0].conversations: unknown rule set 'replys'; defined in conversations: replies"
        in err
    )


def test_ai_without_provider_and_empty_outcome(tmp_path: Path) -> None:
    text = GOOD.replace("then: {reply: {templates: [price]}}", "then: {reply: {ai: true}}")
    code, _, err = _validate(tmp_path, text)
    assert code == 1
    assert "rule 'pricing' asks for an AI draft but the rule set names no ai_provider" in err
    code, _, err = _validate(
        tmp_path, GOOD.replace("then: {reply: {templates: [price]}}", "then: {}")
    )
    assert code == 1
    assert "a rule needs at least one of reply, like, hide, mute, ignore, needs_person" in err


def test_the_demo_config_examples_pass() -> None:
    root = Path(__file__).resolve().parents[2]
    result = runner.invoke(app, ["validate", "-c", str(root / "configs" / "demo")])
    assert result.exit_code == 0, result.stderr
    assert "6 conversation example(s) pass" in result.stdout

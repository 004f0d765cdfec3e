"""The terminal diff and the Markdown comment."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from rich.console import Console

from socialseed.model import Action, Profile, Risk, Score, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.report.plan_markdown import LIMIT, render_markdown
from socialseed.report.plan_render import plain_output, render_text
from tests.plan.fakes import NOW


def action(
    i: int, verb: Verb = Verb.FOLLOW, risk: Risk = Risk.GREEN, account: str = "studio"
) -> Action:
    target = Target(kind="account", id=f"u{i}", handle=f"user{i}.example")
    return Action(
        id=action_id(account, verb.value, target),
        account=account,
        platform="sandbox",
        verb=verb,
        target=target,
        reason=f"found via hashtag:film (film) | number {i}",
        risk=risk,
        risk_reasons=("unknown followers: not given",) if risk is Risk.YELLOW else (),
        auto_approved=risk is Risk.GREEN,
        score=Score(0.9, 0.8, "engage", ("+ has an avatar",), "heuristic", "1.0"),
        profile=Profile("sandbox", f"u{i}", f"user{i}.example", bio=f"SECRET-BIO-{i}"),
        seq=i,
    )


def make_plan(actions: list[Action]) -> Plan:
    accounts = sorted({a.account for a in actions} | {"studio"})
    return Plan(
        actions,
        created_at=NOW,
        expires_at=NOW + timedelta(days=1),
        config_sha256="c" * 64,
        accounts=[
            AccountPlan(
                a,
                "sandbox",
                "warmup",
                6,
                14,
                0,
                {"follow": 2},
                {"follow": 3},
                ("hourly caps (apply paces to them): follow 4",),
            )
            for a in accounts
        ],
    )


def text_of(plan: Plan, verbose: bool = False) -> str:
    console = Console(record=True, width=200, no_color=True)
    for line in render_text(plan, verbose=verbose):
        console.print(line)
    return console.export_text()


def test_terminal_summary_first_symbols_and_budget() -> None:
    plan = make_plan([action(1), action(2, Verb.LIKE, Risk.YELLOW), action(3, Verb.UNFOLLOW)])
    text = text_of(plan)
    lines = text.splitlines()
    assert lines[0].startswith(f"Plan {plan.id}: 3 actions (1 follow, 1 unfollow, 1 like)")
    assert "2 green, 1 yellow, 0 red; 2 auto-approved, 1 need review" in lines[0]
    assert "studio (sandbox) phase warmup, day 6 of 14: 3 action(s)" in text
    assert "today: follow 1 proposed, 2 left, 3 used earlier today" in text
    assert "  + follow   @user1.example  [green]" in text
    assert "  ♥ like     @user2.example  [yellow]" in text
    assert "  - unfollow @user3.example  [green]" in text
    assert "Legend: + follow  - unfollow  ♥ like" in text
    assert "why:" not in text and "SECRET-BIO" not in text


def test_terminal_verbose_reasons() -> None:
    text = text_of(make_plan([action(2, Verb.LIKE, Risk.YELLOW)]), verbose=True)
    assert "why: found via hashtag:film (film) | number 2" in text
    assert "risk: unknown followers: not given" in text
    assert "score: + has an avatar" in text


def test_empty_plan_says_no_changes() -> None:
    text = text_of(make_plan([]))
    assert text.startswith("No changes: plan p_")
    assert "Legend" not in text


def test_markdown_summary_table_details_and_no_bios() -> None:
    plan = make_plan([action(1), action(2, Verb.LIKE, Risk.RED, account="cafe")])
    md = render_markdown(plan)
    assert md.startswith("<!-- socialseed-plan -->\n## SocialSeed plan `" + plan.id + "`")
    table = md.index("| account | phase | follow | like | 🟢 | 🟡 | 🔴 | needs review |")
    assert table < md.index("<details>")
    assert "| cafe | phase warmup, day 6 of 14 | 0 | 1 | 0 | 0 | 1 | 1 |" in md
    assert "found via hashtag:film (film) \\| number 1" in md  # pipes escaped
    assert md.count("<details>") == md.count("</details>") == 2
    assert "SECRET-BIO" not in md
    assert "SECRET-BIO-1" in render_markdown(plan, include_profiles=True)


def test_markdown_truncates_with_a_note() -> None:
    plan = make_plan([action(i) for i in range(1500)])
    md = render_markdown(plan)
    assert len(md) <= LIMIT
    assert "**Truncated:**" in md and "of 1500 actions shown" in md
    assert md.count("<details>") == md.count("</details>")
    shown = int(md.split("**Truncated:** ")[1].split(" ")[0])
    assert 0 < shown < 1500
    assert md.count("| + follow |") == shown


def test_markdown_small_limit_still_closes_tags() -> None:
    md = render_markdown(make_plan([action(i) for i in range(50)]), limit=2000)
    assert len(md) <= 2000
    assert md.count("<details>") == md.count("</details>")


def _piped(console_file: io.StringIO, **kwargs: bool) -> Console:
    return Console(file=console_file, highlight=False, soft_wrap=True, **kwargs)


def test_a_plan_written_to_a_pipe_is_rich_s_text_made_without_its_renderer() -> None:
    hostile = replace(
        action(4, Verb.LIKE), target=Target("post", "u4", "we\u202eird\x1b[31m", "p.4")
    )
    plan = make_plan([action(1), hostile, action(2, Verb.UNFOLLOW, Risk.RED), action(3)])
    plan.notes.append("two\nlines, a bell \x07 and ünïcödé →")
    for verbose in (False, True):
        lines = render_text(plan, verbose=verbose)
        expected = io.StringIO()
        _piped(expected).print(*lines, sep="\n")
        made = plain_output(_piped(io.StringIO()), lines)
        assert made == expected.getvalue()
        assert "we\\u202eird\\x1b[31m" in made and "\x07" not in made and "ünïcödé →" in made


def test_a_terminal_colours_or_tabs_leave_the_plan_to_rich() -> None:
    plan = make_plan([action(1)])
    lines = render_text(plan)
    assert plain_output(_piped(io.StringIO(), force_terminal=True), lines) is None
    assert plain_output(Console(file=io.StringIO(), soft_wrap=False), lines) is None
    plan.notes.append("a\ttab")
    assert plain_output(_piped(io.StringIO()), render_text(plan)) is None

"""Reviewing a reply in a real pseudo-terminal: pick with 2, edit with e ($EDITOR or a
prompt), a guard refuses an edit, approve with a; the decision row holds the exact text."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import pytest

from socialseed.state.db import open_state
from tests.review.factory import (
    DRAFTS,
    NOW_TEXT,
    REPLY_CONFIG_YAML,
    digest_of,
    make_plan,
    reply_action,
    save,
    write_config,
)

SOCIALSEED = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "socialseed"
PROMPT = "1-3 pick, e edit, a approve, r/s/b/d/q/? > "


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path, REPLY_CONFIG_YAML)


def decisions(state: Path) -> list[tuple[str, str, int, int]]:
    rows = open_state(state).table("decisions").rows_where(order_by="id")
    return [(r["verdict"], r["text"], r["choice"], r["edited"]) for r in rows]


def spawn(tmp_path: Path, config: Path, state: Path, editor: str | None) -> pexpect.spawn:
    plan = make_plan([reply_action()], config_sha256=digest_of(config))
    plan_file = save(plan, tmp_path / "plan.json")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "SOCIALSEED_STATE": str(state),
        "SOCIALSEED_REVIEWER": "pty@example.com",
        "SOCIALSEED_NOW": NOW_TEXT,
        "NO_COLOR": "1",
        "TERM": "xterm",
        "COLUMNS": "110",
        "LINES": "60",
    }
    if editor is not None:
        env["EDITOR"] = editor
    return pexpect.spawn(
        str(SOCIALSEED),
        ["review", str(plan_file), "-c", str(config)],
        env=env,
        encoding="utf-8",
        dimensions=(60, 110),
        timeout=30,
    )


def test_pick_edit_with_editor_refused_then_fixed_then_approve(
    tmp_path: Path, config_path: Path, state_path: Path
) -> None:
    wanted = tmp_path / "next-edit.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncat "{wanted}" > "$1"\n')
    editor.chmod(0o755)

    child = spawn(tmp_path, config_path, state_path, str(editor))
    child.expect_exact("I love this light! \\x1b[31mred\\x1b[0m")  # remote escapes shown inert
    child.expect_exact(f"▶ 1  {DRAFTS[0]}")
    child.expect_exact(PROMPT)
    child.send("2")
    child.expect_exact(f"▶ 2  {DRAFTS[1]}")
    child.expect_exact(PROMPT)

    wanted.write_text("Thanks Ada, cheap film and good light\n")
    child.send("e")
    child.expect_exact("the reply uses a banned word: cheap (guards.banned_words)")
    child.expect_exact("press e to edit it again, or 1/2/3 to pick an alternative")
    assert decisions(state_path) == []

    wanted.write_text("Thanks Ada, old film and good light\n")
    child.send("e")
    child.expect_exact("▶ edited from 2: Thanks Ada, old film and good light")
    child.expect_exact(PROMPT)
    child.send("a")
    child.expect_exact("Recorded 1 decision(s). 1/1 reviewed, 1 approved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert decisions(state_path) == [("approve", "Thanks Ada, old film and good light", 2, 1)]


def test_without_an_editor_the_text_is_typed_at_a_prompt(
    tmp_path: Path, config_path: Path, state_path: Path
) -> None:
    child = spawn(tmp_path, config_path, state_path, None)
    child.expect_exact(PROMPT)
    child.send("e")
    child.expect_exact("no $EDITOR set: type the reply on one line (Enter keeps it)")
    child.expect_exact("reply text: ")
    child.sendline("Thank you Ada, see www.example.com")
    child.expect_exact("the reply holds a link (guards.no_links)")
    child.expect_exact(PROMPT)
    child.send("e")
    child.expect_exact("reply text: ")
    child.sendline("Thank you, Ada. More soon.")
    child.expect_exact("▶ edited from 1: Thank you, Ada. More soon.")
    child.expect_exact(PROMPT)
    child.send("a")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert decisions(state_path) == [("approve", "Thank you, Ada. More soon.", 1, 1)]

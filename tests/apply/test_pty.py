"""`socialseed apply` on a real terminal: it asks once, showing the counts."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect

from .sandbox_setup import Setup, build, world_follows

SOCIALSEED = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "socialseed"


def spawn(s: Setup, home: Path) -> pexpect.spawn:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm"}
    env |= {k: v for k, v in s.env.items() if k != "SOCIALSEED_NO_INPUT"}
    return pexpect.spawn(
        str(SOCIALSEED),
        ["apply", str(s.plan_path), "-c", str(s.config_path)],
        env=env,
        encoding="utf-8",
        dimensions=(50, 120),
        timeout=30,
    )


def test_it_asks_once_and_no_means_nothing_runs(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha", "beta"), follows=2)
    child = spawn(s, tmp_path)
    child.expect("4 approved actions to run \\(alpha: 2, beta: 2\\)")
    child.expect("Run them now\\? \\[y/N\\]")
    child.sendline("n")
    child.expect("cancelled: nothing was applied")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert world_follows(s) == []

    child = spawn(s, tmp_path)
    child.expect("Run them now\\? \\[y/N\\]")
    child.sendline("y")
    child.expect("Applied p_")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(world_follows(s)) >= 3


def _apply_on_terminal(s: Setup, home: Path, *extra: str) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm"}
    args = ["apply", str(s.plan_path), "-c", str(s.config_path), "--yes", "--max-wait", "0"]
    child = pexpect.spawn(
        str(SOCIALSEED),
        [*args, *extra],
        env=env | s.env,
        encoding="utf-8",
        dimensions=(50, 200),
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return str(child.before)


def test_on_a_terminal_the_table_counts_and_lists_only_what_did_not_go(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=3, hourly=1)  # one now, two skipped
    first, *rest = [a.id for a in s.plan.actions]

    shown = _apply_on_terminal(s, tmp_path)

    lines = [" ".join(line.split()) for line in shown.splitlines()]
    assert "alpha follow done 1" in lines
    assert "alpha follow skipped 2" in lines
    skipped = [line for line in lines if any(r in line for r in rest)]
    assert len(skipped) == 2
    assert all("skipped" in line and "wait" in line for line in skipped)  # and the reason why
    assert first not in shown  # a done action has no row of its own


def test_verbose_lists_every_action_on_a_terminal(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=3, hourly=1)

    shown = _apply_on_terminal(s, tmp_path, "-v")

    assert all(a.id in shown for a in s.plan.actions)

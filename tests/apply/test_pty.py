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

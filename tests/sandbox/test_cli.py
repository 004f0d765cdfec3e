"""``socialseed sandbox reset|info|faults`` through the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

NOW = "2026-11-25T18:00:00Z"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", NOW)
    monkeypatch.chdir(tmp_path)  # no config in the working directory
    path = tmp_path / "world.sqlite"
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(path))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def test_reset_without_a_config_uses_seed_42_and_5000_accounts(world: Path) -> None:
    code, out, err = run("sandbox", "reset")
    assert code == 0, err
    assert f"New sandbox world at {world}: seed 42, 5000 accounts." in err
    assert out == ""
    assert (meta(world)["seed"], meta(world)["size"]) == ("42", "5000")


def test_reset_takes_seed_and_size_from_flags_and_config(world: Path, tmp_path: Path) -> None:
    config = tmp_path / "cfg.yaml"
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    config.write_text(text.replace("seed: 42", "seed: 9").replace("size: 5000", "size: 300"))
    assert run("sandbox", "reset", "-c", str(config))[0] == 0
    assert (meta(world)["seed"], meta(world)["size"]) == ("9", "300")
    assert run("sandbox", "reset", "-c", str(config), "--seed", "3", "--size", "200")[0] == 0
    assert (meta(world)["seed"], meta(world)["size"]) == ("3", "200")


def test_two_resets_with_the_same_seed_are_byte_identical(world: Path) -> None:
    run("sandbox", "reset", "--seed", "11", "--size", "400")
    first = world.read_bytes()
    run("sandbox", "reset", "--seed", "12", "--size", "400")
    assert world.read_bytes() != first
    run("sandbox", "reset", "--seed", "11", "--size", "400")
    assert world.read_bytes() == first


def test_reset_with_a_broken_config_says_where(world: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsandbox:\n  seed: [1]\n")
    code, _, err = run("sandbox", "reset", "-c", str(bad))
    assert code == 1
    assert "bad.yaml" in err and "Traceback" not in err
    assert not world.exists()


def test_info_without_a_world_tells_how_to_make_one(world: Path) -> None:
    code, out, err = run("sandbox", "info")
    assert code == 1 and out == ""
    assert f"no sandbox world at {world}" in err
    assert "socialseed sandbox reset" in err


def test_info_shows_counts_and_what_the_managed_account_did(world: Path) -> None:
    import asyncio

    from socialseed.clock import FakeClock, parse_instant
    from socialseed.config.schema import Account, Sandbox
    from socialseed.model import Action, Risk, Target, Verb, action_id
    from socialseed.platforms.base import PlatformDeps
    from socialseed.platforms.sandbox import build

    run("sandbox", "reset", "--size", "300")

    async def follow() -> None:
        deps = PlatformDeps(
            clock=FakeClock(parse_instant(NOW)), sandbox_path=world, sandbox=Sandbox()
        )
        acct = Account(id="demo-studio", platform="sandbox", handle="demo.studio", phases="x")
        platform = build(acct, deps)
        target = Target("account", "u000123", "someone")
        act = Action(
            action_id("demo-studio", "follow", target),
            "demo-studio",
            "sandbox",
            Verb.FOLLOW,
            target,
            "",
            Risk.GREEN,
        )
        await platform.execute(act)
        await platform.aclose()

    asyncio.run(follow())
    code, out, err = run("sandbox", "info", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["seed"] == 42 and data["size"] == 300
    assert sum(data["accounts"][k] for k in ("people", "bots", "hubs")) == 300
    (studio,) = data["managed"]
    assert studio["handle"] == "demo.studio" and studio["done"] == {"follow": 1}
    assert studio["followers"] == len(studio["recent_followers"]) or studio["followers"] > 10
    code, out, _ = run("sandbox", "info")
    assert code == 0
    assert "@demo.studio:" in out and "done: follow 1" in out
    assert "faults: none" in out


def test_faults_set_show_and_clear(world: Path) -> None:
    run("sandbox", "reset", "--size", "100")
    code, out, _ = run("sandbox", "faults", "--error-rate", "0.25", "--block-after", "5")
    assert code == 0
    assert out.strip() == "faults: block_after=5, block_kind=blocked, error_rate=0.25"
    assert run("sandbox", "faults", "--show")[1] == out
    assert "faults: block_after=5" in run("sandbox", "info")[1]
    code, out, _ = run("sandbox", "faults", "--clear")
    assert (code, out.strip()) == (0, "faults: none")


def test_faults_refuse_a_rate_above_one(world: Path) -> None:
    run("sandbox", "reset", "--size", "100")
    code, _, err = run("sandbox", "faults", "--timeout-rate", "1.5")
    assert code != 0 and "--timeout-rate" in err and "less than or equal to 1" in err


def test_a_plan_process_leaves_its_state_and_world_files_closed(
    world: Path, tmp_path: Path
) -> None:
    """``socialseed plan`` as its own process (the console script's way out): the state and
    the world are closed when it ends, their write-ahead logs folded into the files."""
    import os
    import subprocess
    import sys

    config = tmp_path / "cfg.yaml"
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    config.write_text(text.replace("size: 5000", "size: 400"))
    state = tmp_path / "state.sqlite"
    command = [sys.executable, "-m", "socialseed", "--state", str(state), "--no-input"]
    done = subprocess.run(
        [*command, "plan", "-c", str(config), "-o", str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOCIALSEED_NO_CACHE": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "saved plan p_" in done.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm")))
    assert left == []
    with sqlite3.connect(state) as conn:
        assert conn.execute("select count(*) from plans").fetchone() == (1,)

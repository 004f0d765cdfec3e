"""The demo config on the built-in sandbox, end to end through the CLI."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("socialseed.platforms.sandbox") is None,
    reason="the sandbox platform (socialseed.platforms.sandbox) is not built yet",
)
runner = CliRunner()
CAPS = {"demo-studio": {"follow": 15, "like": 40}, "demo-cafe": {"follow": 30, "like": 80}}


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T09:00:00Z")
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "sandbox.sqlite"))
    return tmp_path


def test_demo_plan_is_capped_safe_readable_and_deterministic(demo_env: Path) -> None:
    first = runner.invoke(
        app,
        ["plan", "-c", str(DEMO_CONFIG), "-o", str(demo_env / "a.json"), "--include-profiles"],
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app,
        ["plan", "-c", str(DEMO_CONFIG), "-o", str(demo_env / "b.json"), "--include-profiles"],
    )
    assert second.exit_code == 0, second.output
    assert (demo_env / "a.json").read_bytes() == (demo_env / "b.json").read_bytes()
    assert "served from the cache" in second.stderr

    data = json.loads((demo_env / "a.json").read_text())
    counts = Counter((a["account"], a["verb"]) for a in data["actions"])
    for account, caps in CAPS.items():
        for verb, cap in caps.items():
            assert 0 < counts[(account, verb)] <= cap, (account, verb)
    phases = {a["account"]: (a["phase"], a["phase_day"]) for a in data["accounts"]}
    assert phases == {"demo-studio": ("warmup", 6), "demo-cafe": ("growth", 35)}

    for action in [a for a in data["actions"] if "conversation" not in a]:  # found by discovery
        bio = action["profile"]["bio"].lower()
        assert "#nobot" not in bio and "#noautomation" not in bio
        if action["risk"] == "red":
            assert any("bot-like" in r or "avoid" in r for r in action["risk_reasons"])
        else:
            assert action["score"]["authenticity"] >= 0.5
    notes = " ".join(n for a in data["accounts"] for n in a["notes"])
    assert "candidate(s): opt_out" in notes  # #nobot honoured, with the reason
    assert "candidate(s): ratio" in notes  # mass-following bots dropped, with the reason

    lines = first.stdout.splitlines()
    assert lines[0].startswith("Plan p_") and "for 2 account(s)" in lines[0]
    assert any(line.startswith("demo-studio (sandbox) phase warmup, day 6 of 14") for line in lines)
    assert any(line.startswith("  today: follow 15 proposed, 0 left") for line in lines)


def test_demo_plan_shows_expected_follow_backs_and_a_control_group(demo_env: Path) -> None:
    """film-photographers has experiment: {control_pct: 10}: one follow in ten is a random
    pick from the filtered pool, marked as control; every follow carries its expectation,
    and the account's notes give the plan's sum. The proposals are kept for learning."""
    import sqlite3

    state = demo_env / "state.sqlite"
    result = runner.invoke(
        app,
        ["plan", "-c", str(DEMO_CONFIG), "-o", str(demo_env / "p.json")],
        env={"SOCIALSEED_STATE": str(state)},
    )
    assert result.exit_code == 0, result.output
    data = json.loads((demo_env / "p.json").read_text())
    follows = [a for a in data["actions"] if a["verb"] == "follow"]
    studio = [a for a in follows if a["account"] == "demo-studio"]
    assert all(0 < a["expected_followback"] < 1 for a in follows)
    # one place in ten is control, but lower risk goes first: a yellow control pick waits
    # behind the green ones, and a yellow chosen one lets the next control place in
    control = [a["arm"] for a in studio].count("control")
    assert control <= len(studio) // 10 + 1
    assert all("control group" in a["reason"] for a in studio if a["arm"] == "control")
    notes = {a["account"]: " ".join(a["notes"]) for a in data["accounts"]}
    total = sum(a["expected_followback"] for a in studio)
    assert (
        f"expected follow-backs from this plan's {len(studio)} follow(s): {total:.1f}"
        in (notes["demo-studio"])
    )
    assert "ranking by expected follow-back: heuristic prior" in notes["demo-studio"]
    rows = sqlite3.connect(state).execute(
        "select account, arm, count(*) from growth_proposals group by 1, 2 order by 1, 2"
    )
    assert list(rows) == [
        ("demo-cafe", "chosen", sum(1 for a in follows if a["account"] == "demo-cafe")),
        ("demo-studio", "chosen", len(studio) - control),
        *([("demo-studio", "control", control)] if control else []),
    ]


def test_a_short_runway_is_a_warning_with_the_change_that_widens_it(demo_env: Path) -> None:
    """coffee-lovers' sources capped at 25 candidates each: the filtered pool holds less than
    3 days of follows at demo-cafe's cap, so its notes warn and name what to change, and the
    JSON plan carries a distinct note; demo-studio's longer runway is only reported."""
    text = (
        (DEMO_CONFIG / "socialseed.yaml")
        .read_text()
        .replace(
            "      - hashtag: coffee\n      - search: espresso\n",
            "      - {hashtag: coffee, limit: 25}\n      - {search: espresso, limit: 25}\n",
        )
        .replace(  # and no expand: for coffee-lovers
            "    expand:\n      followers_of_followbacks: {limit: 100, accounts: 3}\n"
            "      related_hashtags: {limit: 100, tags: 2}\n",
            "",
        )
    )
    config = demo_env / "socialseed.yaml"
    config.write_text(text)
    result = runner.invoke(
        app,
        ["plan", "-c", str(config), "-o", str(demo_env / "p.json")],
        env={"SOCIALSEED_STATE": str(demo_env / "state.sqlite")},
    )
    assert result.exit_code == 0, result.output
    data = json.loads((demo_env / "p.json").read_text())
    notes = {a["account"]: a["notes"] for a in data["accounts"]}
    low = [n for n in notes["demo-cafe"] if n.startswith("runway low: ")]
    assert len(low) == 1
    assert "more day(s) of follows at today's cap (30 a day)" in low[0]
    assert "raise the sources' limit, add a source" in low[0] and "coffee-lovers" in low[0]
    assert f"demo-cafe: {low[0]}" in data["notes"]
    assert any(n.startswith("runway: the filtered pool fills about") for n in notes["demo-studio"])
    assert "runway low" in result.output
    assert (
        "set expand: (followers_of_followbacks, engaged_with_our_posts, related_hashtags)"
        in (low[0])
    )
    # status: a yellow health reason (the note, with the change that widens the pool)
    env = {"SOCIALSEED_STATE": str(demo_env / "state.sqlite")}
    status = runner.invoke(app, ["status", "-c", str(config), "--json"], env=env)
    assert status.exit_code == 0, status.output
    rows = {r["account"]: r for r in json.loads(status.stdout)}
    cafe, studio = rows["demo-cafe"], rows["demo-studio"]
    assert cafe["health"]["light"] == "yellow" and cafe["health"]["reasons"] == [low[0]]
    assert cafe["runway"]["note"] == low[0] and cafe["runway"]["days"] < 3
    assert studio["health"]["light"] == "green" and studio["runway"]["days"] >= 3
    text = runner.invoke(app, ["status", "-c", str(config)], env=env)
    assert f"demo-cafe: yellow: {low[0]}" in " ".join(text.stdout.split())
    # report: the runway and each source's yield, in JSON and in words
    report = runner.invoke(app, ["report", "-c", str(config), "--format", "json"], env=env)
    assert report.exit_code == 0, report.output
    accounts = {a["account"]: a for a in json.loads(report.stdout)["accounts"]}
    found = accounts["demo-cafe"]["discovery"]
    assert found["runway"] == {"days": cafe["runway"]["days"], "note": low[0]}
    coffee = found["sources"][0]
    assert (coffee["source"], coffee["origin"], coffee["reads"]) == ("hashtag:coffee", "source", 1)
    assert coffee["new"] >= 25 and coffee["chosen"] > 0 and coffee["followed_back"] == 0
    words = runner.invoke(app, ["report", "-c", str(config)], env=env)
    assert (
        f"source hashtag:coffee (coffee-lovers): 1 read(s), {coffee['discovered']} discovered, "
        f"{coffee['new']} new, {coffee['chosen']} chosen, 0 followed back"
    ) in " ".join(words.stdout.split())

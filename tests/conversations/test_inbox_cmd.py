"""``socialseed inbox`` on the sandbox: what came in, how it was sorted, what is unanswered."""

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
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo config on a small world."""
    monkeypatch.setenv("SOCIALSEED_NOW", NOW)
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "world.sqlite"))
    path = tmp_path / "socialseed.yaml"
    path.write_text(
        (DEMO_CONFIG / "socialseed.yaml").read_text().replace("size: 5000", "size: 400")
    )
    assert run("sandbox", "reset", "-c", str(path))[0] == 0
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_inbox_json_lists_sorted_messages_and_the_next_read_brings_only_new_ones(
    config: Path, state_path: Path
) -> None:
    code, out, err = run("inbox", "-c", str(config), "--account", "demo-studio", "--json")
    assert code == 0, err
    (studio,) = json.loads(out)["accounts"]
    assert studio["account"] == "demo-studio" and studio["new"] == len(studio["messages"]) > 5
    assert studio["unanswered"] == sum(m["status"] == "unanswered" for m in studio["messages"])
    rules = {m["rule"] for m in studio["messages"]}
    assert {"gear", "praise"} <= rules
    replies = [m for m in studio["messages"] if "reply" in m["outcomes"]]
    assert all(m["drafts"] and m["drafts"][0]["origin"].startswith("template:") for m in replies)

    code, out, _ = run("inbox", "-c", str(config), "--account", "demo-studio", "--json")
    again = json.loads(out)["accounts"][0]
    assert code == 0 and again["new"] == 0 and len(again["messages"]) == len(studio["messages"])
    conn = sqlite3.connect(state_path)
    stored = conn.execute("select count(*) from inbox where account = 'demo-studio'").fetchone()
    cursors = conn.execute("select account, source from inbox_cursors").fetchall()
    conn.close()
    assert stored == (len(studio["messages"]),) and cursors == [("demo-studio", "inbox")]


def test_inbox_text_neutralises_hostile_text(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-12-20T18:00:00Z")  # a week with hostile messages
    code, out, err = run("inbox", "-c", str(config), "--account", "demo-studio")
    assert code == 0, err
    assert "demo-studio (sandbox):" in out and "unanswered" in out
    assert "rule hostile -> needs_person" in out
    assert "\\x1b" in out or "\\u202e" in out or "\\r" in out  # shown, not obeyed
    assert not any(ch in out for ch in ("\x1b", "\x07", "\u202e", "\u200b"))


def test_an_account_without_a_rule_set_says_so(config: Path) -> None:
    code, out, _ = run("inbox", "-c", str(config), "--account", "demo-cafe")
    assert code == 0
    assert "demo-cafe (sandbox): 0 new" in out and "no conversations rule set" in out


def test_an_unknown_account_is_a_config_error(config: Path) -> None:
    code, _, err = run("inbox", "-c", str(config), "--account", "nobody")
    assert code == 1 and "no such account" in err


def test_status_counts_unanswered_messages_per_account(config: Path) -> None:
    code, out, _ = run("inbox", "-c", str(config), "--json")
    assert code == 0
    expected = {
        a["account"]: sum(
            m["status"] == "unanswered" and bool({"reply", "needs_person"} & set(m["outcomes"]))
            for m in a["messages"]
        )
        for a in json.loads(out)["accounts"]
    }
    code, out, _ = run("status", "-c", str(config), "--json")
    assert code == 0
    rows = {r["account"]: r["unanswered"] for r in json.loads(out)}
    assert rows == {"demo-studio": expected["demo-studio"], "demo-cafe": None}
    assert rows["demo-studio"] > 0
    code, out, _ = run("status", "-c", str(config))
    assert f"demo-studio: {rows['demo-studio']} unanswered message(s)" in out

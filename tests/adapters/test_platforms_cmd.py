"""``socialseed platforms``: the matrix comes from the modules' data; broken modules show a row."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.platforms import registry


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["platforms", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_matrix_shows_verbs_per_platform_and_x_tier() -> None:
    code, out, _ = run()
    assert code == 0
    lines: dict[str, str] = {}
    for line in out.splitlines():
        lines.setdefault(line.split("  ")[0], line)  # the table row comes before the details
    assert lines["bluesky"].split()[1:] == [
        "person", "yes", "person", "yes", "person", "person", "yes", "yes"
    ]  # fmt: skip
    assert lines["x (pro)"].split()[2:] == ["-", "-", "-", "-", "person", "person", "yes", "yes"]
    assert lines["x (enterprise)"].split()[2] == "person"
    assert lines["instagram"].split()[1:] == ["-", "-", "-", "-", "-", "person", "yes", "-"]
    assert "hard caps: follow 7,500 in total" in out
    assert "shared budget: statuses: 300 per 3 h (reply 1, repost 1;" in out
    assert "shared budget: follows per day: 400 per day (follow 1;" in out  # X, enterprise
    assert "not offered: follow: X removed Following, Likes and Quote-Posts" in out
    assert "forbidden: hashtag_auto_like" in out
    assert "cost per action: hide_comment $0.015" in out


def test_json_matrix_is_data() -> None:
    code, out, _ = run("--json")
    assert code == 0
    rows = {(r["platform"], r["tier"]): r for r in json.loads(out)["platforms"]}
    bsky = rows[("bluesky", None)]
    assert bsky["requires_human"] == ["follow", "like", "reply", "repost"]
    assert bsky["write_points"]["follow"] == 3
    shared = {(b["name"], b["limit"], b["window_seconds"]) for b in bsky["budgets"]}
    assert shared == {("write points per hour", 5000, 3600), ("write points per day", 35000, 86400)}
    assert bsky["budgets"][0]["costs"]["follow"] == 3 and bsky["budgets"][0]["costs"]["unlike"] == 1
    assert rows[("x", "enterprise")]["supports"] == sorted(
        ["follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute"]
    )
    assert rows[("x", "pay_per_use")]["unfollow_non_followers"] is False
    assert rows[("tiktok", None)]["sources"] == ["commenters"]
    assert "2020-06-29" in rows[("instagram", None)]["not_offered"]["like"]


def test_a_module_that_fails_to_import_gets_an_error_row(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = {**registry.MODULES, "myspace": "socialseed.platforms.myspace_missing"}
    monkeypatch.setattr(registry, "MODULES", modules)
    code, out, err = run()
    assert code == 0
    assert "myspace" in out and "error: cannot load socialseed.platforms.myspace_missing" in out
    assert "bluesky" in out
    assert "warning: myspace" in err
    code, out, _ = run("--json")
    row = next(r for r in json.loads(out)["platforms"] if r["platform"] == "myspace")
    assert "ModuleNotFoundError" in row["error"]

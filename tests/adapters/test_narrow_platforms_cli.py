"""Instagram and TikTok through the CLI: ``platforms --json`` lists only the verbs their APIs
offer, and ``validate`` refuses (at the line) what they lack: follow, like or repost targeting,
and personal accounts, which have no comment API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app

CONFIG = """\
version: 1
accounts:
  - id: shop
    platform: {platform}
    handle: studio
    phases: calm
    targeting: [grow]
{extra}phases:
  calm:
    - {{name: steady, daily: {{reply: 50}}}}
targeting:
  grow:
    sources:
      - commenters: own
    actions: {actions}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, platform: str, actions: str, extra: str = "") -> Path:
    path = tmp_path / "socialseed.yaml"
    path.write_text(CONFIG.format(platform=platform, actions=actions, extra=extra))
    return path


def test_platforms_json_lists_only_replies_and_hiding_for_both() -> None:
    code, out, err = run("platforms", "--json")
    assert code == 0, err
    data = json.loads(out)
    rows = {p["platform"]: p for p in (data if isinstance(data, list) else data["platforms"])}
    for name in ("instagram", "tiktok"):
        assert rows[name]["supports"] == ["hide_comment", "reply"]
        assert rows[name]["sources"] == ["commenters"]
        assert set(rows[name]["not_offered"]) == {
            "follow",
            "like",
            "mute",
            "repost",
            "unfollow",
            "unlike",
        }


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_validate_refuses_follow_and_like_targeting_at_its_line(
    platform: str, tmp_path: Path
) -> None:
    path = write(tmp_path, platform, "{follow: true, like_recent: 1, hide_spam_comments: true}")
    code, _, err = run("validate", "-c", str(path))
    assert code == 1
    assert (
        f"{path}, line 15, column 23: targeting.grow.actions.follow: shop: {platform} does not offer follow"
        in err
    )
    assert "targeting.grow.actions.like_recent" in err and "does not offer like" in err
    assert "it offers hide_comment, reply" in err
    assert "hide_spam_comments" not in err.split("hint")[0]


def test_validate_passes_hiding_spam_on_tiktok(tmp_path: Path) -> None:
    path = write(tmp_path, "tiktok", "{hide_spam_comments: true}")
    code, out, err = run("validate", "-c", str(path))
    assert code == 0, err
    assert out.startswith("ok: ")


@pytest.mark.parametrize(
    ("platform", "words"),
    [
        ("tiktok", "a personal TikTok account has no comment API (Login Kit and Content Posting"),
        ("instagram", "a personal Instagram account has no API at all"),
    ],
)
def test_validate_says_plainly_that_personal_accounts_have_no_comment_api(
    platform: str, words: str, tmp_path: Path
) -> None:
    path = write(tmp_path, platform, "{hide_spam_comments: true}", "    account_type: personal\n")
    code, _, err = run("validate", "-c", str(path))
    assert code == 1
    assert f"{path}, line 8, column 19: accounts[0].account_type: {words}" in err


def test_validate_refuses_a_business_id_on_another_platform(tmp_path: Path) -> None:
    path = write(tmp_path, "instagram", "{hide_spam_comments: true}", "    business_id: b-1\n")
    code, _, err = run("validate", "-c", str(path))
    assert code == 1 and "only tiktok accounts take a business_id" in err

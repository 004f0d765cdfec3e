"""``validate`` reports every capability error ``plan`` raises before any network call.

One config per platform (and X tier): validate exits 1 with one ``file, line, column`` line per
refusal, read from the platform's own capability declarations; ``plan`` on the same config stops
with the first of them (same message, exit 1). Platforms that offer what is asked pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.errors import PolicyError
from socialseed.plan import policy
from socialseed.platforms import registry

runner = CliRunner()

ACCOUNT = """\
version: 1
accounts:
  - id: studio
    platform: {platform}
    handle: studio.example{extra}
    phases: gentle
    targeting: [film]
phases:
  gentle:
    - {{name: warmup, daily: {{follow: 10, reply: 5}}}}
targeting:
  film:
    sources:
      - {source}
    actions: {{{actions}}}
"""
EXTRA = {
    "mastodon": "\n    instance: https://mastodon.example",
    "x": "\n    client_id: app\n    client_secret: env/X_SECRET",
    "instagram": "\n    client_id: app\n    client_secret: env/IG_SECRET",
    "tiktok": "\n    client_id: app\n    client_secret: env/TT_SECRET",
}


def config(
    tmp_path: Path, platform: str, *, source: str, actions: str, tier: str | None = None
) -> Path:
    extra = EXTRA.get(platform, "")
    if tier:
        extra += f"\n    access_tier: {tier}"
    path = tmp_path / "socialseed.yaml"
    path.write_text(ACCOUNT.format(platform=platform, extra=extra, source=source, actions=actions))
    return path


def lines_at(path: Path) -> dict[int, str]:
    return {n: line for n, line in enumerate(path.read_text().splitlines(), start=1)}


def column(path: Path, line: int, text: str) -> int:
    return lines_at(path)[line].index(text) + 1


def validate(path: Path) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, [
        line for line in result.output.splitlines() if line.startswith(str(path))
    ]


def plan_error(path: Path) -> str:
    result = runner.invoke(app, ["plan", "-c", str(path)])
    assert result.exit_code == 1, result.output
    return result.output.splitlines()[0].removeprefix("Error: ")


def assert_located(found: list[str], path: Path, expected: list[tuple[str, str, str]]) -> None:
    """Each line: the file, the line and column of the key, its path, then the refusal."""
    assert len(found) == len(expected), found
    for got, (key_text, field, message) in zip(found, expected, strict=True):
        line = next(n for n, t in lines_at(path).items() if key_text.replace("|", "") in t)
        at = column(path, line, key_text.replace("|", "")) + max(key_text.find("|"), 0)
        where = f"{path}, line {line}, column {at}"
        assert got.startswith(f"{where}: {field}: studio: {message}"), got


def test_x_pay_per_use_follow_and_hashtag_like(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        "x",
        tier="pay_per_use",
        source="hashtag: film",
        actions="follow: true, like_recent: 2",
    )
    code, found = validate(path)
    assert code == 1
    assert_located(
        found,
        path,
        [
            ("true", "targeting.film.actions.follow", "x (pay_per_use tier) does not offer follow: X removed"),
            ("2}", "targeting.film.actions.like_recent", "x (pay_per_use tier) does not offer like: X removed"),
            ("2}", "targeting.film.actions.like_recent", "x (pay_per_use tier) forbids hashtag_auto_like:"),
        ],
    )  # fmt: skip
    assert any(plan_error(path) in line for line in found)


@pytest.mark.parametrize("tier", ["basic", "pro"])
def test_x_self_serve_unfollow_churn(tmp_path: Path, tier: str) -> None:
    path = config(
        tmp_path,
        "x",
        tier=tier,
        source="search: film",
        actions="unfollow_non_followers_after_days: 7",
    )
    code, found = validate(path)
    assert code == 1
    assert_located(
        found,
        path,
        [
            ("7}", "targeting.film.actions.unfollow_non_followers_after_days", f"x ({tier} tier) does not offer unfollow:"),
            ("7}", "targeting.film.actions.unfollow_non_followers_after_days", f"x ({tier} tier) does not allow unfollowing accounts that did not follow back"),
        ],
    )  # fmt: skip
    assert any(plan_error(path) in line for line in found)


def test_x_enterprise_follow_passes_but_churn_does_not(tmp_path: Path) -> None:
    path = config(
        tmp_path, "x", tier="enterprise", source="followers_of: '@a'", actions="follow: true"
    )
    assert validate(path)[0] == 0
    path = config(
        tmp_path,
        "x",
        tier="enterprise",
        source="followers_of: '@a'",
        actions="follow: true, unfollow_non_followers_after_days: 7",
    )
    code, found = validate(path)
    assert code == 1
    assert [re.sub(r"^.*?: targeting", "targeting", f).split(":")[0] for f in found] == [
        "targeting.film.actions.unfollow_non_followers_after_days",
        "targeting.film.actions.unfollow_non_followers_after_days",
    ]
    assert "forbids follow_unfollow_churn" in found[1]


def test_instagram_hashtag_source_and_follow(tmp_path: Path) -> None:
    path = config(tmp_path, "instagram", source="hashtag: film", actions="follow: true")
    code, found = validate(path)
    assert code == 1
    assert_located(
        found,
        path,
        [
            ("hashtag: |film", "targeting.film.sources[0].hashtag", "instagram offers no hashtag discovery (targeting 'film'); it offers commenters"),
            ("true", "targeting.film.actions.follow", "instagram does not offer follow:"),
        ],
    )  # fmt: skip
    assert plan_error(path) == (
        "studio: instagram offers no hashtag discovery (targeting 'film'); it offers commenters"
    )


def test_instagram_own_comments_pass(tmp_path: Path) -> None:
    path = config(
        tmp_path, "instagram", source="commenters: own", actions="hide_spam_comments: true"
    )
    assert validate(path)[0] == 0


@pytest.mark.parametrize("verb", ["follow", "like", "repost"])
def test_tiktok_follow_like_repost(tmp_path: Path, verb: str) -> None:
    key = {"follow": "follow: true", "like": "like_recent: 1", "repost": "repost_recent: 1"}[verb]
    path = config(tmp_path, "tiktok", source="commenters: own", actions=key)
    code, found = validate(path)
    assert code == 1
    field = key.split(":")[0]
    value = key.split(": ")[1] + "}"
    assert_located(
        found, path, [(value, f"targeting.film.actions.{field}", f"tiktok does not offer {verb}:")]
    )
    assert any(plan_error(path) in line for line in found)


def test_mastodon_hide_comments_and_commenters(tmp_path: Path) -> None:
    path = config(
        tmp_path, "mastodon", source="commenters: own", actions="hide_spam_comments: true"
    )
    code, found = validate(path)
    assert code == 1
    assert_located(
        found,
        path,
        [
            ("commenters: |own", "targeting.film.sources[0].commenters", "mastodon offers no commenters discovery"),
            ("true", "targeting.film.actions.hide_spam_comments", "mastodon does not offer hide_comment: Mastodon has no per-reply hide"),
        ],
    )  # fmt: skip


@pytest.mark.parametrize("platform", ["bluesky", "sandbox"])
def test_platforms_that_offer_everything_asked_pass(tmp_path: Path, platform: str) -> None:
    actions = (
        "follow: true, like_recent: 1, repost_recent: 1, hide_spam_comments: true, "
        "unfollow_non_followers_after_days: 30"
    )
    path = config(tmp_path, platform, source="hashtag: film", actions=actions)
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {path}")


def test_a_disabled_account_is_not_checked(tmp_path: Path) -> None:
    path = config(tmp_path, "tiktok", source="commenters: own", actions="follow: true")
    path.write_text(
        path.read_text().replace("    phases: gentle", "    enabled: false\n    phases: gentle")
    )
    assert validate(path)[0] == 0  # plan leaves it out too


def test_checks_follow_the_declared_capabilities(tmp_path: Path) -> None:
    """No rule table of its own: validate agrees with policy.check_account for every tier."""
    from socialseed.config.load import load_config

    for platform, tier in [("x", t) for t in ("pay_per_use", "basic", "pro", "enterprise")] + [
        ("instagram", None), ("tiktok", None), ("mastodon", None), ("bluesky", None)
    ]:  # fmt: skip
        path = config(
            tmp_path,
            platform,
            tier=tier,
            source="hashtag: film",
            actions="follow: true, like_recent: 1, repost_recent: 1, hide_spam_comments: true",
        )
        cfg = load_config(path)
        account = cfg.accounts[0]
        caps = registry.capabilities(platform, account)
        refused = policy.account_refusals(account, {"film": cfg.targeting["film"]}, caps)
        code, found = validate(path)
        assert code == (1 if refused else 0), (platform, tier)
        assert len(found) == len(refused)
        if refused:
            with pytest.raises(PolicyError) as raised:
                policy.check_account(account, {"film": cfg.targeting["film"]}, caps)
            assert raised.value.message in found[0]

"""X hide-reply needs ``tweet.moderate.write``: login asks for it, and ``auth status`` names the
scopes a connected account lacks for the verbs its config uses."""

from __future__ import annotations

from datetime import date

from socialseed.auth.grant import Grant
from socialseed.auth.scopes import config_verbs, missing_scopes
from socialseed.auth.status import MISSING_SCOPES, OK, statuses
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.config.schema import Config
from tests.auth.conftest import NOW
from tests.auth.oauth_server import OAuthServer
from tests.auth.test_oauth_roundtrip import BrowserIO, login, requests

OLD_X_SCOPES = ("tweet.read", "tweet.write", "users.read", "mute.write", "offline.access")


def config(hide: bool, conversations: bool = False) -> Config:
    data: dict[str, object] = {
        "accounts": [
            {
                "id": "x-main",
                "platform": "x",
                "handle": "studio",
                "phases": "std",
                "targeting": ["mine"],
                "start_date": date(2026, 11, 1).isoformat(),
                **({"conversations": "inbox"} if conversations else {}),
            }
        ],
        "phases": {"std": [{"name": "growth", "daily": {"repost": 5}}]},
        "targeting": {
            "mine": {
                "sources": [{"hashtag": "film"}],
                "actions": {"repost_recent": 1, "hide_spam_comments": hide},
            }
        },
    }
    if conversations:
        data["conversations"] = {
            "inbox": {"rules": [{"name": "spam", "match": {"spam": True}, "then": {"mute": True}}]}
        }
    return Config.model_validate(data)


async def test_x_login_asks_for_the_moderation_scope(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    await login(oauth_server, vault, clock, BrowserIO())
    (authorize,) = requests(oauth_server, "/authorize")
    assert "tweet.moderate.write" in authorize["scope"].split()


def test_status_names_the_scope_a_hiding_config_lacks(vault: Vault) -> None:
    vault.put("x-main", Grant(access_token="tok-123456789", scopes=OLD_X_SCOPES), now=NOW)
    (row,) = statuses(config(hide=True), {}, vault, NOW)
    assert row.state == MISSING_SCOPES and not row.usable
    assert row.problem == (
        "the token lacks tweet.moderate.write (for hide_comment); log in again to grant them"
    )
    (fine,) = statuses(config(hide=False), {}, vault, NOW)
    assert fine.state == OK  # reposts need tweet.write, which it has


def test_conversation_rules_count_and_unknown_scopes_are_not_judged(vault: Vault) -> None:
    cfg = config(hide=False, conversations=True)
    assert config_verbs(cfg, cfg.accounts[0]) == {"repost", "mute"}
    assert missing_scopes("x", ("tweet.write",), {"repost", "mute"}) == {"mute.write": ["mute"]}
    assert missing_scopes("bluesky", (), {"follow", "hide_comment"}) == {}
    vault.put("x-main", Grant(access_token="tok-123456789"), now=NOW)  # scopes not recorded
    (row,) = statuses(config(hide=True), {}, vault, NOW)
    assert row.state == OK


def test_tiktok_and_instagram_replies_need_their_comment_scopes() -> None:
    granted = ("user.info.basic", "video.list", "comment.list")
    assert missing_scopes("tiktok", granted, {"reply", "hide_comment"}) == {
        "comment.list.manage": ["hide_comment", "reply"]
    }
    assert missing_scopes("instagram", ("instagram_business_basic",), {"reply"}) == {
        "instagram_business_manage_comments": ["reply"]
    }

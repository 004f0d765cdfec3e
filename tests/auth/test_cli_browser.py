"""The real CLI in a terminal: browser login to a Mastodon-shaped server on 127.0.0.1, the
one-shot loopback listener, and the token stored only as ciphertext."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pexpect

from socialseed.auth.keys import new_key_text
from tests.auth.conftest import file_bytes
from tests.auth.oauth_server import OAuthServer

EXE = str(Path(sys.executable).with_name("socialseed"))


def test_browser_login_in_a_terminal(oauth_server: OAuthServer, tmp_path: Path) -> None:
    cfg = tmp_path / "socialseed.yaml"
    cfg.write_text(
        "version: 1\n"
        "accounts:\n"
        f"  - {{id: masto, platform: mastodon, handle: studio, phases: std,"
        f" instance: '{oauth_server.base}'}}\n"
        "phases:\n  std:\n    - {name: warmup, daily: {follow: 5}}\n"
    )
    state = tmp_path / "state.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "SOCIALSEED_NO_INPUT"}
    env.update(
        SOCIALSEED_STATE=str(state),
        SOCIALSEED_KEY=new_key_text(),
        BROWSER="true",
        SOCIALSEED_KEYRING="off",
        COLUMNS="500",
    )
    child = pexpect.spawn(
        EXE, ["auth", "login", "masto", "-c", str(cfg)], env=env, encoding="utf-8", timeout=30
    )
    child.expect(r"(http://127\.0\.0\.1:\d+/oauth/authorize\?\S+)")
    url = child.match.group(1)
    child.expect("Waiting up to")
    assert httpx.get(url, follow_redirects=True, timeout=10).status_code == 200  # the browser
    child.expect("Connected 'masto' \\(mastodon\\) as @studio")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    token = next(iter(oauth_server.state.live_access))
    assert token.encode() not in file_bytes(state)
    assert oauth_server.state.client_secret is not None
    assert oauth_server.state.client_secret.encode() not in file_bytes(state)

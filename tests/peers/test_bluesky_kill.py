"""Kill -9 a real ``socialseed apply`` against Bluesky's reference PDS, resume, and read back.

A fresh account's approved plan follows 8 other fresh accounts and likes 12 posts. ``apply`` runs as
a subprocess on the real clock and is SIGKILLed mid-run at seeded random moments (after a few
calls have started, a few milliseconds in), then resumed to the end. The PDS's own
``com.atproto.repo.listRecords`` must then hold each follow and each like exactly once, and
the journal must show each action finished once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model import Action, Risk, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.state.db import open_state
from tests.apply.fakes import approve
from tests.apply.killing import kill_after
from tests.peers.conftest import Peer
from tests.peers.test_bluesky_pds import records

TIMEOUT = 30.0
KILLS = 6
FOLLOWS, LIKES = 8, 12
ACCOUNT = "kill-bsky"
CONFIG = """\
version: 1
accounts:
  - id: kill-bsky
    platform: bluesky
    handle: {handle}
    service: {url}
    credentials: env/KILL_BSKY_APP_PASSWORD
    phases: std
    start_date: 2026-11-01
phases:
  std:
    - {{name: growth, daily: {{follow: 100, like: 100}}}}
"""


def post(peer: Peer, path: str, body: dict[str, Any], token: str = "") -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = httpx.post(f"{peer.url}/xrpc/{path}", json=body, headers=headers, timeout=TIMEOUT)
    r.raise_for_status()
    return dict(r.json())


def new_accounts(peer: Peer, n: int) -> list[dict[str, str]]:
    """``n`` fresh accounts of this test's own (the PDS serves the whole session: alice, bob
    and carol stay as the other tests expect them)."""
    run = uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        handle, password = f"k{run}{i}.test", f"pass-{run}"
        body = {"handle": handle, "email": f"{handle}@example.com", "password": password}
        made = post(peer, "com.atproto.server.createAccount", body)
        out.append({"did": str(made["did"]), "handle": handle, "password": password})
    return out


def session(peer: Peer, who: dict[str, str]) -> str:
    login = {"identifier": who["handle"], "password": who["password"]}
    return str(post(peer, "com.atproto.server.createSession", login)["accessJwt"])


def posts_of(peer: Peer, author: dict[str, str], n: int) -> list[Target]:
    token = session(peer, author)
    out = []
    for i in range(n):
        record = {
            "$type": "app.bsky.feed.post",
            "text": f"roll {i}",
            "createdAt": "2026-11-25T09:00:00Z",
        }
        body = {"repo": author["did"], "collection": "app.bsky.feed.post", "record": record}
        made = post(peer, "com.atproto.repo.createRecord", body, token)
        uri, cid = str(made["uri"]), str(made["cid"])
        ref = {"uri": uri, "cid": cid}
        out.append(Target("post", uri, author["handle"], post_id=uri, ref=ref))
    return out


def app_password(peer: Peer, who: dict[str, str]) -> str:
    """A fresh app password (xxxx-xxxx-xxxx-xxxx), as a person would give SocialSeed."""
    body = {"name": uuid.uuid4().hex}
    made = post(peer, "com.atproto.server.createAppPassword", body, session(peer, who))
    return str(made["password"])


def action(verb: Verb, target: Target, seq: int) -> Action:
    return Action(
        id=action_id(ACCOUNT, verb.value, target),
        account=ACCOUNT,
        platform="bluesky",
        verb=verb,
        target=target,
        reason="kill test",
        risk=Risk.GREEN,
        seq=seq,
    )


def approved_plan(
    tmp_path: Path, peer: Peer, handle: str, actions: list[Action]
) -> tuple[Path, Path]:
    config = tmp_path / "socialseed.yaml"
    config.write_text(CONFIG.format(url=peer.url, handle=handle))
    now = datetime.now(UTC).replace(microsecond=0)
    plan = Plan(
        actions,
        created_at=now,
        expires_at=now + timedelta(hours=24),
        config_sha256=config_digest(load_config(config)),
        accounts=[AccountPlan(ACCOUNT, "bluesky", "growth", 1, None, 0)],
    )
    db = open_state(tmp_path / "state.sqlite")
    approve(db, plan, actions, now=now)
    db.conn.close()
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json())
    return config, plan_path


def start(config: Path, plan: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "socialseed", "apply", str(plan), "-c", str(config)]
    return subprocess.Popen(
        [*cmd, "--yes", "--json"], env=env, stdout=subprocess.PIPE, text=True, cwd=plan.parent
    )


def test_apply_killed_mid_run_on_the_pds_leaves_each_record_once(
    bsky_peer: Peer, tmp_path: Path
) -> None:
    me, poster, *others = new_accounts(bsky_peer, 2 + FOLLOWS)
    targets = [Target("account", o["did"], o["handle"]) for o in others]
    follows = [action(Verb.FOLLOW, t, i) for i, t in enumerate(targets)]
    likes = [action(Verb.LIKE, t, i) for i, t in enumerate(posts_of(bsky_peer, poster, LIKES), 100)]
    config, plan = approved_plan(tmp_path, bsky_peer, me["handle"], follows + likes)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALSEED_")}
    env |= {
        "SOCIALSEED_STATE": str(tmp_path / "state.sqlite"),
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "tester@example.com",
        "KILL_BSKY_APP_PASSWORD": app_password(bsky_peer, me),
        "NO_COLOR": "1",
    }
    rng = random.Random(20261202)
    kills = sum(
        kill_after(start(config, plan, env), calls=rng.randint(1, 3), delay=rng.uniform(0, 0.1))
        for _ in range(KILLS)
    )
    assert kills == KILLS, "a kill came after the run had ended"

    final = start(config, plan, env)
    out, _ = final.communicate(timeout=120)
    summary = json.loads(out.splitlines()[-1])
    assert final.returncode == 0, summary
    assert summary["failed"] == 0 and summary["skipped"] == 0, summary

    mine = me["did"]
    followed = Counter(
        r["value"]["subject"] for r in records(bsky_peer, mine, "app.bsky.graph.follow")
    )
    liked = Counter(
        r["value"]["subject"]["uri"] for r in records(bsky_peer, mine, "app.bsky.feed.like")
    )
    for a in follows:
        assert followed[a.target.id] == 1, f"{a.target.handle}: {followed[a.target.id]} follows"
    for a in likes:
        assert liked[a.target.id] == 1, f"{a.target.id}: {liked[a.target.id]} likes"

    rows = list(open_state(tmp_path / "state.sqlite")["journal"].rows_where(order_by="id"))
    for a in follows + likes:
        mine = [r for r in rows if r["action_id"] == a.id]
        finished = [
            r for r in mine if r["kind"] == "outcome" and r["status"] in ("done", "already")
        ]
        assert len(finished) == 1, f"{a.id}: {len(finished)} finished outcomes"
        assert mine[-1]["kind"] == "outcome", f"{a.id}: an intent was left unresolved"
    interrupted = 0  # intents whose outcome never came: the kill landed mid-call
    for a in follows + likes:
        mine = [r["kind"] for r in rows if r["action_id"] == a.id]
        interrupted += sum(1 for k, nxt in itertools.pairwise(mine) if k == nxt == "intent")
    print(
        f"\nPDS kill test: {kills} kills, {len(follows) + len(likes)} actions, "
        f"{interrupted} interrupted calls, 0 duplicates, 0 lost"
    )

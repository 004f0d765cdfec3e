"""Replies end to end, on the real servers: exactly once, threaded the platform's way, also
after a SIGKILL during apply, and never on top of a reply someone already wrote by hand.

Bob answers a post of Alice's; the plan proposes Alice's reply to Bob's message with three
drafted alternatives; the person approved alternative 2. Apply runs in a process of its own
(tests/peers/reply_apply.py), which is killed with SIGKILL just before or just after the
server took the reply; a second apply resumes. Every check reads the server's own records:
on the Bluesky PDS ``com.atproto.repo.listRecords`` (the reference PDS has no AppView), on
mastodon-mock ``GET /api/v1/statuses/:id/context``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model import Action, Decision, Risk, Target, Verb, action_id
from socialseed.model.conversations import Author, Conversation, Draft, Message, MessageSource
from socialseed.model.plan import AccountPlan, Plan
from socialseed.state.db import open_state
from socialseed.state.decisions import record_decision
from socialseed.state.plans import record_plan
from tests.peers.conftest import Peer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0
DRAFTS = ("Thank you, Bob!", "Thanks Bob, it was shot on Portra 400.", "Glad you like it, Bob.")
CHOSEN = DRAFTS[1]
CONFIG = """\
version: 1
accounts:
  - id: alice
    platform: {platform}
    handle: {handle}
    {where}: {url}
    phases: std
phases:
  std:
    - {{name: growth, daily: {{reply: 10}}}}
"""


@dataclass
class Thread:
    """One conversation on a server: Bob's message to Alice, and how to read Alice's replies."""

    platform: str
    account: dict[str, str]  # config fields: handle, where, url
    secret: str  # what the apply process logs in with
    target: Target  # Bob's message, as the plan's reply action aims at it
    replies: Callable[[], list[dict[str, Any]]]  # Alice's replies to the message, on the server
    expected_thread: dict[str, Any]  # what each reply must say about its place in the thread
    answer_by_hand: Callable[[], None]


# --- Bluesky PDS ------------------------------------------------------------------------------


def _bsky_login(peer: Peer, name: str) -> tuple[dict[str, str], str]:
    who = dict(next(a for a in peer.info["accounts"] if a["handle"] == f"{name}.test"))
    body = {"identifier": who["handle"], "password": who["password"]}
    r = httpx.post(f"{peer.url}/xrpc/com.atproto.server.createSession", json=body, timeout=TIMEOUT)
    r.raise_for_status()
    return who, str(r.json()["accessJwt"])


def _bsky_post(peer: Peer, name: str, text: str, reply: dict[str, Any] | None) -> dict[str, str]:
    who, token = _bsky_login(peer, name)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text}
    record["createdAt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if reply is not None:
        record["reply"] = reply
    r = httpx.post(
        f"{peer.url}/xrpc/com.atproto.repo.createRecord",
        json={"repo": who["did"], "collection": "app.bsky.feed.post", "record": record},
        headers={"authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    r.raise_for_status()
    return {"uri": r.json()["uri"], "cid": r.json()["cid"]}


def _bsky_records(peer: Peer, did: str) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
    r = httpx.get(f"{peer.url}/xrpc/com.atproto.repo.listRecords", params=params, timeout=TIMEOUT)
    r.raise_for_status()
    return list(r.json()["records"])


def bluesky_thread(peer: Peer) -> Thread:
    alice, bob = _bsky_login(peer, "alice")[0], _bsky_login(peer, "bob")[0]
    root = _bsky_post(peer, "alice", "Golden hour on the river", None)
    message = _bsky_post(peer, "bob", "Lovely light! Which film?", {"root": root, "parent": root})

    def replies() -> list[dict[str, Any]]:
        return [
            r["value"]
            for r in _bsky_records(peer, alice["did"])
            if ((r["value"].get("reply") or {}).get("parent") or {}).get("uri") == message["uri"]
        ]

    def by_hand() -> None:
        _bsky_post(peer, "alice", "Portra, thanks!", {"root": root, "parent": message})

    ref = {**message, "root_uri": root["uri"], "root_cid": root["cid"]}
    return Thread(
        platform="bluesky",
        account={"handle": alice["handle"], "where": "service", "url": peer.url},
        secret=alice["password"],
        target=Target("post", bob["did"], bob["handle"], message["uri"], ref, DRAFTS[0]),
        replies=replies,
        expected_thread={"reply": {"root": root, "parent": message}},
        answer_by_hand=by_hand,
    )


# --- mastodon-mock --------------------------------------------------------------------------


def _masto(peer: Peer, method: str, path: str, token: str, **kw: Any) -> Any:
    headers = {"authorization": f"Bearer {token}"}
    r = httpx.request(method, peer.url + path, headers=headers, timeout=TIMEOUT, **kw)
    r.raise_for_status()
    return r.json()


def mastodon_thread(peer: Peer) -> Thread:
    post = _masto(peer, "POST", "/api/v1/statuses", "alice_token", data={"status": "Golden hour"})
    message = _masto(
        peer, "POST", "/api/v1/statuses", "bob_token",
        data={"status": "@alice Lovely light! Which film?", "in_reply_to_id": post["id"]},
    )  # fmt: skip
    mid = str(message["id"])

    def replies() -> list[dict[str, Any]]:
        context = _masto(peer, "GET", f"/api/v1/statuses/{mid}/context", "alice_token")
        return [
            {"in_reply_to_id": s["in_reply_to_id"], "text": s["content"]}
            for s in context["descendants"]
            if s["account"]["username"] == "alice"
        ]

    def by_hand() -> None:
        form = {"status": "@bob Portra, thanks!", "in_reply_to_id": mid}
        _masto(peer, "POST", "/api/v1/statuses", "alice_token", data=form)

    bob = message["account"]
    return Thread(
        platform="mastodon",
        account={"handle": "alice", "where": "instance", "url": peer.url},
        secret="alice_token",
        target=Target("post", str(bob["id"]), bob["username"], mid, {}, DRAFTS[0]),
        replies=replies,
        expected_thread={"in_reply_to_id": mid},
        answer_by_hand=by_hand,
    )


@pytest.fixture(params=["bluesky", "mastodon"])
def thread(request: pytest.FixtureRequest) -> Iterator[Thread]:
    if request.param == "bluesky":
        yield bluesky_thread(request.getfixturevalue("bsky_peer"))
        return
    peer: Peer = request.getfixturevalue("masto_peer")
    httpx.post(f"{peer.url}/api/v1/_mock/reset", timeout=TIMEOUT).raise_for_status()
    yield mastodon_thread(peer)


# --- the plan, the approval, the apply process ------------------------------------------------


@dataclass
class Setup:
    config: Path
    state: Path
    plan: Plan
    action: Action


def approved_reply(thread: Thread, tmp_path: Path) -> Setup:
    config = tmp_path / "socialseed.yaml"
    config.write_text(CONFIG.format(platform=thread.platform, **thread.account))
    now = datetime.now(UTC)
    message = Message(
        id=str(thread.target.post_id),
        platform=thread.platform,
        account="alice",
        source=MessageSource.REPLY,
        author=Author(id=thread.target.id, handle=thread.target.handle, name="Bob"),
        text="Lovely light! Which film?",
        created_at=now - timedelta(minutes=5),
        ref=dict(thread.target.ref),
    )
    drafts = tuple(Draft(t, "template:thanks") for t in DRAFTS)
    action = Action(
        id=action_id("alice", Verb.REPLY.value, thread.target),
        account="alice",
        platform=thread.platform,
        verb=Verb.REPLY,
        target=thread.target,
        reason="rule gear matched bob's reply",
        risk=Risk.GREEN,
        requires_human=True,
        conversation=Conversation(message=message, rule="gear", drafts=drafts),
    )
    plan = Plan(
        [action],
        created_at=now,
        expires_at=now + timedelta(hours=2),
        config_sha256=config_digest(load_config(config)),
        accounts=[AccountPlan("alice", thread.platform, "growth", 1, None, 0)],
    )
    state = tmp_path / "state.sqlite"
    db = open_state(state)
    record_plan(db, plan)
    record_decision(
        db,
        Decision(
            plan.id, action.id, "approve", "person@example.com", now, "",
            expires_at=now + timedelta(hours=2), text=CHOSEN, choice=2,
        ),
    )  # fmt: skip
    return Setup(config, state, plan, action)


def apply(
    setup: Setup, thread: Thread, kill: str | None = None
) -> subprocess.CompletedProcess[str]:
    args = [str(setup.config), str(setup.state), setup.plan.id, thread.platform, thread.secret]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.peers.reply_apply",
            *args,
            *(["--kill", kill] if kill else []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def journal(setup: Setup) -> list[tuple[str, str]]:
    rows = open_state(setup.state)["journal"].rows_where(order_by="id")
    return [(str(r["kind"]), str(r["status"])) for r in rows]


def assert_one_reply(thread: Thread) -> None:
    [reply] = thread.replies()
    for key, value in thread.expected_thread.items():
        assert reply[key] == value
    assert CHOSEN in reply["text"]


# --- the tests --------------------------------------------------------------------------------


def test_the_reply_exists_once_with_the_right_thread_refs(thread: Thread, tmp_path: Path) -> None:
    setup = approved_reply(thread, tmp_path)
    done = apply(setup, thread)
    assert done.returncode == 0, done.stdout + done.stderr
    assert_one_reply(thread)
    assert journal(setup) == [("intent", "started"), ("outcome", "done")]

    again = apply(setup, thread)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "done by an earlier run" in again.stdout
    assert_one_reply(thread)


@pytest.mark.parametrize("moment", ["after-write", "before-write"])
def test_sigkill_during_apply_then_resume_leaves_exactly_one_reply(
    thread: Thread, tmp_path: Path, moment: str
) -> None:
    setup = approved_reply(thread, tmp_path)
    killed = apply(setup, thread, kill=moment)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    assert journal(setup) == [("intent", "started")]  # died mid-call: no outcome row
    assert len(thread.replies()) == (1 if moment == "after-write" else 0)

    resumed = apply(setup, thread)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert_one_reply(thread)
    if moment == "after-write":
        assert "done confirmed by the platform after an interrupted attempt" in resumed.stdout
        assert journal(setup) == [("intent", "started"), ("outcome", "done")]
    else:
        assert journal(setup) == [("intent", "started"), ("intent", "started"), ("outcome", "done")]


def test_a_message_answered_by_hand_since_the_plan_is_skipped(
    thread: Thread, tmp_path: Path
) -> None:
    setup = approved_reply(thread, tmp_path)
    thread.answer_by_hand()
    skipped = apply(setup, thread)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert f"{setup.action.id} skipped already answered" in skipped.stdout
    assert len(thread.replies()) == 1 and CHOSEN not in thread.replies()[0]["text"]
    assert journal(setup) == [("outcome", "skipped")]

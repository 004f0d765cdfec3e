"""X: a plan's reply, approved with its text, goes out as the documented request; before it,
the account's own timeline is read to answer each message once.

Documented shapes (shared PLATFORMS.md §1 and §8): ``POST /2/tweets`` with
``{"text", "reply": {"in_reply_to_tweet_id"}}`` answers 201 ``{"data": {"id", "text"}}``;
``GET /2/users/:id/tweets`` lists our posts with ``referenced_tweets`` (``replied_to``).
"""

from __future__ import annotations

import random
from datetime import timedelta

from socialseed.apply.executor import Applier, Report
from socialseed.clock import FakeClock
from socialseed.config.digest import config_digest
from socialseed.config.schema import Config
from socialseed.conversations.guards import text_guard
from socialseed.model import Action, Decision, Risk, Target, Verb, action_id
from socialseed.model.conversations import Author, Conversation, Draft, Message, MessageSource
from socialseed.model.plan import AccountPlan, Plan
from socialseed.platforms import x
from socialseed.state import locks
from socialseed.state.db import open_state
from socialseed.state.decisions import record_decision
from socialseed.state.plans import record_plan
from tests.adapters.harness import NOW, Reply, Server, account, deps, fixture

DRAFTS = ("@alice thank you!", "@alice thanks, it was Portra 400.")
ME = locks.Me(owner="tester", host="testhost", pid=4242)


def fx(name: str) -> object:
    return fixture("x", name)


def reply_to(message_id: str) -> Action:
    target = Target("post", "2001", "alice", post_id=message_id, text=DRAFTS[0])
    message = Message(
        id=message_id,
        platform="x",
        account="my-x",
        source=MessageSource.MENTION,
        author=Author(id="2001", handle="alice"),
        text="@Me_Studio which film?",
        created_at=NOW - timedelta(hours=1),
    )
    return Action(
        id=action_id("my-x", "reply", target),
        account="my-x",
        platform="x",
        verb=Verb.REPLY,
        target=target,
        reason="rule gear",
        risk=Risk.GREEN,
        requires_human=True,
        conversation=Conversation(message, "gear", tuple(Draft(t, "template:kit") for t in DRAFTS)),
    )


async def apply_one(srv: Server, action: Action, tmp_path: object) -> Report:
    acc = account("x", handle="me_studio")
    cfg = Config.model_validate(
        {
            "accounts": [acc.model_dump()],
            "phases": {"standard": [{"name": "growth", "daily": {"reply": 5}}]},
        }
    )
    plan = Plan(
        [action],
        created_at=NOW,
        expires_at=NOW + timedelta(hours=2),
        config_sha256=config_digest(cfg),
        accounts=[AccountPlan("my-x", "x", "growth", 1, None, 0)],
    )
    db = open_state(f"{tmp_path}/state.sqlite")
    record_plan(db, plan)
    record_decision(
        db,
        Decision(plan.id, action.id, "approve", "p@example.com", NOW,
                 expires_at=NOW + timedelta(hours=2), text=DRAFTS[1], choice=2),
    )  # fmt: skip
    applier = Applier(
        db,
        plan,
        cfg,
        clock=FakeClock(NOW),
        rng=random.Random(1),
        platform_for=lambda a: x.build(a, deps(srv)),
        me=ME,
        reply_guard=text_guard(cfg),
    )
    return await applier.run()


async def test_the_approved_reply_is_posted_with_in_reply_to_tweet_id(tmp_path: object) -> None:
    srv = Server(x.ENDPOINTS, "api.x.com").on("me", fx("me")).on("user_posts", fx("own_posts"))
    srv.on("post", fx("post_quotes_me")).on("create_post", Reply(201, fx("create_post")))
    report = await apply_one(srv, reply_to("5101"), tmp_path)

    assert [(s.method, s.path) for s in srv.seen] == [
        ("GET", "/2/users/me"),
        ("GET", "/2/users/1000/tweets"),  # answered already? our own timeline first
        ("GET", "/2/tweets/5101"),  # self-serve: summoned (quoted us)?
        ("POST", "/2/tweets"),
    ]
    timeline = srv.only("user_posts")[0].params()
    assert timeline["max_results"] == "100" and "referenced_tweets" in timeline["tweet.fields"]
    assert srv.only("create_post")[0].json() == {
        "text": "@alice thanks, it was Portra 400.",
        "reply": {"in_reply_to_tweet_id": "5101"},
    }
    assert [(r.status, r.detail) for r in report.results] == [("done", "")]


async def test_a_mention_we_already_replied_to_is_not_posted_again(tmp_path: object) -> None:
    srv = Server(x.ENDPOINTS, "api.x.com").on("me", fx("me")).on("user_posts", fx("own_posts"))
    report = await apply_one(srv, reply_to("5100"), tmp_path)  # own post 6002 replied_to 5100

    assert "create_post" not in srv.names()
    [result] = report.results
    assert result.status == "skipped"
    assert result.detail.startswith(
        "already answered: the account's reply to this message is there (6002)"
    )


async def test_confirm_names_our_reply_after_an_interrupted_attempt() -> None:
    srv = Server(x.ENDPOINTS, "api.x.com").on("me", fx("me"))
    srv.on("user_posts", fx("own_posts"), fx("own_posts"))
    platform = x.build(account("x", handle="me_studio"), deps(srv))
    found = await platform.confirm(reply_to("5100"))
    assert found is not None and (found.status, found.remote_ref) == ("done", "6002")
    assert await platform.confirm(reply_to("5101")) is None

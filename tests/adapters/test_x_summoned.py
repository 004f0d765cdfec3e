"""X's "summoned" reply rule at plan time: decided from the posts the plan read, where it can."""

from __future__ import annotations

from typing import Any

import pytest

from socialseed.model import Action, Post, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.model.values import summoned
from socialseed.plan.policy import summoned_replies
from socialseed.platforms import _x_map, x
from tests.adapters.harness import Server, account, deps, fixture

TWEET_FIELDS = "created_at,public_metrics,author_id,referenced_tweets,entities,lang"
RULE = (
    "since 2026-02-23 X's self-serve tiers may reply programmatically only where the post's "
    "author summoned the account (@mentioned it or quoted one of its posts) "
    "(https://docs.x.com/changelog)"
)


def _reply(post: Post, handle: str) -> Action:
    """A reply to ``post`` as the planner targets posts (the post's ref travels along)."""
    target = Target("post", post.author_id, handle, post_id=post.id, ref=dict(post.ref), text="hi")
    return Action(
        id=action_id("my-x", "reply", target),
        account="my-x",
        platform="x",
        verb=Verb.REPLY,
        target=target,
        reason="test",
        risk=Risk.GREEN,
    )


async def _discovered() -> tuple[Server, list[Action]]:
    srv = Server(x.ENDPOINTS, "api.x.com")
    srv.on("me", fixture("x", "me")).on("mentions", fixture("x", "mentions"))
    srv.on("search_recent", fixture("x", "search_recent"))
    platform = x.build(account("x", handle="me_studio"), deps(srv))
    replies: list[Action] = []
    for source in (Source(SourceKind.COMMENTERS, "own"), Source(SourceKind.SEARCH, "film")):
        page = await platform.discover(source)
        replies += [_reply(p, prof.handle) for prof in page.profiles for p in prof.recent_posts]
    await platform.aclose()
    return srv, replies


async def test_a_self_serve_plan_leaves_out_replies_to_posts_that_do_not_summon_us() -> None:
    srv, replies = await _discovered()

    kept, notes = summoned_replies(replies, account("x", handle="me_studio"), x.capabilities(None))

    mentions = srv.only("mentions")[0]
    assert (mentions.method, mentions.path) == ("GET", "/2/users/1000/mentions")
    assert mentions.params()["tweet.fields"] == TWEET_FIELDS  # entities: the mentions are read
    assert srv.only("search_recent")[0].params()["tweet.fields"] == TWEET_FIELDS
    assert [a.target.post_id for a in kept] == ["5100"]  # "@me_studio love this"
    assert [a.target.ref for a in kept] == [{"mentions": "me_studio"}]
    assert len(notes) == 3  # posts 5001, 5003 (alice) and 5002 (bob) mention nobody
    first = next(a for a in replies if a.target.post_id == "5001")
    assert notes[0] == (
        f"left out reply {first.id} to post 5001 by @alice: the post neither mentions nor "
        f"quotes @me_studio; {RULE}"
    )


async def test_enterprise_keeps_every_reply() -> None:
    _, replies = await _discovered()
    enterprise = account("x", handle="me_studio", access_tier="enterprise")

    kept, notes = summoned_replies(replies, enterprise, x.capabilities(enterprise))

    assert kept == replies and notes == []


def test_a_quote_the_plan_cannot_attribute_is_left_to_the_check_before_sending() -> None:
    quoting: dict[str, Any] = dict(fixture("x", "post_quotes_me")["data"])  # type: ignore[index]
    post = _x_map.post(quoting)

    assert post.ref == {"mentions": "", "quotes": "1"}
    assert summoned(post.ref, "me_studio") is None
    kept, notes = summoned_replies(
        [_reply(post, "alice")], account("x", handle="me_studio"), x.capabilities(None)
    )
    assert len(kept) == 1 and notes == []


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ({"mentions": "alice me_studio"}, True),
        ({"mentions": "alice"}, False),
        ({"mentions": "", "quotes": "1"}, None),
        ({}, None),  # not read from X: the platform decides before sending
    ],
)
def test_summoned_reads_only_what_the_post_says(ref: dict[str, str], expected: bool | None) -> None:
    assert summoned(ref, "@Me_Studio") is expected

"""Plans, configs and platform packs for the review tests, built directly (no planner)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model import Action, Post, Profile, Risk, Score, Target, Verb, action_id
from socialseed.model.conversations import (
    Author,
    Conversation,
    Draft,
    Dropped,
    Message,
    MessageSource,
    ThreadPost,
)
from socialseed.model.plan import AccountPlan, Plan

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
NOW_TEXT = "2026-11-25T18:00:00Z"

CONFIG_YAML = """\
version: 1
accounts:
  - id: studio
    platform: sandbox
    handle: demo.studio
    phases: standard
  - id: bsky
    platform: bluesky
    handle: studio.example.com
    phases: standard
phases:
  standard:
    - {name: warmup, daily: {follow: 50, like: 50, unfollow: 50}}
policy:
  approval_ttl: 2h
"""


def write_config(directory: Path, text: str = CONFIG_YAML) -> Path:
    path = directory / "socialseed.yaml"
    path.write_text(text)
    return path


def digest_of(path: Path) -> str:
    return config_digest(load_config(path))


def profile(handle: str, platform: str = "sandbox") -> Profile:
    return Profile(
        platform=platform,
        id=f"id-{handle}",
        handle=handle,
        display_name=handle.split(".")[0].title(),
        bio=f"{handle} shoots 35mm film and develops at home",
        followers=420,
        following=210,
        posts=88,
        last_active=NOW - timedelta(days=2),
        has_avatar=True,
        recent_posts=(Post(id=f"post-{handle}", author_id=f"id-{handle}", text="Fresh roll"),),
    )


def action(
    handle: str,
    verb: Verb = Verb.FOLLOW,
    *,
    account: str = "studio",
    platform: str = "sandbox",
    risk: Risk = Risk.GREEN,
    requires_human: bool = False,
    auto_approved: bool = False,
    seq: int = 0,
) -> Action:
    post_id = f"post-{handle}" if verb in {Verb.LIKE, Verb.REPOST} else None
    target = Target(
        kind="post" if post_id else "account", id=f"id-{handle}", handle=handle, post_id=post_id
    )
    return Action(
        id=action_id(account, verb.value, target),
        account=account,
        platform=platform,
        verb=verb,
        target=target,
        reason=f"found via hashtag:filmphotography ({handle})",
        risk=risk,
        risk_reasons=("new account, few posts",) if risk is Risk.RED else (),
        requires_human=requires_human,
        auto_approved=auto_approved,
        filters_matched=("followers", "ratio"),
        score=Score(0.81, 0.64, "engage", ("has avatar", "active this week"), "heuristic", "1"),
        profile=profile(handle, platform),
        seq=seq,
    )


def make_plan(
    actions: list[Action],
    *,
    config_sha256: str,
    created_at: datetime = NOW - timedelta(minutes=5),
    ttl: timedelta = timedelta(hours=24),
    serials: dict[str, int] | None = None,
) -> Plan:
    numbered = [a.with_seq(i) for i, a in enumerate(actions)]
    accounts = sorted({(a.account, a.platform) for a in actions})
    return Plan(
        numbered,
        created_at=created_at,
        expires_at=created_at + ttl,
        config_sha256=config_sha256,
        accounts=[
            AccountPlan(
                account=acc,
                platform=plat,
                phase="warmup",
                phase_day=1,
                phase_days=None,
                state_serial=(serials or {}).get(acc, 0),
            )
            for acc, plat in accounts
        ],
    )


def save(plan: Plan, path: Path) -> Path:
    path.write_text(plan.to_json(include_profiles=True))
    return path


REPLY_CONFIG_YAML = (
    CONFIG_YAML.replace(
        "    phases: standard\n  - id: bsky",
        "    phases: standard\n    conversations: replies\n  - id: bsky",
        1,
    )
    + """\
conversations:
  replies:
    sources: [mentions, replies]
    templates:
      thanks: "Thank you, {author.name}!"
    guards:
      no_links: true
      banned_words: [cheap]
    rules:
      - name: praise
        match: {keywords: {any: [love]}}
        then: {reply: {templates: [thanks]}}
"""
)

DRAFTS = ("Thank you, Ada!", "Thanks so much, Ada.", "Glad you like it, Ada.")


def reply_action(
    handle: str = "ada.film",
    drafts: tuple[str, ...] = DRAFTS,
    *,
    account: str = "studio",
    platform: str = "sandbox",
    message_id: str = "m-1",
) -> Action:
    """A reply to an incoming message, with its drafted alternatives (as the planner makes)."""
    message = Message(
        id=message_id,
        platform=platform,
        account=account,
        source=MessageSource.REPLY,
        author=Author(id=f"id-{handle}", handle=handle, name="Ada"),
        text="I love this light! \x1b[31mred\x1b[0m",
        created_at=NOW - timedelta(hours=3),
        root_id="p-root",
        parent_id="p-root",
    )
    conversation = Conversation(
        message=message,
        rule="praise",
        drafts=tuple(Draft(text, f"template:t{i}") for i, text in enumerate(drafts)),
        dropped=(Dropped("ai:fake", "the reply holds a link (guards.no_links)"),),
        thread=(ThreadPost("p-root", "demo.studio", "Golden hour on Portra 400", mine=True),),
    )
    target = Target(
        kind="post",
        id=f"id-{handle}",
        handle=handle,
        post_id=message_id,
        text=drafts[0] if drafts else None,
    )
    return Action(
        id=action_id(account, Verb.REPLY.value, target),
        account=account,
        platform=platform,
        verb=Verb.REPLY,
        target=target,
        reason=f"rule praise matched {handle}'s reply",
        risk=Risk.GREEN,
        requires_human=True,
        conversation=conversation,
    )

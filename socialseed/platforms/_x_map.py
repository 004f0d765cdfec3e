"""X API v2 answers (users, posts, problems, rate headers) as SocialSeed values. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from socialseed.clock import parse_instant
from socialseed.model import Post, Profile, RateInfo
from socialseed.model.conversations import (
    Author,
    InboxItem,
    Message,
    MessageSource,
    ThreadPost,
)
from socialseed.model.values import MENTIONS_REF, QUOTES_REF

USER_FIELDS = "created_at,description,profile_image_url,protected,public_metrics,verified"
TWEET_FIELDS = "created_at,public_metrics,author_id,referenced_tweets,entities,lang"
_DEFAULT_AVATAR = "default_profile_images"
_WINDOWS = (
    ("x-rate-limit-", ""),
    ("x-user-limit-24hour-", ":24h-user"),
    ("x-app-limit-24hour-", ":24h-app"),
)


def instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def _metric(metrics: dict[str, Any], *names: str) -> int | None:
    for name in names:
        if isinstance(metrics.get(name), int):
            return int(metrics[name])
    return None


def profile(user: dict[str, Any]) -> Profile:
    metrics = user.get("public_metrics") or {}
    image = str(user.get("profile_image_url") or "")
    return Profile(
        platform="x",
        id=str(user["id"]),
        handle=str(user.get("username") or user["id"]),
        display_name=user.get("name") or "",
        bio=user.get("description") or "",
        followers=_metric(metrics, "followers_count"),
        following=_metric(metrics, "following_count"),
        posts=_metric(metrics, "tweet_count", "post_count"),
        created_at=instant(user.get("created_at")),
        has_avatar=bool(image) and _DEFAULT_AVATAR not in image,
    )


def post(tweet: dict[str, Any]) -> Post:
    metrics = tweet.get("public_metrics") or {}
    replied = [r["id"] for r in tweet.get("referenced_tweets") or [] if r["type"] == "replied_to"]
    return Post(
        id=str(tweet["id"]),
        author_id=str(tweet.get("author_id") or ""),
        text=tweet.get("text") or "",
        created_at=instant(tweet.get("created_at")),
        like_count=_metric(metrics, "like_count"),
        reply_to=str(replied[0]) if replied else None,
        ref=summons(tweet),
    )


def summons(tweet: dict[str, Any]) -> dict[str, str]:
    """What the plan needs to tell whether the author summoned us: mentions, and any quote."""
    ref = {MENTIONS_REF: " ".join(sorted(mentions(tweet)))}
    if references(tweet, "quoted"):
        ref[QUOTES_REF] = "1"
    return ref


def references(tweet: dict[str, Any], kind: str) -> set[str]:
    """Ids a post refers to as ``kind`` (replied_to, quoted, retweeted)."""
    return {str(r["id"]) for r in tweet.get("referenced_tweets") or [] if r.get("type") == kind}


def mentions(tweet: dict[str, Any]) -> set[str]:
    """Lower-cased usernames a post @mentions."""
    found = (tweet.get("entities") or {}).get("mentions") or []
    return {str(m.get("username", "")).lower() for m in found}


def problem_type(response: httpx.Response) -> str:
    """The problem ``type`` (or a first ``errors[].type``) of an error answer."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    if isinstance(body.get("type"), str):
        return str(body["type"])
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("type") or "")
    return ""


def _reset(response: httpx.Response, prefix: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(response.headers[prefix + "reset"]), UTC)
    except (KeyError, ValueError):
        return None


def _windows(response: httpx.Response, bucket: str) -> list[RateInfo]:
    infos = []
    for prefix, suffix in _WINDOWS:
        limit, remaining = (_int(response, prefix + k) for k in ("limit", "remaining"))
        if limit is not None or remaining is not None:
            infos.append(RateInfo(limit, remaining, _reset(response, prefix), bucket + suffix))
    return infos


def _int(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def rate(response: httpx.Response, bucket: str) -> RateInfo | None:
    """The tightest of the 15-minute and 24-hour windows the headers describe."""
    infos = _windows(response, bucket)
    if not infos:
        return None
    return min(infos, key=lambda i: i.remaining if i.remaining is not None else 1 << 30)


def reset_at(response: httpx.Response) -> datetime | None:
    """When a 429 lifts: the latest reset among exhausted windows, else the 15-minute one."""
    infos = _windows(response, "")
    spent = [i.reset_at for i in infos if i.remaining == 0 and i.reset_at is not None]
    if spent:
        return max(spent)
    resets = [i.reset_at for i in infos if i.reset_at is not None]
    return max(resets) if resets else None


USAGE_CAPPED = "usage-capped"
MONTHLY_RESET = (
    "X resets a project's usage cap once a month, on its billing day (the cap_reset_day of "
    "GET /2/usage/tweets, https://docs.x.com/x-api/usage/introduction)"
)


def is_usage_capped(response: httpx.Response) -> bool:
    """A 429 for the monthly usage cap (problem type ``.../problems/usage-capped``)."""
    return response.status_code == 429 and problem_type(response).endswith(USAGE_CAPPED)


def cap_reset(response: httpx.Response, now: datetime) -> datetime:
    """When a usage cap lifts: a header reset at least a day away, else the first of next
    month (UTC), the earliest a monthly cap can lift; a later run that finds it still capped
    stops again."""
    later = [r for r in (i.reset_at for i in _windows(response, "")) if r is not None]
    if later and max(later) >= now + timedelta(days=1):
        return max(later)
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


MENTION_FIELDS = f"{TWEET_FIELDS},conversation_id,in_reply_to_user_id"
# the post a mention answers, and its author, come in the same answer's ``includes``
MENTION_EXPANSIONS = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"


def message(
    tweet: dict[str, Any],
    users: dict[str, dict[str, Any]],
    my_id: str,
    tweets: dict[str, dict[str, Any]] | None = None,
) -> InboxItem:
    """A post of the mentions timeline as an inbox item: every one of them @mentions us, so
    a self-serve tier may answer it. ``root_id`` is its ``conversation_id``; the post it
    answers, when ``tweets`` (the answer's ``includes.tweets``) has it, is its thread."""
    author = users.get(str(tweet.get("author_id") or "")) or {"id": tweet.get("author_id")}
    replied = references(tweet, "replied_to")
    answers_us = str(tweet.get("in_reply_to_user_id") or "") == my_id
    said = Message(
        id=str(tweet["id"]),
        platform="x",
        account=my_id,
        source=MessageSource.REPLY if answers_us else MessageSource.MENTION,
        author=Author(
            id=str(author.get("id") or ""),
            handle=str(author.get("username") or author.get("id") or ""),
            name=str(author.get("name") or ""),
            followers=_metric(author.get("public_metrics") or {}, "followers_count"),
            created_at=instant(author.get("created_at")),
            bio=str(author.get("description") or ""),
        ),
        text=str(tweet.get("text") or ""),
        created_at=instant(tweet.get("created_at")) or datetime.fromtimestamp(0, UTC),  # requested
        language=str(tweet["lang"]) if tweet.get("lang") else None,
        root_id=str(tweet["conversation_id"]) if tweet.get("conversation_id") else None,
        parent_id=min(replied) if replied else None,
        ref={"summoned": "mention"},
    )
    parent = (tweets or {}).get(said.parent_id or "")
    return InboxItem(said, (_thread_post(parent, users, my_id),) if parent else ())


def _thread_post(tweet: dict[str, Any], users: dict[str, dict[str, Any]], my_id: str) -> ThreadPost:
    author_id = str(tweet.get("author_id") or "")
    author = users.get(author_id) or {}
    return ThreadPost(
        id=str(tweet.get("id") or ""),
        author_handle=str(author.get("username") or author_id),
        text=str(tweet.get("text") or ""),
        mine=author_id == my_id,
    )

"""Pure values shared by every layer: profiles, candidates, scores, actions, decisions, outcomes.

No I/O here. Each value has a ``to_data()`` form (JSON-ready, sorted, deterministic) and a
``from_data()`` inverse, which the plan file, the state store and the renderers use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from socialseed.clock import iso, parse_instant
from socialseed.model.conversations import Conversation
from socialseed.model.verbs import Verb as Verb  # its old home: values

OUTBOUND_VERBS = frozenset({Verb.FOLLOW, Verb.LIKE, Verb.REPOST, Verb.REPLY})
OWN_SPACE_VERBS = frozenset({Verb.UNFOLLOW, Verb.UNLIKE, Verb.HIDE_COMMENT, Verb.MUTE})


class Risk(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        return {"green": 0, "yellow": 1, "red": 2}[self.value]


class SourceKind(StrEnum):
    HASHTAG = "hashtag"
    SEARCH = "search"
    FOLLOWERS_OF = "followers_of"
    LIKERS_OF = "likers_of"
    COMMENTERS = "commenters"


def _dt(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _parse_dt(value: Any) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def days_ago(days: float) -> str:
    """A whole number of days, as people say it: ``today``, ``1 day ago``, ``12 days ago``."""
    whole = max(int(days), 0)
    if whole == 0:
        return "today"
    return f"{whole} day{'s' if whole != 1 else ''} ago"


# the canonical JSON text of data (keys sorted, no spaces, UTF-8 as is): one encoder made once,
# as ``json.dumps`` with these options makes one per call
canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def digest(data: Any) -> str:
    """A stable sha256 of JSON-ready data."""
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


@dataclass(frozen=True)
class Post:
    """A post by someone, as a platform returned it."""

    id: str
    author_id: str
    text: str = ""
    created_at: datetime | None = None
    like_count: int | None = None
    reply_to: str | None = None
    ref: dict[str, str] = field(default_factory=dict)  # platform specifics (uri, cid)

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author_id": self.author_id,
            "text": self.text,
            "created_at": _dt(self.created_at),
            "like_count": self.like_count,
            "reply_to": self.reply_to,
            "ref": dict(sorted(self.ref.items())),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Post:
        return cls(
            id=str(data["id"]),
            author_id=str(data["author_id"]),
            text=data.get("text") or "",
            created_at=_parse_dt(data.get("created_at")),
            like_count=data.get("like_count"),
            reply_to=data.get("reply_to"),
            ref=dict(data.get("ref") or {}),
        )


@dataclass(frozen=True)
class Profile:
    """A remote account as a platform describes it. ``None`` means unknown, never zero."""

    platform: str
    id: str
    handle: str
    display_name: str = ""
    bio: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    last_active: datetime | None = None
    created_at: datetime | None = None
    has_avatar: bool | None = None
    language: str | None = None
    recent_posts: tuple[Post, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "id": self.id,
            "handle": self.handle,
            "display_name": self.display_name,
            "bio": self.bio,
            "followers": self.followers,
            "following": self.following,
            "posts": self.posts,
            "last_active": _dt(self.last_active),
            "created_at": _dt(self.created_at),
            "has_avatar": self.has_avatar,
            "language": self.language,
            "recent_posts": [p.to_data() for p in self.recent_posts],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Profile:
        return cls(
            platform=data["platform"],
            id=str(data["id"]),
            handle=data["handle"],
            display_name=data.get("display_name") or "",
            bio=data.get("bio") or "",
            followers=data.get("followers"),
            following=data.get("following"),
            posts=data.get("posts"),
            last_active=_parse_dt(data.get("last_active")),
            created_at=_parse_dt(data.get("created_at")),
            has_avatar=data.get("has_avatar"),
            language=data.get("language"),
            recent_posts=tuple(Post.from_data(p) for p in data.get("recent_posts") or []),
        )

    def canonical(self) -> str:
        """``canonical_json(self.to_data())``: the text the state stores and ``digest`` hashes,
        made once per profile (kept on the instance, outside its fields: equality, hashing
        and ``replace`` do not see it)."""
        text: str | None = self.__dict__.get(_CANONICAL)
        if text is None:
            text = canonical_json(self.to_data())
            object.__setattr__(self, _CANONICAL, text)
        return text

    @property
    def digest(self) -> str:
        """The sha256 of ``canonical()`` (made once per profile, like it)."""
        found: str | None = self.__dict__.get(_DIGEST)
        if found is None:
            found = hashlib.sha256(self.canonical().encode()).hexdigest()
            object.__setattr__(self, _DIGEST, found)
        return found


_CANONICAL, _DIGEST = "_canonical", "_digest"


def known_canonical(profile: Profile, text: str) -> Profile:
    """``profile``, told its canonical text ``text`` (an adapter that received the profile in
    that very form: ``text`` must equal ``canonical_json(profile.to_data())``, which the
    adapter's tests hold), so it is not made again."""
    object.__setattr__(profile, _CANONICAL, text)
    return profile


@dataclass(frozen=True)
class Candidate:
    """A profile found by discovery, with the source that found it."""

    profile: Profile
    source: str  # e.g. "hashtag:filmphotography"
    targeting: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "profile": self.profile.to_data(),
            "source": self.source,
            "targeting": self.targeting,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Candidate:
        return cls(
            profile=Profile.from_data(data["profile"]),
            source=data["source"],
            targeting=data.get("targeting", ""),
        )


@dataclass(frozen=True)
class Score:
    """Authenticity and relevance (0..1) with the reasons, and who scored."""

    authenticity: float
    relevance: float
    recommendation: str  # engage | caution | avoid
    reasons: tuple[str, ...]
    scorer: str
    version: str
    model: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "authenticity": round(float(self.authenticity), 4),
            "relevance": round(float(self.relevance), 4),
            "recommendation": self.recommendation,
            "reasons": list(self.reasons),
            "scorer": self.scorer,
            "version": self.version,
            "model": self.model,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Score:
        return cls(
            authenticity=float(data["authenticity"]),
            relevance=float(data["relevance"]),
            recommendation=data["recommendation"],
            reasons=tuple(data.get("reasons") or ()),
            scorer=data["scorer"],
            version=data["version"],
            model=data.get("model"),
        )


@dataclass(frozen=True)
class Target:
    """What an action is aimed at: an account, or a post (with its author)."""

    kind: str  # "account" | "post"
    id: str
    handle: str
    post_id: str | None = None
    ref: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # reply text, for replies
    post_text: str | None = None  # the liked or reposted post's text (remote, clipped)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "id": self.id, "handle": self.handle}
        if self.post_id is not None:
            data["post_id"] = self.post_id
        if self.ref:
            data["ref"] = dict(sorted(self.ref.items()))
        if self.text is not None:
            data["text"] = self.text
        if self.post_text is not None:  # plan format 1.1; 1.0 plans have none
            data["post_text"] = self.post_text
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Target:
        return cls(
            kind=data["kind"],
            id=str(data["id"]),
            handle=data["handle"],
            post_id=data.get("post_id"),
            ref=dict(data.get("ref") or {}),
            text=data.get("text"),
            post_text=data.get("post_text"),
        )

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}:{self.post_id or ''}"


MENTIONS_REF = "mentions"  # Post.ref: the lower-cased handles a post @mentions, space-separated
QUOTES_REF = "quotes"  # Post.ref: "1" when the post quotes another post


def summoned(ref: Mapping[str, str], handle: str) -> bool | None:
    """Whether a post's author summoned ``handle`` (mentioned it, or quoted one of its posts).

    ``None`` when the post's data cannot tell: its mentions were not read, or it quotes a post
    whose author is not known (the platform then checks before replying).
    """
    if MENTIONS_REF not in ref:
        return None
    if handle.lstrip("@").lower() in ref[MENTIONS_REF].split():
        return True
    return None if ref.get(QUOTES_REF) else False


def action_id(account: str, verb: str, target: Target) -> str:
    """A stable id: the same account, verb and target always give the same id."""
    raw = f"{account}\x00{verb}\x00{target.key}".encode()
    return "a_" + hashlib.sha256(raw).hexdigest()[:12]


@dataclass(frozen=True)
class Action:
    """One verb on one target by one account, with why it was proposed."""

    id: str
    account: str
    platform: str
    verb: Verb
    target: Target
    reason: str
    risk: Risk
    risk_reasons: tuple[str, ...] = ()
    requires_human: bool = True
    auto_approved: bool = False
    filters_matched: tuple[str, ...] = ()
    score: Score | None = None
    cost_usd: float | None = None
    profile: Profile | None = None  # carried for review; not part of the plan's checksum data
    seq: int = 0
    conversation: Conversation | None = None  # reply/hide/like of an incoming message
    expected_followback: float | None = None  # the ranker's estimate, for a follow
    arm: str = ""  # "chosen" or "control" (the targeting's experiment), for a follow

    def to_data(self, *, include_profile: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "seq": self.seq,
            "account": self.account,
            "platform": self.platform,
            "verb": self.verb.value,
            "target": self.target.to_data(),
            "reason": self.reason,
            "risk": self.risk.value,
            "risk_reasons": list(self.risk_reasons),
            "requires_human": self.requires_human,
            "auto_approved": self.auto_approved,
            "filters_matched": list(self.filters_matched),
            "score": self.score.to_data() if self.score else None,
            "cost_usd": self.cost_usd,
        }
        if self.conversation is not None:
            data["conversation"] = self.conversation.to_data()
        if self.expected_followback is not None:
            data["expected_followback"] = round(self.expected_followback, 4)
        if self.arm:
            data["arm"] = self.arm
        if include_profile and self.profile is not None:
            data["profile"] = self.profile.to_data()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Action:
        return cls(
            id=data["id"],
            seq=int(data.get("seq", 0)),
            account=data["account"],
            platform=data["platform"],
            verb=Verb(data["verb"]),
            target=Target.from_data(data["target"]),
            reason=data.get("reason", ""),
            risk=Risk(data["risk"]),
            risk_reasons=tuple(data.get("risk_reasons") or ()),
            requires_human=bool(data.get("requires_human", True)),
            auto_approved=bool(data.get("auto_approved", False)),
            filters_matched=tuple(data.get("filters_matched") or ()),
            score=Score.from_data(data["score"]) if data.get("score") else None,
            cost_usd=data.get("cost_usd"),
            profile=Profile.from_data(data["profile"]) if data.get("profile") else None,
            conversation=(
                Conversation.from_data(data["conversation"]) if data.get("conversation") else None
            ),
            expected_followback=(
                float(data["expected_followback"])
                if data.get("expected_followback") is not None
                else None
            ),
            arm=str(data.get("arm") or ""),
        )

    def with_seq(self, seq: int) -> Action:
        return replace(self, seq=seq)


@dataclass(frozen=True)
class Decision:
    """A person's (or the policy's) verdict on one action of one plan."""

    plan_id: str
    action_id: str
    verdict: str  # approve | reject
    reviewer: str
    decided_at: datetime
    reason: str = ""
    override: bool = False
    expires_at: datetime | None = None
    text: str | None = None  # a reply's approved text, exactly as it is to be sent
    choice: int | None = None  # which drafted alternative it came from (1-based)
    edited: bool = False  # the person changed the alternative's text before approving
    verb: str = ""  # the action's verb and target as the reviewer saw them (signed with it)
    target: str = ""  # ``signing.target_key``: the platform id, and ``#post`` for a post
    signature: str | None = None  # the reviewer's signature over ``signing.payload``

    def is_live(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True)
class Outcome:
    """What happened when an action was executed."""

    status: str  # done | already | failed | skipped
    detail: str = ""
    http_status: int | None = None
    request_id: str | None = None
    remote_ref: str | None = None  # e.g. a Bluesky record URI, for undo later

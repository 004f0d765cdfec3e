"""The config models. Unknown keys are forbidden; no I/O here.

Secrets are never literal: a credentials field holds an ``env/NAME`` reference.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from socialseed.config.conversations import RuleSet

PLATFORMS = ("sandbox", "bluesky", "mastodon", "x", "instagram", "tiktok")
VERBS = ("follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute")
X_TIERS = ("pay_per_use", "basic", "pro", "enterprise")
PROVIDER_KINDS = ("heuristic", "openai", "deepseek", "groq", "anthropic")
ENV_REF = re.compile(r"^env/[A-Za-z_][A-Za-z0-9_]*$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_DURATION = 36500 * 86400  # a century: longer spans overflow dates


def parse_duration(value: str) -> int:
    """Seconds in a duration such as ``30m``, ``24h`` or ``7d``."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a duration (use a number and s, m, h, d or w: '24h')")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > _MAX_DURATION:
        raise ValueError(f"{value!r} is not a duration we can use (at most 36500d)")
    return seconds


def _check_duration(value: str) -> str:
    parse_duration(value)
    return value


def _check_env_ref(value: str) -> str:
    if not ENV_REF.match(value):
        raise ValueError(
            "literal secrets are not allowed here; put the secret in an environment "
            "variable and write env/NAME (for example env/STUDIO_BSKY_APP_PASSWORD)"
        )
    return value


Duration = Annotated[str, AfterValidator(_check_duration)]
EnvRef = Annotated[str, AfterValidator(_check_env_ref)]
VerbName = Literal[
    "follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute"
]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        return self


class Phase(Strict):
    name: Identifier
    days: int | None = Field(default=None, ge=1, description="Length; omit on the last phase.")
    daily: dict[VerbName, int] = Field(default_factory=dict)
    hourly: dict[VerbName, int] = Field(default_factory=dict)

    @field_validator("daily", "hourly")
    @classmethod
    def _non_negative(cls, caps: dict[str, int]) -> dict[str, int]:
        for verb, cap in caps.items():
            if cap < 0:
                raise ValueError(f"{verb}: a cap cannot be negative ({cap})")
        return caps

    @model_validator(mode="after")
    def _hourly_within_daily(self) -> Phase:
        for verb, cap in self.hourly.items():
            daily = self.daily.get(verb)
            if daily is not None and cap > daily:
                raise ValueError(
                    f"hourly cap for {verb} ({cap}) is above the daily cap ({daily}); "
                    f"lower hourly.{verb} to {daily} or less"
                )
        return self


class Source(Strict):
    hashtag: str | None = None
    search: str | None = None
    followers_of: str | None = None
    likers_of: str | None = None
    commenters: str | None = Field(default=None, description="'own' or a post id of ours")
    limit: int = Field(default=200, ge=1, le=100_000)

    @model_validator(mode="after")
    def _exactly_one(self) -> Source:
        kinds = [k for k in self.kinds() if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a source needs exactly one of hashtag, search, followers_of, likers_of, "
                f"commenters (got {', '.join(kinds) or 'none'})"
            )
        return self

    @staticmethod
    def kinds() -> tuple[str, ...]:
        return ("hashtag", "search", "followers_of", "likers_of", "commenters")

    @property
    def kind(self) -> str:
        return next(k for k in self.kinds() if getattr(self, k) is not None)

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind)).lstrip("#")


class Filters(Strict):
    followers: Bounds = Bounds()
    following: Bounds = Bounds()
    ratio: Bounds = Field(default=Bounds(), description="following / followers")
    min_posts: int | None = Field(default=None, ge=0)
    active_within_days: int | None = Field(default=None, ge=1)
    require_avatar: bool = False
    bio_include: list[str] = Field(default_factory=list)
    bio_exclude: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    skip_opt_out: bool = True
    opt_out_markers: list[str] = Field(default_factory=lambda: ["#nobot", "#noautomation"])
    blocklist: list[str] = Field(default_factory=list)
    allowlist: list[str] = Field(default_factory=list)


class Actions(Strict):
    follow: bool = False
    like_recent: int = Field(default=0, ge=0, le=20)
    repost_recent: int = Field(default=0, ge=0, le=20)
    unfollow_non_followers_after_days: int | None = Field(default=None, ge=1)
    hide_spam_comments: bool = False


class TargetScoring(Strict):
    provider: str = "heuristic"
    min_authenticity: float = Field(default=0.5, ge=0, le=1)
    min_relevance: float = Field(default=0.0, ge=0, le=1)


class Targeting(Strict):
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    filters: Filters = Filters()
    actions: Actions = Actions()
    scoring: TargetScoring = TargetScoring()
    cache_ttl: Duration = "24h"


class Account(Strict):
    id: Identifier
    platform: Literal["sandbox", "bluesky", "mastodon", "x", "instagram", "tiktok"]
    handle: str = Field(min_length=1)
    phases: str
    targeting: list[str] = Field(default_factory=list)
    start_date: date | None = Field(default=None, description="Day 1 of the first phase.")
    credentials: EnvRef | None = None
    client_id: str | None = None
    client_secret: EnvRef | None = None
    instance: str | None = Field(default=None, description="Mastodon instance URL.")
    service: str | None = Field(default=None, description="Bluesky PDS URL.")
    access_tier: Literal["pay_per_use", "basic", "pro", "enterprise"] | None = None
    allow_manual: bool = Field(
        default=False, description="Allow actions on relationships made outside SocialSeed."
    )
    enabled: bool = True
    conversations: str | None = Field(default=None, description="A conversations rule set.")


class Thresholds(Strict):
    max_unfollow_pct_of_following: float = Field(default=5, ge=0, le=100)
    max_actions_per_plan: int = Field(default=500, ge=1)
    max_shrink_pct: float = Field(
        default=20, ge=0, le=100, description="A read that shrank more than this is suspect."
    )


class Policy(Strict):
    auto_approve: list[Literal["green", "yellow"]] = Field(default_factory=list)
    approval_ttl: Duration = "24h"
    plan_ttl: Duration = "24h"
    blocklist: list[str] = Field(default_factory=list)
    allowlist: list[str] = Field(default_factory=list)
    thresholds: Thresholds = Thresholds()
    cooldown: Duration = "48h"
    max_failure_ratio: float = Field(default=0.5, gt=0, le=1)
    lock_ttl: Duration = "2h"


class Provider(Strict):
    kind: Literal["openai", "deepseek", "groq", "anthropic"]
    model: str
    base_url: str | None = None
    api_key: EnvRef
    timeout: float = Field(default=30, gt=0)
    concurrency: int = Field(default=2, ge=1, le=32)
    price_in_per_mtok: float = Field(default=0, ge=0)
    price_out_per_mtok: float = Field(default=0, ge=0)
    temperature: float | None = Field(
        default=None, ge=0, le=2, description="Sent only when set (some models refuse it)."
    )


class Scoring(Strict):
    providers: dict[str, Provider] = Field(default_factory=dict)
    fallback: list[str] = Field(default_factory=list)
    max_cost_usd: float | None = Field(default=None, ge=0)
    batch_size: int = Field(default=10, ge=1, le=50)
    recent_posts: int = Field(default=3, ge=0, le=10)
    send_fields: list[str] = Field(
        default_factory=lambda: ["handle", "display_name", "bio", "followers", "following", "posts"]
    )


class SandboxLimits(Strict):
    per_window: int = Field(default=50, ge=1)
    window_minutes: int = Field(default=15, ge=1)
    daily: int = Field(default=1000, ge=1)


class Sandbox(Strict):
    seed: int = 42
    size: int = Field(default=5000, ge=50, le=500_000)
    limits: SandboxLimits = SandboxLimits()
    latency_ms: int = Field(default=0, ge=0)


class Retention(Strict):
    third_party: Duration = "90d"


class Config(Strict):
    version: Literal[1] = 1
    accounts: list[Account] = Field(min_length=1)
    phases: dict[Identifier, list[Phase]]
    targeting: dict[Identifier, Targeting] = Field(default_factory=dict)
    policy: Policy = Policy()
    scoring: Scoring = Scoring()
    sandbox: Sandbox = Sandbox()
    retention: Retention = Retention()
    conversations: dict[Identifier, RuleSet] = Field(default_factory=dict)

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        known = ", ".join(a.id for a in self.accounts)
        raise KeyError(f"no account {account_id!r} in the config (accounts: {known})")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

"""The config models. Unknown keys are forbidden; no I/O here.

Secrets are never literal: a credentials field holds an ``env/NAME`` reference. Numbers are
numbers (a boolean or a quoted "5" is refused) within sane bounds, and strings have a length
limit. Rules that need the whole config or apply to files only (references, names, the URLs
tokens go to) are checked by the loader, in ``checks``.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)
from pydantic_core import PydanticCustomError

from socialseed.config.conversations import RuleSet
from socialseed.config.notify import NotifyTarget

PLATFORMS = ("sandbox", "bluesky", "mastodon", "x", "instagram", "tiktok")
VERBS = ("follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute")
X_TIERS = ("pay_per_use", "basic", "pro", "enterprise")
PROVIDER_KINDS = ("heuristic", "openai", "deepseek", "groq", "anthropic")
ENV_REF = re.compile(r"^env/[A-Za-z_][A-Za-z0-9_]*$")
_DURATION = re.compile(r"^\s*(?:(\d{1,12})\s*([smhdw])|(0+))\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DAYS = 36_500  # a century: longer spans overflow dates
MAX_COUNT = 1_000_000  # caps, limits, thresholds: anything above is a typo
MAX_FOLLOWERS = 1_000_000_000  # follower and following bounds in filters
_MAX_DURATION = MAX_DAYS * 86400
SENDABLE_FIELDS = (  # profile fields a scoring provider may receive (scoring.prompt sends these)
    "handle",
    "display_name",
    "bio",
    "followers",
    "following",
    "posts",
    "last_active",
    "created_at",
    "has_avatar",
    "language",
)


def parse_duration(value: str) -> int:
    """Seconds in a duration such as ``30m``, ``24h`` or ``7d``; a bare ``0`` is zero."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(_not_a_duration(value))
    if match.group(3) is not None:
        return 0  # zero is zero in any unit
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > _MAX_DURATION:
        raise ValueError(f"{value!r} is not a duration we can use (at most {MAX_DAYS}d)")
    return seconds


def _not_a_duration(value: str) -> str:
    bare = value.strip()
    if bare.isdigit():
        return (
            f"{value!r} has no unit: write {bare}s, {bare}m, {bare}h or {bare}d "
            "(only 0 may be written without one)"
        )
    return f"{value!r} is not a duration (use a number and s, m, h, d or w: '24h')"


def _check_positive_duration(value: str) -> str:
    if parse_duration(value) <= 0:
        raise ValueError(f"{value!r} is zero: nothing could ever run; use at least 1m")
    return value


def _number_only(kind: str, noun: str) -> BeforeValidator:
    """Refuse what pydantic would turn into a number: booleans and text."""

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError(kind, f"Input should be {noun}, not true or false")
        if isinstance(value, str | bytes):
            message = f"Input should be {noun} (write numbers without quotes)"
            raise PydanticCustomError(kind, message)
        return value

    return BeforeValidator(check)


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


# The JSON Schema (for editors) says what the validators say, where a pattern can: the loader's
# checks stay the authority (their messages say what to write); these only mirror them.
DURATION_PATTERN = r"^\s*(?:\d{1,12}\s*[smhdw]|0+)\s*$"
POSITIVE_DURATION_PATTERN = r"^\s*(?=\d*[1-9])\d{1,12}\s*[smhdw]\s*$"
Duration = Annotated[
    str,
    Field(max_length=32, json_schema_extra={"pattern": DURATION_PATTERN}),
    AfterValidator(_check_duration),
]
PositiveDuration = Annotated[
    str,
    Field(max_length=32, json_schema_extra={"pattern": POSITIVE_DURATION_PATTERN}),
    AfterValidator(_check_positive_duration),
]
EnvRef = Annotated[
    str,
    Field(max_length=256, json_schema_extra={"pattern": ENV_REF.pattern}),
    AfterValidator(_check_env_ref),
]
Int = Annotated[int, _number_only("int_type", "a valid integer")]
Float = Annotated[float, _number_only("float_type", "a valid number"), Field(allow_inf_nan=False)]
Count = Annotated[Int, Field(ge=0, le=MAX_COUNT)]
Days = Annotated[Int, Field(ge=1, le=MAX_DAYS)]
Share = Annotated[Float, Field(ge=0, le=1)]
Percent = Annotated[Float, Field(ge=0, le=100)]
Money = Annotated[Float, Field(ge=0, le=MAX_COUNT)]
Handle = Annotated[str, Field(min_length=1, max_length=253)]
Name = Annotated[str, Field(max_length=64)]  # a reference to something named elsewhere
Word = Annotated[str, Field(max_length=256)]  # keywords, bio words, markers, patterns
Text = Annotated[str, Field(max_length=4096)]  # descriptions, search queries
Url = Annotated[str, Field(max_length=2048)]  # which URLs: config.urls, checked on load
VerbName = Literal[
    "follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute"
]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Bounds(Strict):
    min: Annotated[Float, Field(ge=0, le=MAX_FOLLOWERS)] | None = None
    max: Annotated[Float, Field(ge=0, le=MAX_FOLLOWERS)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        return self


class Phase(Strict):
    name: Identifier
    days: Days | None = Field(default=None, description="Length; omit on the last phase.")
    daily: dict[VerbName, Count] = Field(default_factory=dict)
    hourly: dict[VerbName, Count] = Field(default_factory=dict)

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


SOURCE_KINDS = ("hashtag", "search", "followers_of", "likers_of", "commenters")


class Source(Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={  # exactly one kind: one branch per kind, a string in that key
            "oneOf": [
                {"required": [kind], "properties": {kind: {"type": "string"}}}
                for kind in SOURCE_KINDS
            ]
        },
    )

    hashtag: Word | None = None
    search: Text | None = None
    followers_of: Handle | None = None
    likers_of: Word | None = None
    commenters: Word | None = Field(default=None, description="'own' or a post id of ours")
    limit: Int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="New candidates a plan takes from this source (profiles already followed, "
        "requested, rejected or in the pool do not count); later plans page deeper.",
    )
    max_pages: Int = Field(
        default=10, ge=1, le=1000, description="Pages one plan reads at most (the read budget)."
    )

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
        return SOURCE_KINDS

    @property
    def kind(self) -> str:
        return next(k for k in self.kinds() if getattr(self, k) is not None)

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind)).lstrip("#")


class Filters(Strict):
    followers: Bounds = Field(default_factory=Bounds)
    following: Bounds = Field(default_factory=Bounds)
    ratio: Bounds = Field(default_factory=Bounds, description="following / followers")
    min_posts: Count | None = None
    active_within_days: Days | None = None
    require_avatar: StrictBool = False
    bio_include: list[Word] = Field(default_factory=list)
    bio_exclude: list[Word] = Field(default_factory=list)
    languages: list[Name] = Field(default_factory=list)
    skip_opt_out: StrictBool = True
    opt_out_markers: list[Word] = Field(default_factory=lambda: ["#nobot", "#noautomation"])
    blocklist: list[Word] = Field(default_factory=list)
    allowlist: list[Word] = Field(default_factory=list)


class Actions(Strict):
    follow: StrictBool = False
    like_recent: Int = Field(default=0, ge=0, le=20)
    repost_recent: Int = Field(default=0, ge=0, le=20)
    unfollow_non_followers_after_days: Days | None = None
    hide_spam_comments: StrictBool = False


class TargetScoring(Strict):
    provider: Name = "heuristic"
    min_authenticity: Share = 0.5
    min_relevance: Share = 0.0


class Experiment(Strict):
    control_pct: Float = Field(
        default=0.0,
        ge=0,
        le=50,
        description="Share (percent) of proposed follows drawn at random from the filtered pool "
        "(the control group report compares the ranked choice against).",
    )


class Widen(Strict):
    """One way to widen a targeting beyond its sources, with its own limit."""

    limit: Int = Field(default=100, ge=1, le=100_000, description="New candidates a plan takes.")
    max_pages: Int = Field(default=5, ge=1, le=1000, description="Pages one read takes at most.")


class WidenByAccounts(Widen):
    accounts: Int = Field(
        default=3, ge=1, le=100, description="Follow-backs whose followers are read (newest first)."
    )


class WidenByTags(Widen):
    tags: Int = Field(
        default=3,
        ge=1,
        le=50,
        description="Hashtags read: the pool's most frequent, not yet a source.",
    )


class Expand(Strict):
    """Where a targeting may widen once its sources run dry (each only where the platform's
    official API offers the read)."""

    followers_of_followbacks: WidenByAccounts | None = None
    engaged_with_our_posts: Widen | None = None
    related_hashtags: WidenByTags | None = None

    def chosen(self) -> list[tuple[str, Widen]]:
        """(name, settings) of each way asked for, in a fixed order."""
        found = [(name, getattr(self, name)) for name in EXPAND_KINDS]
        return [(name, widen) for name, widen in found if widen is not None]


EXPAND_KINDS = ("followers_of_followbacks", "engaged_with_our_posts", "related_hashtags")


class Targeting(Strict):
    description: Text = ""
    keywords: list[Word] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    filters: Filters = Field(default_factory=Filters)
    actions: Actions = Field(default_factory=Actions)
    scoring: TargetScoring = Field(default_factory=TargetScoring)
    experiment: Experiment = Field(default_factory=Experiment)
    cache_ttl: Duration = "24h"
    expand: Expand = Field(default_factory=Expand)
    restart_after: Duration = Field(
        default="7d",
        description="A source read to its end is read again from the top after this long "
        "(new followers and posts appear).",
    )


class Account(Strict):
    id: Identifier
    platform: Literal["sandbox", "bluesky", "mastodon", "x", "instagram", "tiktok"]
    handle: Handle
    phases: Name
    targeting: list[Name] = Field(default_factory=list)
    start_date: date | None = Field(
        default=None,
        ge=date(1970, 1, 1),
        le=date(2999, 12, 31),
        description="Day 1 of the first phase.",
    )
    credentials: EnvRef | None = None
    client_id: Word | None = None
    client_secret: EnvRef | None = None
    instance: Url | None = Field(default=None, description="Mastodon instance URL (https).")
    service: Url | None = Field(default=None, description="Bluesky PDS URL (https).")
    access_tier: Literal["pay_per_use", "basic", "pro", "enterprise"] | None = None
    account_type: Literal["business", "creator", "personal"] | None = Field(
        default=None,
        description="Instagram/TikTok account type; their comment APIs serve professional "
        "(Instagram) or Business (TikTok) accounts only.",
    )
    business_id: Word | None = Field(
        default=None,
        description="TikTok: the account's business_id (its open_id); unset: the one "
        "'socialseed auth login' stored.",
    )
    api_base: Url | None = Field(
        default=None,
        description="Instagram/TikTok API base URL (a gateway or a local test server); unset: "
        "the platform's official host.",
    )
    allow_manual: StrictBool = Field(
        default=False, description="Allow actions on relationships made outside SocialSeed."
    )
    enabled: StrictBool = True
    conversations: str | None = Field(default=None, description="A conversations rule set.")
    sensitive: StrictBool = Field(
        default=False, description="Two distinct reviewers approve each action (needs reviewers)."
    )


class Thresholds(Strict):
    max_unfollow_pct_of_following: Percent = 5
    max_actions_per_plan: Int = Field(default=500, ge=1, le=MAX_COUNT)
    max_shrink_pct: Percent = Field(
        default=20, description="A read that shrank more than this is suspect."
    )


_ED25519_BLOB = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"


def _check_ssh_key(value: str) -> str:
    """An ``ssh-ed25519 AAAA... [comment]`` line (the ``.pub`` file's content)."""
    parts = value.split()
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        raise ValueError(
            "key must be an Ed25519 SSH public key, the line of your id_ed25519.pub "
            "('ssh-ed25519 AAAA... you@host')"
        )
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        blob = b""
    if len(blob) != len(_ED25519_BLOB) + 32 or not blob.startswith(_ED25519_BLOB):
        raise ValueError("key is not a readable ssh-ed25519 public key (copy the .pub line whole)")
    return value


SshKey = Annotated[str, Field(max_length=1024), AfterValidator(_check_ssh_key)]
RiskName = Literal["green", "yellow", "red"]


class Reviewer(Strict):
    id: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        description="Who: the name decisions record (--reviewer, e.g. an email)."
    )
    key: SshKey | None = Field(
        default=None, description="Ed25519 SSH public key: every decision must be signed with it."
    )
    github: Annotated[str, Field(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")] | None = Field(
        default=None,
        description="Their GitHub login: decisions from a pull request "
        "('review --from-github-event') by this login are theirs.",
    )
    accounts: list[Name] = Field(
        default_factory=lambda: ["*"], description="Accounts they may approve ('*': all)."
    )
    verbs: list[VerbName | Literal["*"]] = Field(default_factory=lambda: ["*"])  # type: ignore[arg-type]
    max_risk: RiskName = Field(default="red", description="The highest risk they may approve.")


class Approvals(Strict):
    unsigned: Literal["never", "green", "yellow", "red"] = Field(
        default="never",
        description="Up to which risk an unsigned approval (a reviewer listed without a key) "
        "counts.",
    )
    self_approval: StrictBool = Field(
        default=False, description="May a plan's author approve its actions?"
    )
    two_person_red: StrictBool = Field(
        default=True, description="A red override needs two distinct reviewers' approvals."
    )


class Policy(Strict):
    reviewers: list[Reviewer] = Field(
        default_factory=list, description="Who may approve what; empty: anyone, unverified."
    )
    approvals: Approvals = Approvals()
    auto_approve: list[Literal["green", "yellow"]] = Field(default_factory=list)
    approval_ttl: PositiveDuration = "24h"
    plan_ttl: PositiveDuration = "24h"
    blocklist: list[Word] = Field(default_factory=list)
    allowlist: list[Word] = Field(default_factory=list)
    thresholds: Thresholds = Thresholds()
    cooldown: Duration = "48h"
    max_failure_ratio: Float = Field(default=0.5, gt=0, le=1)
    lock_ttl: PositiveDuration = "2h"


class Provider(Strict):
    kind: Literal["openai", "deepseek", "groq", "anthropic"]
    model: Word
    base_url: Url | None = None
    api_key: EnvRef
    timeout: Float = Field(default=30, gt=0, le=3600)
    concurrency: Int = Field(default=2, ge=1, le=32)
    price_in_per_mtok: Money | None = Field(
        default=None,
        description="Dollars per million input tokens; unset: the genai-prices library's price.",
    )
    price_out_per_mtok: Money | None = Field(
        default=None,
        description="Dollars per million output tokens; unset: the genai-prices library's price.",
    )
    reasoning_tokens: Int | None = Field(
        default=None,
        ge=0,
        le=64_000,
        description=(
            "Token headroom for a reasoning model's thinking, on top of the answer; unset: "
            "4096 for OpenAI o-series/gpt-5 and deepseek-reasoner, none otherwise; on "
            "anthropic a number turns on extended thinking with that budget (>= 1024)."
        ),
    )
    max_wait: Float = Field(
        default=30,
        ge=0,
        le=600,
        description="Seconds a request may spend waiting out 429/5xx answers before moving on.",
    )
    temperature: Float | None = Field(
        default=None, ge=0, le=2, description="Sent only when set (some models refuse it)."
    )

    @model_validator(mode="after")
    def _thinking_budget(self) -> Provider:
        if self.kind == "anthropic" and self.reasoning_tokens and self.reasoning_tokens < 1024:
            raise ValueError(
                f"reasoning_tokens {self.reasoning_tokens} is below Anthropic's smallest "
                "extended-thinking budget (1024); use 1024 or more, or 0 to turn thinking off"
            )
        return self


class Scoring(Strict):
    providers: dict[Name, Provider] = Field(default_factory=dict)
    fallback: list[Name] = Field(default_factory=list)
    max_cost_usd: Money | None = None
    batch_size: Int = Field(default=10, ge=1, le=50)
    recent_posts: Int = Field(default=3, ge=0, le=10)
    send_fields: list[Name] = Field(
        default_factory=lambda: ["handle", "display_name", "bio", "followers", "following", "posts"]
    )


class SandboxLimits(Strict):
    per_window: Int = Field(default=50, ge=1, le=MAX_COUNT)
    window_minutes: Int = Field(default=15, ge=1, le=MAX_DAYS * 1440)
    daily: Int = Field(default=1000, ge=1, le=MAX_COUNT)


class Sandbox(Strict):
    seed: Int = Field(default=42, ge=-(2**63), le=2**63 - 1)
    size: Int = Field(default=5000, ge=50, le=500_000)
    limits: SandboxLimits = SandboxLimits()
    latency_ms: Int = Field(default=0, ge=0, le=60_000)
    followback: Literal["standard", "variant"] = Field(
        default="standard",
        description="The world's follow-back drivers (docs/sandbox-model.md); new worlds only.",
    )


class Retention(Strict):
    third_party: Duration = "90d"


_STATE_ENV = re.compile(r"^env/[A-Za-z_][A-Za-z0-9_]*$")
_STATE_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://(?:([^@/]*)@)?")
_POSTGRES = ("postgresql", "postgres", "postgresql+psycopg")


def _state_where(value: str) -> str:
    """``state:``: a SQLite file, a PostgreSQL URL without a password, or ``env/NAME``."""
    text = value.strip()
    if not text:
        raise ValueError(
            "state is empty: name a SQLite file, postgresql://USER@HOST/DB or env/NAME"
        )
    if text.startswith("env/"):
        if not _STATE_ENV.match(text):
            raise ValueError(f"{text!r} is not an environment reference (env/NAME)")
        return text
    match = _STATE_URL.match(text)
    if match is None:
        return text  # a file path
    scheme, userinfo = match.group(1).lower(), match.group(2) or ""
    if scheme not in _POSTGRES:
        raise ValueError(
            f"{scheme}://... is not a state backend SocialSeed knows: name a SQLite file or "
            "postgresql://USER@HOST/DB"
        )
    if ":" in userinfo:
        raise ValueError(
            "the state URL holds a password, and a config is no place for secrets: give it in "
            "PGPASSWORD or ~/.pgpass, or write state: env/NAME and put the URL in that variable"
        )
    return text


class Config(Strict):
    version: Annotated[Literal[1], _number_only("int_type", "a valid integer")] = 1
    state: Annotated[str, AfterValidator(_state_where)] | None = Field(
        default=None,
        description="Where the state is: a SQLite file, postgresql://USER@HOST/DB (the password "
        "in PGPASSWORD or ~/.pgpass), or env/NAME. SOCIALSEED_STATE and --state come first.",
    )
    accounts: list[Account] = Field(min_length=1)
    phases: dict[Identifier, list[Phase]]
    targeting: dict[Identifier, Targeting] = Field(default_factory=dict)
    policy: Policy = Policy()
    scoring: Scoring = Scoring()
    sandbox: Sandbox = Sandbox()
    retention: Retention = Retention()
    conversations: dict[Identifier, RuleSet] = Field(default_factory=dict)
    notify: list[NotifyTarget] = Field(default_factory=list)

    @model_validator(mode="after")
    def _team(self) -> Config:
        ids = [r.id for r in self.policy.reviewers]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"policy.reviewers lists {', '.join(twice)} more than once")
        known = {a.id for a in self.accounts} | {"*"}
        for reviewer in self.policy.reviewers:
            unknown = [a for a in reviewer.accounts if a not in known]
            if unknown:
                raise ValueError(
                    f"policy.reviewers: {reviewer.id} names account {unknown[0]!r}, which is "
                    f"not in accounts (use an account id or '*')"
                )
        sensitive = [a.id for a in self.accounts if a.sensitive]
        if sensitive and not self.policy.reviewers:
            raise ValueError(
                f"account {sensitive[0]} is sensitive (two reviewers approve each action), but "
                "policy.reviewers lists nobody; list the reviewers, each with their key"
            )
        return self

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        known = ", ".join(a.id for a in self.accounts)
        raise KeyError(f"no account {account_id!r} in the config (accounts: {known})")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

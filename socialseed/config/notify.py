"""The ``notify:`` block: where alerts go (Apprise URLs) and which events each target wants.

A target's URL never holds a secret: either the whole URL is a reference (``url: env/NAME``), or
every secret part is a placeholder ``{env/NAME}`` filled from the environment when sending
(``slack://{env/SLACK_A}/{env/SLACK_B}/{env/SLACK_C}/#alerts``). A literal password, a
secret-named query parameter or a token-like path segment is refused. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

EventName = Literal[
    "account_red",
    "account_paused",
    "apply_failed",
    "block_signal",
    "token_expiring",
    "ai_budget",
    "runway_low",
]
EVENTS: tuple[EventName, ...] = (
    "account_red",
    "account_paused",
    "apply_failed",
    "block_signal",
    "token_expiring",
    "ai_budget",
    "runway_low",
)
ENV_REF = re.compile(r"^env/[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{(env/[A-Za-z_][A-Za-z0-9_]*)\}")
_BRACES = re.compile(r"\{[^}]*\}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}://", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"(?i)[?&](?:token|key|apikey|api_key|secret|password|pass|pwd|auth|access_token|webhook)="
    r"(?!\{env/)[^&]+"
)
_PASSWORD = re.compile(r"^[^/]*//[^/@]*:[^/@]+@")  # user:password@ before the host
_TOKEN_LIKE = re.compile(r"^(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}$")


def _check_url(value: str) -> str:
    if ENV_REF.match(value):
        return value
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def url_problem(value: str) -> str | None:
    """Why this notification URL cannot stay in a config (None: it can)."""
    if not _SCHEME.match(value):
        return (
            "not an Apprise URL (scheme://...); write one such as json://host/path, or "
            "env/NAME to take the whole URL from the environment"
        )
    bare = PLACEHOLDER.sub("", value)
    if _BRACES.search(bare):
        return "a placeholder must be {env/NAME} (an environment variable), e.g. {env/SLACK_TOKEN}"
    hint = "put it in an environment variable and write {env/NAME} in its place"
    if _PASSWORD.match(bare):
        return f"a literal password in the URL is not allowed; {hint}"
    if _SECRET_PARAM.search(bare):
        return f"a literal secret in a query parameter is not allowed; {hint}"
    path = bare.split("://", 1)[1].split("?", 1)[0]
    if any(_TOKEN_LIKE.match(part) for part in path.split("/")):
        return f"a part of the URL looks like a token (20+ letters and digits); {hint}"
    return None


def env_names(url: str) -> list[str]:
    """The environment variables a target's URL reads."""
    if ENV_REF.match(url):
        return [url.removeprefix("env/")]
    return [m.removeprefix("env/") for m in PLACEHOLDER.findall(url)]


NotifyUrl = Annotated[str, Field(max_length=2048), AfterValidator(_check_url)]


class NotifyTarget(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    url: NotifyUrl
    events: list[EventName] = Field(default_factory=lambda: list(EVENTS), min_length=1)
    send_resolved: StrictBool = Field(
        default=False, description="Also say when an alert this target was told about clears."
    )


def problems(targets: Sequence[NotifyTarget]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Duplicate target names, as (location, message) pairs."""
    seen: dict[str, int] = {}
    for i, target in enumerate(targets):
        if target.name in seen:
            yield (
                ("notify", i, "name"),
                f"duplicate target name '{target.name}' (first at notify[{seen[target.name]}])",
            )
        seen.setdefault(target.name, i)

"""Each platform's OAuth facts, as data (sources: /work/shared/PLATFORMS.md, section "auth").

Endpoints can be replaced (``with_base``) so tests point a flow at a local server.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from socialseed.errors import SecretError

Pkce = Literal["S256", "hex", "none"]
TokenAuth = Literal["client_secret_basic", "client_secret_post", "none"]


@dataclass(frozen=True)
class OAuthSpec:
    """How one platform does OAuth 2.0 authorization code (+ PKCE) for a CLI."""

    platform: str
    authorize_url: str
    token_url: str
    revoke_url: str | None
    whoami_url: str | None
    scopes: tuple[str, ...]
    scope_separator: str = " "
    pkce: Pkce = "S256"  # TikTok desktop: hex SHA-256 (third-party reports)
    client_id_param: str = "client_id"  # TikTok: client_key
    secret_required: bool = False
    rotating_refresh: bool = False
    refresh_leeway: float = 120.0  # refresh this many seconds before expiry
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def scope(self) -> str:
        return self.scope_separator.join(self.scopes)

    def token_auth(self, has_secret: bool) -> TokenAuth:
        if self.platform == "x":
            return "client_secret_basic" if has_secret else "none"
        return "client_secret_post" if has_secret else "none"


X = OAuthSpec(
    platform="x",
    authorize_url="https://x.com/i/oauth2/authorize",
    token_url="https://api.x.com/2/oauth2/token",
    revoke_url="https://api.x.com/2/oauth2/revoke",
    whoami_url="https://api.x.com/2/users/me",
    scopes=(
        "tweet.read",
        "tweet.write",
        "tweet.moderate.write",  # hide replies: PUT /2/tweets/:id/hidden
        "users.read",
        "follows.read",
        "follows.write",
        "like.read",
        "like.write",
        "mute.read",
        "mute.write",
        "offline.access",
    ),
    rotating_refresh=True,
    notes=("the code must be exchanged within 30 s", "refresh tokens are single-use"),
)

INSTAGRAM = OAuthSpec(
    platform="instagram",
    authorize_url="https://api.instagram.com/oauth/authorize",
    token_url="https://api.instagram.com/oauth/access_token",
    revoke_url=None,
    whoami_url="https://graph.instagram.com/me?fields=user_id,username",
    scopes=("instagram_business_basic", "instagram_business_manage_comments"),
    scope_separator=",",
    pkce="none",  # PLATFORMS.md: PKCE not found for Instagram Login
    secret_required=True,
    refresh_leeway=7 * 86400.0,  # long-lived tokens last 60 days; refresh in the last week
    notes=("short-lived token is exchanged for a 60-day token at once",),
)

TIKTOK_BUSINESS_API = "https://business-api.tiktok.com/open_api/v1.3"
TIKTOK = OAuthSpec(
    platform="tiktok",
    authorize_url="https://www.tiktok.com/v2/auth/authorize/",
    token_url=f"{TIKTOK_BUSINESS_API}/tt_user/oauth2/token/",
    revoke_url=f"{TIKTOK_BUSINESS_API}/tt_user/oauth2/revoke/",
    whoami_url=f"{TIKTOK_BUSINESS_API}/business/get/",
    # API for Business account-holder scopes: profile, own videos, read and manage comments
    scopes=("user.info.basic", "video.list", "comment.list", "comment.list.manage"),
    scope_separator=",",
    pkce="none",  # not documented for the API for Business account-holder flow
    client_id_param="client_key",
    secret_required=True,
    rotating_refresh=True,
    refresh_leeway=600.0,  # access tokens live 2 h (Login Kit) to 24 h (API for Business)
    notes=(
        "Business accounts only; tokens from the API for Business (/tt_user/oauth2/), "
        "lifetimes read from each answer, refresh tokens rotate",
    ),
)

MASTODON_SCOPES = ("read", "write")


def mastodon(instance: str) -> OAuthSpec:
    base = instance.rstrip("/")
    return OAuthSpec(
        platform="mastodon",
        authorize_url=f"{base}/oauth/authorize",
        token_url=f"{base}/oauth/token",
        revoke_url=f"{base}/oauth/revoke",
        whoami_url=f"{base}/api/v1/accounts/verify_credentials",
        scopes=MASTODON_SCOPES,
        notes=("tokens do not expire; the app is registered on the instance at login",),
    )


def with_base(spec: OAuthSpec, **urls: str | None) -> OAuthSpec:
    """The spec with some endpoints replaced (tests, self-hosted gateways)."""
    return replace(spec, **urls)  # type: ignore[arg-type]


def spec_for(platform: str, instance: str | None = None) -> OAuthSpec:
    if platform == "mastodon":
        if not instance:
            raise SecretError(
                "a Mastodon account needs its instance to log in",
                hint="add 'instance: https://your.instance' to the account in the config",
            )
        return mastodon(instance)
    specs = {"x": X, "instagram": INSTAGRAM, "tiktok": TIKTOK}
    if platform not in specs:
        raise SecretError(f"{platform} does not use OAuth in SocialSeed")
    return specs[platform]

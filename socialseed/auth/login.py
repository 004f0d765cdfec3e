"""``socialseed auth login``: connect an account through its platform's official auth.

OAuth platforms (X, Mastodon, Instagram, TikTok): authorization code with PKCE and a one-shot
loopback redirect on 127.0.0.1 (``--no-browser``: print the URL, paste the address back).
Bluesky: an app password traded for a session. ``--with-token``: a token read from stdin.
The person-facing I/O is injected (``LoginIO``), so tests drive every path.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import httpx

from socialseed import redact
from socialseed.auth.bluesky import BlueskySessions, check_app_password, looks_like_app_password
from socialseed.auth.connectors import env_ref, oauth_flow
from socialseed.auth.grant import Grant
from socialseed.auth.loopback import HOST, PATH, LoopbackListener
from socialseed.auth.oauth import identify, register_mastodon_app
from socialseed.auth.providers import OAuthSpec, spec_for
from socialseed.auth.vault import Vault
from socialseed.clock import Clock, iso
from socialseed.errors import SecretError
from socialseed.state.accounts import audit

if TYPE_CHECKING:
    from socialseed.config.schema import Account


class LoginIO(Protocol):
    """What a login needs from the person at the terminal."""

    interactive: bool

    def say(self, text: str) -> None: ...

    def open_browser(self, url: str) -> bool: ...

    def read_line(self, prompt: str) -> str: ...

    def read_secret(self, prompt: str) -> str: ...


@dataclass(frozen=True)
class LoginOptions:
    no_browser: bool = False
    with_token: bool = False
    insecure: bool = False
    redirect_uri: str | None = None
    timeout: float = 300.0


@dataclass(frozen=True)
class LoginResult:
    grant: Grant
    backend: str


@dataclass
class Login:
    """Everything one login needs; ``run`` does it and stores the grant."""

    account: Account
    env: Mapping[str, str]
    vault: Vault
    clock: Clock
    io: LoginIO
    options: LoginOptions
    transport: httpx.AsyncBaseTransport | None = None
    spec: OAuthSpec | None = None  # tests point the flow at a local server

    async def run(self) -> LoginResult:
        grant = await self._grant()
        now = self.clock.now()
        if self.options.insecure:
            self.io.say("Warning: --insecure-storage: the token is stored unencrypted.")
        backend = self.vault.put(self.account.id, grant, now=now, insecure=self.options.insecure)
        audit(
            self.vault.db,
            account=self.account.id,
            kind="auth.login",
            actor=grant.whoami or "unknown",
            now=now,
            detail={"backend": backend, "scopes": list(grant.scopes), "at": iso(now)},
        )
        return LoginResult(grant, backend)

    async def _grant(self) -> Grant:
        if self.account.platform == "bluesky":
            return await self._bluesky()
        if self.options.with_token:
            return await self._pasted_token()
        return await self._oauth()

    # Bluesky -------------------------------------------------------------------------------

    def _sessions(self) -> BlueskySessions:
        return BlueskySessions(
            self.account.service,
            clock=self.clock,
            transport=self.transport,
            account=self.account.id,
        )

    async def _bluesky(self) -> Grant:
        if self.options.with_token:
            value = self.io.read_secret("Bluesky app password: ").strip()
            redact.register(value)
            if value.startswith("eyJ") and not looks_like_app_password(value):
                return await self._sessions().identify(value)
        else:
            value = self._app_password()
        return await self._sessions().create(self.account.handle, check_app_password(value))

    def _app_password(self) -> str:
        from_env = env_ref(self.env, self.account.credentials)
        if from_env:
            return from_env
        if not self.io.interactive:
            raise SecretError(
                f"logging in '{self.account.id}' needs a Bluesky app password, and there is "
                "no terminal to ask for one",
                hint=f"pipe it in: socialseed auth login {self.account.id} --with-token "
                "< file, or set the variable named in the account's credentials",
            )
        return self.io.read_secret(f"App password for {self.account.handle}: ")

    # OAuth ---------------------------------------------------------------------------------

    def _spec(self) -> OAuthSpec:
        return self.spec or spec_for(self.account.platform, self.account.instance)

    async def _pasted_token(self) -> Grant:
        token = self.io.read_secret("Access token: ").strip()
        redact.register(token)
        if not token:
            raise SecretError("no token was given on stdin", hint="pipe the token in")
        grant = Grant(
            access_token=token,
            obtained_at=self.clock.now(),
            info={"platform": self.account.platform},
        )
        return await identify(
            self._spec(), grant, transport=self.transport, login="check the token and try again"
        )

    async def _oauth(self) -> Grant:
        if not self.io.interactive and not self.options.no_browser:
            raise SecretError(
                f"logging in '{self.account.id}' needs a person at a browser, and there is no "
                "terminal here",
                hint=f"in CI, pipe a token in (socialseed auth login {self.account.id} "
                f"--with-token) or set {_env_name(self.account.id)}",
            )
        redirect = self.options.redirect_uri
        if self.options.no_browser:
            return await self._exchange(redirect or _unused_loopback_uri(), None)
        port, path = _loopback_parts(redirect)
        with LoopbackListener(port, path) as listener:
            return await self._exchange(redirect or listener.redirect_uri, listener)

    async def _exchange(self, redirect_uri: str, listener: LoopbackListener | None) -> Grant:
        spec = self._spec()
        registered = await self._registered_app(spec, redirect_uri)
        account = self.account
        if registered:
            account = account.model_copy(update={"client_id": registered[0]})
        flow = oauth_flow(account, self.env, self.clock, self.transport, spec=spec)
        if registered:
            flow.client_secret = registered[1]
        auth = flow.authorize(redirect_uri)
        answer = await self._answer(auth.url, listener)
        grant = await flow.exchange(auth, answer)
        return _with_app(grant, spec, flow.client_id, registered)

    async def _registered_app(self, spec: OAuthSpec, redirect_uri: str) -> tuple[str, str] | None:
        if spec.platform != "mastodon" or self.account.client_id:
            return None
        instance = spec.authorize_url.rsplit("/oauth/", 1)[0]
        self.io.say(f"Registering SocialSeed as an app on {instance} ...")
        return await register_mastodon_app(instance, redirect_uri, transport=self.transport)

    async def _answer(self, url: str, listener: LoopbackListener | None) -> str:
        if listener is None:
            self.io.say(f"Open this address in a browser and approve access:\n\n  {url}\n")
            self.io.say(
                "The browser then fails to load a 127.0.0.1 page; that is expected. "
                "Copy the whole address from its address bar."
            )
            return self.io.read_line("Paste the address here: ").strip()
        opened = self.io.open_browser(url)
        verb = "Opened" if opened else "Open"
        self.io.say(f"{verb} this address in your browser to approve access:\n\n  {url}\n")
        self.io.say(f"Waiting up to {self.options.timeout:.0f} s for the browser ...")
        return await asyncio.to_thread(listener.wait, self.options.timeout)


def _with_app(
    grant: Grant, spec: OAuthSpec, client_id: str, registered: tuple[str, str] | None
) -> Grant:
    info = {**grant.info, "client_id": client_id, "platform": spec.platform}
    extra = dict(grant.extra)
    if spec.platform == "mastodon":
        info["instance"] = spec.authorize_url.rsplit("/oauth/", 1)[0]
    if registered:
        extra["client_secret"] = registered[1]
    return replace(grant, info=info, extra=extra)


def _env_name(account_id: str) -> str:
    from socialseed.auth.tokens import env_token_name

    return env_token_name(account_id)


def _loopback_parts(redirect_uri: str | None) -> tuple[int, str]:
    if not redirect_uri:
        return 0, PATH
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in {HOST, "localhost"} or not parts.port:
        raise SecretError(
            f"--redirect-uri {redirect_uri} is not a loopback address SocialSeed can listen on",
            hint="use http://127.0.0.1:PORT/callback, or add --no-browser to paste the answer",
        )
    return parts.port, parts.path or "/"


def _unused_loopback_uri() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    return f"http://{HOST}:{port}{PATH}"

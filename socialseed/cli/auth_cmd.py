"""auth login | status | logout: connect accounts through each platform's official auth.

Thin: parse, call ``socialseed.auth``, render. Every line printed goes through
``redact.scrub``; secrets are read from stdin or a hidden prompt, never from arguments.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_AUTH, ConfigError, SecretError

if TYPE_CHECKING:
    from socialseed.auth.status import AuthStatus
    from socialseed.auth.tokens import StoreTokenSource
    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Account, Config

auth_app = typer.Typer(
    help="Connect accounts (login), see what is connected (status), disconnect (logout).",
    no_args_is_help=True,
)

AccountArg = Annotated[str, typer.Argument(help="Account id from the config.")]


def say(text: str) -> None:
    from socialseed.redact import scrub

    typer.echo(scrub(text), err=True)


class ConsoleIO:
    """The person at the terminal (or a pipe): messages to stderr, answers from stdin."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def say(self, text: str) -> None:
        say(text)

    def open_browser(self, url: str) -> bool:
        import webbrowser

        try:
            return webbrowser.open(url)
        except Exception:
            return False

    def read_line(self, prompt: str) -> str:
        if self.interactive:
            say(prompt.rstrip())
        line = sys.stdin.readline()
        if not line:
            raise SecretError("nothing was given on stdin", hint="paste or pipe the answer in")
        return line

    def read_secret(self, prompt: str) -> str:
        if self.interactive and sys.stdin.isatty():
            import getpass

            return getpass.getpass(prompt, stream=sys.stderr)
        return self.read_line(prompt)


def _account(config: Config, account_id: str) -> Account:
    try:
        return config.account(account_id)
    except KeyError as exc:
        known = ", ".join(a.id for a in config.accounts)
        raise ConfigError(
            [f"no account '{account_id}' in the config (accounts: {known})"],
            hint="check the id, or pass -c to point at the right config",
        ) from exc


def _tokens(app_ctx: AppContext) -> StoreTokenSource:
    from socialseed.auth.tokens import StoreTokenSource, key_manager
    from socialseed.auth.vault import Vault

    keys = key_manager(app_ctx.env, app_ctx.db, state_path=app_ctx.beside_state, warn=say)
    return StoreTokenSource(app_ctx.env, Vault(app_ctx.db, keys), app_ctx.clock)


@auth_app.command()
def login(
    ctx: typer.Context,
    account: AccountArg,
    config: ConfigOpt = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the URL; paste back the address reached.")
    ] = False,
    with_token: Annotated[
        bool, typer.Option("--with-token", help="Read a token (Bluesky: app password) from stdin.")
    ] = False,
    insecure_storage: Annotated[
        bool, typer.Option("--insecure-storage", help="Store the token unencrypted (not advised).")
    ] = False,
    redirect_uri: Annotated[
        str | None,
        typer.Option(
            "--redirect-uri",
            help="Loopback redirect registered with the app "
            "(X needs an exact match, e.g. http://127.0.0.1:8765/callback).",
        ),
    ] = None,
) -> None:
    """Connect ACCOUNT through its platform's official login and store the token encrypted."""
    from socialseed.auth.login import Login, LoginOptions

    app_ctx = context.get(ctx)
    acct = _account(app_ctx.load_config(config), account)
    if acct.platform == "sandbox":
        say(f"'{acct.id}' is a sandbox account: it needs no authentication.")
        return
    tokens = _tokens(app_ctx)
    options = LoginOptions(no_browser, with_token, insecure_storage, redirect_uri)
    io = ConsoleIO(app_ctx.interactive)
    job = Login(acct, app_ctx.env, tokens.vault, app_ctx.clock, io, options)
    import asyncio

    result = asyncio.run(job.run())
    grant = result.grant
    who = grant.whoami or grant.user_id or "an unnamed account"
    say(f"Connected '{acct.id}' ({acct.platform}) as {who}.")
    say(f"  scopes: {', '.join(grant.scopes) or 'not reported'}")
    expiry = grant.expires_at.isoformat() if grant.expires_at else "does not expire"
    refresh = "; refreshed automatically" if grant.refresh_token else ""
    say(f"  expires: {expiry}{refresh}")
    from socialseed.auth.tokens import source_in_use

    say(f"  stored: {source_in_use(acct, {}, tokens.vault).detail}")
    in_use = source_in_use(acct, app_ctx.env, tokens.vault)
    if in_use.kind in {"env", "config"}:
        say(f"  note: {in_use.detail} is set and overrides the stored token.")


@auth_app.command()
def status(
    ctx: typer.Context,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Also ask each platform whether the token works.")
    ] = False,
) -> None:
    """Per account: connected as whom, scopes, expiry, storage, last refresh, source in use."""
    from socialseed.auth.status import statuses

    app_ctx = context.get(ctx)
    loaded = _config_if_any(app_ctx, config)
    tokens = _tokens(app_ctx)
    rows = statuses(loaded, app_ctx.env, tokens.vault, app_ctx.clock.now())
    if check and loaded is not None:
        rows = [_checked(app_ctx, tokens, loaded, row) for row in rows]
    _render(rows, as_json)
    blocked = [row for row in rows if not row.usable]
    if blocked:
        say(f"Error: authentication needed for {len(blocked)} account(s):")
        for row in blocked:
            say(f"  {row.account}: {row.problem or row.state}")
        commands = "; ".join(f"socialseed auth login {row.account}" for row in blocked)
        say(f"  hint: {commands} (in CI, set SOCIALSEED_<ACCOUNT_ID>_TOKEN instead)")
        raise typer.Exit(EXIT_AUTH)


def _config_if_any(app_ctx: AppContext, given: Path | None) -> Config | None:
    path = app_ctx.config_path(given)
    if given is None and not path.exists():
        return None
    return app_ctx.load_config(given)


def _checked(
    app_ctx: AppContext, tokens: StoreTokenSource, config: Config, row: AuthStatus
) -> AuthStatus:
    from dataclasses import replace

    from socialseed.auth.status import OK, check_online
    from socialseed.errors import SocialSeedError

    if row.state != OK:
        return row
    account = config.account(row.account)
    try:
        import asyncio

        grant = asyncio.run(check_online(account, tokens, app_ctx.clock, None))
    except SocialSeedError as exc:
        return replace(row, state="refused", problem=exc.message)
    return replace(row, whoami=grant.whoami or row.whoami, user_id=grant.user_id or row.user_id)


def _render(rows: list[AuthStatus], as_json: bool) -> None:
    from socialseed.redact import scrub

    if as_json:
        typer.echo(scrub(json.dumps([r.data() for r in rows], indent=2, sort_keys=True)))
        return
    if not rows:
        say("No accounts configured and no tokens stored.")
        return
    for row in rows:
        typer.echo(scrub(_line(row)))


def _line(row: AuthStatus) -> str:
    head = f"{row.account} ({row.platform}): {row.state}"
    parts = [f"source: {row.source}" + (f" [{row.source_detail}]" if row.source_detail else "")]
    if row.whoami or row.user_id:
        parts.append(f"as {row.whoami or row.user_id}")
    if row.scopes:
        parts.append(f"scopes: {' '.join(row.scopes)}")
    if row.expires_at:
        parts.append(f"expires: {row.expires_at}" + (" (refreshable)" if row.refreshable else ""))
    if row.backend:
        from socialseed.auth.tokens import backend_text

        parts.append(f"storage: {backend_text(row.backend)}")
    if row.last_refresh:
        parts.append(f"last refresh: {row.last_refresh}")
    if row.problem:
        parts.append(f"problem: {row.problem}")
    if row.warning:
        parts.append(f"warning: {row.warning}")
    return head + "\n  " + "\n  ".join(parts)


@auth_app.command()
def logout(
    ctx: typer.Context,
    account: AccountArg,
    config: ConfigOpt = None,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="Only delete the local copy; do not revoke.")
    ] = False,
) -> None:
    """Revoke ACCOUNT's token where the platform offers it, and delete the local copy."""
    from socialseed.auth.logout import logout as run_logout

    app_ctx = context.get(ctx)
    loaded = _config_if_any(app_ctx, config)
    acct = next((a for a in loaded.accounts if a.id == account), None) if loaded else None
    tokens = _tokens(app_ctx)
    job = run_logout(account, acct, tokens, app_ctx.clock, None, local_only=local_only)
    import asyncio

    for line in asyncio.run(job):
        say(line)


def register(app: typer.Typer) -> None:
    app.add_typer(auth_app, name="auth")

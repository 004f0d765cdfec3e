"""Operations: ``status``, ``sync``, ``report``, ``log``, ``pause``, ``resume``, ``prune``.

Thin: parse, call the core (socialseed.observe.sync, report.*, state.*), render, map exit codes.
``sync --fail-on-drift`` and ``status --fail-on-red`` exit 3 for nightly jobs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context
from socialseed.cli.files import write_output
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_UNSAFE, ConfigError, SocialSeedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Account, Config
    from socialseed.platforms.base import Platform

AccountOpt = Annotated[
    str | None, typer.Option("--account", help="Only this account.", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("sync")(sync)
    app.command("report")(report)
    app.command("log")(log)
    app.command("pause")(pause)
    app.command("resume")(resume)
    app.command("prune")(prune)


# -- helpers -----------------------------------------------------------------------------------
def _dumps(data: object) -> str:
    """JSON for stdout or a file: the data unchanged, unsafe characters as ``\\u`` escapes."""
    from socialseed.cli.status_cmd import dumps

    return dumps(data)


def _select(cfg: Config, account: str | None) -> list[Account]:
    if account is None:
        return [a for a in cfg.accounts if a.enabled]
    try:
        return [cfg.account(account)]
    except KeyError:
        known = ", ".join(a.id for a in cfg.accounts)
        raise ConfigError(
            [f"--account {account}: no such account in the config (accounts: {known})"],
            hint="pass one of the account ids above, or leave --account out for all",
        ) from None


def _optional_config(app_ctx: AppContext, given: Path | None) -> Config | None:
    """The config when given (errors shown), else the default one if it loads; else None."""
    if given is not None:
        return app_ctx.load_config(given)
    if not app_ctx.config_path(None).exists():
        return None
    try:
        return app_ctx.load_config(None)
    except SocialSeedError:
        app_ctx.err.print(
            f"note: the config at {app_ctx.config_path(None)} did not load; going on without "
            "it (pass -c PATH to use one)",
            markup=False,
        )
        return None


def _duration(text: str, option: str) -> timedelta:
    from socialseed.config.schema import parse_duration

    try:
        return timedelta(seconds=parse_duration(text))
    except ValueError as exc:
        raise ConfigError(
            [f"{option} {text}: {exc}"], hint=f"for example {option} 30d, 12h or 2w"
        ) from None


def _since(text: str | None, now: datetime, option: str = "--since") -> datetime | None:
    """A duration back from now (``7d``) or an ISO date or instant (``2026-11-01``)."""
    if text is None:
        return None
    from socialseed.clock import parse_instant

    try:
        return parse_instant(text)
    except ValueError:
        return now - _duration(text, option)


def _build_platform(app_ctx: AppContext, cfg: Config) -> Callable[[Account], Platform]:
    """Connected platforms through the CLI's one builder (clock, sandbox, tokens)."""
    from socialseed.cli.platform_deps import PlatformBuilder

    return PlatformBuilder(app_ctx, cfg)


# -- status ------------------------------------------------------------------------------------
def status(
    ctx: typer.Context,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    fail_on_red: Annotated[
        bool, typer.Option("--fail-on-red", help="Exit 3 when any account's light is red.")
    ] = False,
) -> None:
    """Accounts at a glance: phase, today's budget, health light, pause and lock, last apply."""
    from socialseed.cli.status_cmd import show_status

    code = show_status(context.get(ctx), config, as_json=as_json, fail_on_red=fail_on_red)
    if code:
        raise typer.Exit(code)


# -- sync --------------------------------------------------------------------------------------
def sync(
    ctx: typer.Context,
    config: ConfigOpt = None,
    account: AccountOpt = None,
    as_json: JsonOpt = False,
    fail_on_drift: Annotated[
        bool,
        typer.Option(
            "--fail-on-drift",
            help="Exit 3 when follows changed outside SocialSeed or a read looked wrong.",
        ),
    ] = False,
) -> None:
    """Snapshot followers and following, record follow-backs, detect drift, update health."""
    import asyncio

    from socialseed.observe.sync import run_sync

    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    accounts = _select(cfg, account)
    build = _build_platform(app_ctx, cfg)
    done = asyncio.run(run_sync(app_ctx.db, cfg, accounts, build, app_ctx.clock))
    data = [d.to_data() for d in done]
    if as_json:
        typer.echo(_dumps(data))
    else:
        from socialseed.report.report_text import render_sync

        render_sync(app_ctx.out, [d for d in data if d.get("error") is None])
    _sync_messages(app_ctx, done)
    from socialseed.cli.notify_cmd import after_command

    after_command(app_ctx, cfg)
    errors = [d.error for d in done if d.error is not None]
    if errors:
        raise typer.Exit(max(e.exit_code for e in errors))
    drifted = [d.account for d in done if d.result and (d.result.drift or d.result.suspect)]
    if fail_on_drift and drifted:
        app_ctx.err.print(
            f"drift on {', '.join(drifted)}; exit 3 because of --fail-on-drift", markup=False
        )
        raise typer.Exit(EXIT_UNSAFE)


def _sync_messages(app_ctx: AppContext, done: list[Any]) -> None:
    from socialseed.redact import scrub
    from socialseed.report.terminal import clean

    for d in done:
        say = app_ctx.err.print
        if d.error is not None:
            say(clean(scrub(f"Error: {d.account}: sync failed: {d.error}")), markup=False)
            continue
        r = d.result
        if r.drift:
            say(
                f"drift on {d.account}: {len(r.drift.followed)} follows made outside SocialSeed "
                f"(recorded as origin manual, left alone), {len(r.drift.unfollowed)} follows "
                f"ended outside SocialSeed; state serial is now {r.serial}, so older plans are "
                "stale",
                markup=False,
            )
        if d.demoted_to:
            say(f"{d.account}: cool-down over; resumed in phase {d.demoted_to}", markup=False)
        if d.paused:
            say(
                f"{d.account}: health is red ({'; '.join(d.health.reasons)}); paused for the "
                f"policy cool-down. 'socialseed resume {d.account}' lifts it early",
                markup=False,
            )


# -- report ------------------------------------------------------------------------------------
FORMATS = ("text", "json", "markdown", "html")


def report(
    ctx: typer.Context,
    since: Annotated[str, typer.Option(help="Period: a duration back (30d) or a date.")] = "30d",
    account: AccountOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text | json | markdown | html.", show_default=True)
    ] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Shortcut for --format html --out FILE.")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Growth, actions, follow-backs, approvals and costs over a period; charts included."""
    from socialseed.observe.analytics import build_report

    if html is not None:
        fmt, out = "html", html
    if fmt not in FORMATS:
        raise ConfigError(
            [f"--format {fmt}: not a report format"], hint=f"use one of {', '.join(FORMATS)}"
        )
    app_ctx = context.get(ctx)
    now = app_ctx.clock.now()
    start = _since(since, now) or now
    cfg = _optional_config(app_ctx, config)
    accounts = [account] if account else None
    if cfg is not None and account:
        _select(cfg, account)
    data = build_report(app_ctx.db, now=now, since=start, accounts=accounts, config=cfg)
    _emit_report(app_ctx, data, fmt, out)


def _emit_report(app_ctx: AppContext, data: dict[str, Any], fmt: str, out: Path | None) -> None:
    if fmt == "text":
        from socialseed.report.report_text import render_report

        if out is None:
            render_report(app_ctx.out, data)
            return
        text = _text_to_string(data)
    elif fmt == "json":
        text = _dumps(data) + "\n"
    elif fmt == "markdown":
        from socialseed.report.report_text import report_markdown

        text = report_markdown(data)
    else:
        from socialseed.report.report_html import render_html

        text = render_html(data)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_output(out, text, what="report", flag="--out")
    app_ctx.err.print(f"wrote the {fmt} report to {out}", markup=False)


def _text_to_string(data: dict[str, Any]) -> str:
    from rich.console import Console

    from socialseed.report.report_text import render_report

    console = Console(record=True, width=100, no_color=True, file=open_null())
    render_report(console, data)
    return console.export_text()


def open_null() -> Any:
    import io

    return io.StringIO()


# -- log ---------------------------------------------------------------------------------------
def log(
    ctx: typer.Context,
    account: AccountOpt = None,
    since: Annotated[
        str | None, typer.Option(help="From: a duration back (7d) or a date.", show_default=False)
    ] = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
    last: Annotated[
        int | None,
        typer.Option("--last", min=1, help="Only the N newest entries.", show_default=False),
    ] = None,
) -> None:
    """The audit trail: decisions, executions (outcome, request id, approver), pauses."""
    from socialseed.state.audit_log import COLUMNS, trail

    app_ctx = context.get(ctx)
    start = _since(since, app_ctx.clock.now())
    entries = [e.to_data() for e in trail(app_ctx.db, account=account, since=start)]
    if last is not None:
        entries = entries[-last:]  # the trail is oldest first
    if as_json:
        typer.echo(_dumps(entries))
    elif as_csv:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_clean_row(e) for e in entries)
        typer.echo(buffer.getvalue(), nl=False)
    elif entries:
        from socialseed.report.report_text import render_trail

        render_trail(app_ctx.out, entries)
    else:
        app_ctx.err.print("the audit trail is empty for this selection", markup=False)


def _clean_row(entry: dict[str, Any]) -> dict[str, Any]:
    """One CSV row with remote text made terminal-safe (control, bidi, zero-width shown)."""
    from socialseed.report.terminal import clean

    return {k: clean(v) if isinstance(v, str) else v for k, v in entry.items()}


# -- pause / resume ----------------------------------------------------------------------------
AccountArg = Annotated[
    str | None, typer.Argument(help="The account id (or use --all).", show_default=False)
]
AllOpt = Annotated[bool, typer.Option("--all", help="Every account (the global kill switch).")]


def _target(
    app_ctx: AppContext, account: str | None, every: bool, verb: str, config: Path | None
) -> str:
    from socialseed.state.accounts import ALL

    if every == (account is not None):
        raise SocialSeedError(
            f"{verb}: name one account or pass --all (not both, not neither)",
            hint=f"socialseed {verb} ACCOUNT ... or socialseed {verb} --all ...",
        )
    if every:
        return ALL
    assert account is not None
    known = _known_accounts(app_ctx, config)
    if known and account not in known:
        raise SocialSeedError(
            f"{verb}: no account {account!r} (known: {', '.join(sorted(known))})",
            hint=f"check the id with 'socialseed status', or use 'socialseed {verb} --all'",
        )
    return account


def _known_accounts(app_ctx: AppContext, config: Path | None) -> set[str]:
    known = {
        str(r["id"]) for r in app_ctx.db.table("accounts").rows_where("id != '*'", select="id")
    }
    try:
        cfg = _optional_config(app_ctx, config)
    except SocialSeedError:
        cfg = None
    if cfg is not None:
        known |= {a.id for a in cfg.accounts}
    return known


def pause(
    ctx: typer.Context,
    account: AccountArg = None,
    every: AllOpt = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")] = "",
    reviewer: Annotated[str | None, typer.Option(help="Who pauses (default: you).")] = None,
    for_: Annotated[
        str | None,
        typer.Option("--for", help="Lift the pause by itself after this long (48h, 7d)."),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """The kill switch: every apply checks it before each action."""
    from socialseed.clock import iso
    from socialseed.report.terminal import clean
    from socialseed.state import accounts as store

    app_ctx = context.get(ctx)
    if not reason.strip():
        raise SocialSeedError(
            "pause needs --reason", hint='for example --reason "platform warning email"'
        )
    now = app_ctx.clock.now()
    until = now + _duration(for_, "--for") if for_ is not None else None
    key = _target(app_ctx, account, every, "pause", config)
    actor = app_ctx.reviewer(reviewer)
    store.pause(app_ctx.db, key, reason=reason.strip(), now=now, until=until, actor=actor)
    who = "every account" if key == store.ALL else key
    undo = "--all" if key == store.ALL else key
    lifted = f"{iso(until)} or " if until else ""
    app_ctx.err.print(
        f"paused {who}: {clean(reason.strip())}. apply runs nothing for it until "
        f"{lifted}'socialseed resume {undo}'",
        markup=False,
    )


def resume(
    ctx: typer.Context,
    account: AccountArg = None,
    every: AllOpt = False,
    reviewer: Annotated[str | None, typer.Option(help="Who resumes (default: you).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Lift a pause (with --all: the global one and every account's)."""
    from socialseed.state import accounts as store

    app_ctx = context.get(ctx)
    key = _target(app_ctx, account, every, "resume", config)
    actor = app_ctx.reviewer(reviewer)
    now = app_ctx.clock.now()
    db = app_ctx.db
    keys = [key]
    if key == store.ALL:
        keys += [
            str(r["id"])
            for r in db.table("accounts").rows_where(
                "id != '*' and paused_until is not null", select="id"
            )
        ]
    for k in keys:
        store.resume(db, k, now=now, actor=actor)
    who = "every account" if key == store.ALL else key
    app_ctx.err.print(f"resumed {who}", markup=False)


# -- prune -------------------------------------------------------------------------------------
def prune(
    ctx: typer.Context,
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            help="Age limit (default: config retention.third_party, else 90d).",
            show_default=False,
        ),
    ] = None,
    include_audit: Annotated[
        bool,
        typer.Option(
            "--include-audit",
            help="Also delete the audit trail: journal, decisions, audit lines and the "
            "state-serial history (serial_log). Reports then start at the cutoff.",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete third-party data (profiles, posts, cached scores, old plans) past its retention."""
    from socialseed.state.retention import prune as run_prune

    app_ctx = context.get(ctx)
    if older_than is None:
        cfg = _optional_config(app_ctx, config)
        older_than = cfg.retention.third_party if cfg is not None else "90d"
    now = app_ctx.clock.now()
    cutoff = now - _duration(older_than, "--older-than")
    result = run_prune(
        app_ctx.db,
        cutoff=cutoff,
        include_audit=include_audit,
        dry_run=dry_run,
        actor=app_ctx.reviewer(None),
        now=now,
    )
    if as_json:
        typer.echo(_dumps(result.to_data()))
    else:
        for table, count in sorted(result.counts.items()):
            typer.echo(f"{table}\t{count}")
    app_ctx.err.print(_prune_summary(result, older_than), markup=False)


def _prune_summary(result: Any, older_than: str) -> str:
    """What went (or would go), naming every table of the audit trail that is touched."""
    from socialseed.clock import iso

    verb = "would delete" if result.dry_run else "deleted"
    head = f"{verb} {result.total} rows older than {older_than}"
    if not result.include_audit:
        return f"{head}; the audit trail (journal, decisions, audit, serial_log) was kept"
    trail = ", ".join(f"{table} {n}" for table, n in sorted(result.audit_counts.items()))
    then = "would then start" if result.dry_run else "now start"
    return (
        f"{head} (before {iso(result.cutoff)}), including the audit trail: {trail} "
        "(serial_log is the history of each account's state serial). "
        f"Reports {then} at {iso(result.cutoff)}: nothing before it is left to count"
    )

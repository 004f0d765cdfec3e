"""``socialseed state check|backups|backup|restore|reset``: the state file itself.

These commands work on a damaged file too: they never go through the checks that refuse one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.errors import EXIT_STATE, SocialSeedError

if TYPE_CHECKING:
    from socialseed.cli.context import AppContext

state_app = typer.Typer(
    no_args_is_help=True,
    help="The state file: check it, list and restore its backups, or start fresh.",
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]


def register(app: typer.Typer) -> None:
    app.add_typer(state_app, name="state")


def _say(app_ctx: AppContext, text: str) -> None:
    app_ctx.err.print(text, markup=False)


@state_app.command("check")
def check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the whole file (integrity_check, schema, version); exit 6 if it is unusable."""
    from socialseed.state import backups, integrity
    from socialseed.state.db import connect, pending

    app_ctx = context.get(ctx)
    path = app_ctx.resolved_state_path
    if not path.exists():
        raise SocialSeedError(
            f"there is no state file at {path}",
            hint="it is made by the first command that needs it (for example 'socialseed plan')",
        )
    problem: SocialSeedError | None = None
    waiting: list[str] = []
    try:
        integrity.check_file(path)
        db = connect(path)
        try:
            done = integrity.check_schema(db, path)
            integrity.check_pages(db, path, full=True)
            waiting = pending(done) if done else []
        finally:
            db.conn.close()
    except SocialSeedError as exc:
        problem = exc
    kept = [b.to_data() for b in backups.listing(path)]
    data = {
        "path": str(path),
        "bytes": path.stat().st_size,
        "ok": problem is None,
        "problem": problem.message if problem else None,
        "pending_migrations": waiting,
        "backups": kept,
    }
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
    if problem is not None:
        if not as_json:
            from socialseed.cli.main import print_error

            print_error(problem)
        raise typer.Exit(EXIT_STATE)
    if not as_json:
        more = f"; {len(waiting)} migration(s) will run on next use" if waiting else ""
        _say(
            app_ctx,
            f"ok: {path} ({data['bytes']} bytes) is whole (integrity_check), its schema is "
            f"complete{more}; {len(kept)} backup(s) in {backups.folder(path)}",
        )


@state_app.command("backups")
def list_backups(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The backups of the state file, newest first (taken before each migration and apply)."""
    from socialseed.state import backups

    app_ctx = context.get(ctx)
    path = app_ctx.resolved_state_path
    found = backups.listing(path)
    if as_json:
        typer.echo(json.dumps([b.to_data() for b in found], indent=2, sort_keys=True))
        return
    for backup in found:
        data = backup.to_data()
        typer.echo(f"{data['name']}\t{data['taken_at']}\t{data['reason']}\t{data['bytes']}")
    if not found:
        _say(app_ctx, f"no backups yet in {backups.folder(path)}")
    else:
        _say(
            app_ctx,
            f"{len(found)} backup(s) in {backups.folder(path)}; the newest {backups.KEEP} are "
            "kept. 'socialseed state restore [NAME]' puts one back",
        )


@state_app.command("backup")
def backup_now(ctx: typer.Context) -> None:
    """Take a backup now (the file is checked first)."""
    app_ctx = context.get(ctx)
    target = app_ctx.checkpoint("manual")
    _say(app_ctx, f"backed up {app_ctx.resolved_state_path} to {target}")


@state_app.command("restore")
def restore(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help="Which backup (see 'state backups'); default the newest."),
    ] = None,
) -> None:
    """Put a backup in place of the state file; the current file is kept aside, not deleted."""
    from socialseed.state import backups
    from socialseed.state.db import open_state

    app_ctx = context.get(ctx)
    path = app_ctx.resolved_state_path
    now = app_ctx.clock.now()
    chosen = backups.find(path, name)
    backups.refuse_if_locked(path, now=now, verb="restore over")
    aside = backups.restore(path, chosen, now=now)
    open_state(path, now=now).conn.close()  # checks it, and migrates an older copy
    kept = f"; the file it replaced is kept at {aside}" if aside else ""
    _say(
        app_ctx,
        f"restored {path} from {chosen.path.name} (taken {chosen.to_data()['taken_at']}){kept}. "
        "What happened after that backup is not in it: run 'socialseed sync' to catch up",
    )


@state_app.command("reset")
def reset(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Really start with an empty state.")] = False,
) -> None:
    """Start fresh: an empty state; the current file is kept aside, not deleted."""
    from socialseed.state import backups
    from socialseed.state.db import open_state

    app_ctx = context.get(ctx)
    path = app_ctx.resolved_state_path
    if not yes:
        raise SocialSeedError(
            f"state reset starts {path} empty: decisions, journal and rejections are not in "
            "the new file",
            hint=f"run '{backups.command(path, 'state reset --yes')}' to go ahead, or "
            f"'{backups.command(path, 'state restore')}' to go back to a backup instead",
        )
    now = app_ctx.clock.now()
    backups.refuse_if_locked(path, now=now, verb="reset")
    aside = backups.set_aside(path, now)
    open_state(path, now=now).conn.close()
    kept = f"; the previous file is kept at {aside}" if aside else ""
    _say(app_ctx, f"started a fresh state at {path}{kept}")

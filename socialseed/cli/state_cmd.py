"""``socialseed state check|backups|backup|restore|reset|migrate|copy``: the state itself.

These commands work on a damaged file too: they never go through the checks that refuse one.
Backups, restore and reset are of a SQLite file; on PostgreSQL they are the database's own
(``pg_dump``, the provider's snapshots), and ``check`` checks the schema. ``migrate`` and
``copy`` work on both (``copy`` moves a state between them).
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
    help="The state: check it, list and restore its backups, start fresh, migrate it, or "
    "copy it between SQLite and PostgreSQL.",
)
StateOpt = Annotated[
    str | None,
    typer.Option(
        "--state",
        help="The state to work on: a SQLite file or postgresql://USER@HOST/DB (default: the "
        "global --state or SOCIALSEED_STATE).",
    ),
]
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
    if app_ctx.state.is_postgres:
        _check_postgres(app_ctx, as_json)
        return
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


def _check_postgres(app_ctx: AppContext, as_json: bool) -> None:
    from socialseed.state.db import pending
    from socialseed.state.pg.open import check_schema, connect

    db = connect(app_ctx.state, read_only=True)
    try:
        done = check_schema(db)
    finally:
        db.close()
    waiting = pending(done) if done else []
    shown = app_ctx.state.shown
    if as_json:
        data = {"url": shown, "ok": True, "pending_migrations": waiting, "migrations": len(done)}
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    more = f"; {len(waiting)} migration(s) will run on next use" if waiting else ""
    _say(
        app_ctx,
        f"ok: {shown}: its schema is complete ({len(done)} migrations){more}. Page checks and "
        "backups of a PostgreSQL state are the database's own (pg_dump, the provider's "
        "snapshots)",
    )


@state_app.command("migrate")
def migrate(ctx: typer.Context, state: StateOpt = None) -> None:
    """Run the migrations the state lacks and print them (a SQLite file is backed up first)."""
    from socialseed.state.db import migrate_state
    from socialseed.state.location import parse_location

    app_ctx = context.get(ctx)
    where = parse_location(state, "--state") if state else app_ctx.state
    ran = migrate_state(where, now=app_ctx.clock.now())
    for name in ran:
        typer.echo(name)
    if ran:
        _say(app_ctx, f"ran {len(ran)} migration(s) on {where.shown}")
    else:
        _say(app_ctx, f"nothing to migrate: {where.shown} has every migration of this SocialSeed")


@state_app.command("copy")
def copy(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The state to copy: a SQLite file or a URL.")],
    destination: Annotated[
        str, typer.Argument(help="Where to copy it: a SQLite file or postgresql://... .")
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Delete the destination's rows first (it is not empty)."),
    ] = False,
) -> None:
    """Copy every table and row of a state to another (SQLite to PostgreSQL and back), then
    count each table's rows on both sides and print them."""
    from socialseed.state.copy import copy_state, occupied, refuse_unmigrated
    from socialseed.state.db import open_state
    from socialseed.state.location import parse_location

    app_ctx = context.get(ctx)
    src, dst = parse_location(source, "SOURCE"), parse_location(destination, "DESTINATION")
    if src == dst or (src.path and dst.path and src.path.resolve() == dst.path.resolve()):
        raise SocialSeedError(
            f"the source and the destination are the same state ({src.shown})",
            hint="name another destination",
        )
    if src.path is not None and not src.path.is_file():
        raise SocialSeedError(
            f"there is no state file at {src.path}", hint="name the state file to copy from"
        )
    now = app_ctx.clock.now()
    reader = open_state(src, now=now, read_only=True)
    try:
        refuse_unmigrated(reader, src.shown)
        writer = open_state(dst, now=now)
        try:
            full = occupied(writer)
            if full and not replace:
                table, rows = full[0]
                raise SocialSeedError(
                    f"the destination {dst.shown} is not empty (table {table} has {rows} "
                    f"row(s), {len(full)} table(s) have rows); nothing was copied",
                    hint="copy into an empty state, or pass --replace to delete the "
                    "destination's rows first",
                )
            counted = copy_state(reader, writer, replace=replace)
        finally:
            writer.conn.close()
    finally:
        reader.conn.close()
    for item in counted:
        typer.echo(f"{item.table}\t{item.destination_rows}")
    total = sum(item.destination_rows for item in counted)
    _say(
        app_ctx,
        f"copied {total} row(s) in {len(counted)} table(s) from {src.shown} to {dst.shown}; "
        "every table's rows counted the same on both sides",
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
    path = app_ctx.resolved_state_path  # a PostgreSQL state: the database's own backups
    target = app_ctx.checkpoint("manual")
    _say(app_ctx, f"backed up {path} to {target}")


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

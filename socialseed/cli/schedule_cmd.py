"""``socialseed schedule``: print (or write) the seed's cadence as cron, systemd or GitHub files."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.errors import SocialSeedError

if TYPE_CHECKING:
    from socialseed.cli.context import AppContext

FORMATS = ("cron", "systemd", "github-actions")


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule)


def schedule(
    ctx: typer.Context,
    format_: Annotated[
        str, typer.Option("--format", help="cron, systemd or github-actions.")
    ] = "cron",
    apply_at: Annotated[
        list[str] | None,
        typer.Option(
            "--apply-at", metavar="HH:MM", help="Apply the plan at this UTC time (repeat)."
        ),
    ] = None,
    config: Annotated[
        str, typer.Option("-c", "--config", help="The config path the jobs use.")
    ] = "socialseed",
    plan: Annotated[
        str, typer.Option("--plan", help="The reviewed plan file the apply jobs run.")
    ] = "plan.json",
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="Where the jobs run (default: here).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the files into this folder instead.")
    ] = None,
) -> None:
    """Health every 15 min (sync, status, notify), report daily, prune weekly, apply at times."""
    from socialseed.cli import schedule_files as files

    if format_ not in FORMATS:
        raise SocialSeedError(
            f"--format {format_}: not a schedule format", hint=f"use one of: {', '.join(FORMATS)}"
        )
    app_ctx = context.get(ctx)
    setup = files.Setup(
        workdir=(workdir or Path.cwd()).absolute(),
        config=config,
        state=_state_for_jobs(app_ctx),
        bin_dir=_bin_dir(),
        plan=plan,
        apply_at=tuple(sorted({files.parse_time(t) for t in apply_at or []})),
    )
    found = _files(format_, setup)
    if out is None:
        for name, text in found.items():
            if len(found) > 1:
                typer.echo(f"# ---- {name} ----")
            typer.echo(text, nl=False)
        return
    _write(app_ctx, out, found)


def _bin_dir() -> Path:
    """The folder of this socialseed executable (so that cron and systemd find this one)."""
    beside = Path(sys.executable).parent
    if (beside / "socialseed").exists():
        return beside.absolute()
    found = shutil.which("socialseed")
    return Path(found).absolute().parent if found else Path("/usr/local/bin")


def _files(format_: str, setup: object) -> dict[str, str]:
    from socialseed.cli import schedule_files as files

    assert isinstance(setup, files.Setup)
    if format_ == "cron":
        return {"socialseed.cron": files.crontab(setup)}
    if format_ == "systemd":
        return files.systemd_units(setup)
    return {"socialseed.yml": files.github_workflow(setup)}


def _write(app_ctx: context.AppContext, out: Path, found: dict[str, str]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in found.items():
            (out / name).write_text(text)
    except OSError as exc:
        raise SocialSeedError(
            f"--out {out}: cannot write there ({exc.strerror or exc})",
            hint="choose a folder you can write to",
        ) from None
    for name in found:
        app_ctx.err.print(f"wrote {out / name}", markup=False)


def _state_for_jobs(app_ctx: AppContext) -> Path | str:
    """What the job files name as SOCIALSEED_STATE: the state file, or the PostgreSQL URL,
    which must hold no password (job files are not a place for secrets)."""
    state = app_ctx.state
    if state.path is not None:
        return state.path.absolute()
    assert state.url is not None
    if state.shown != state.url:
        raise SocialSeedError(
            f"the state URL {state.shown} holds a password, and the job files would show it",
            hint="give the password to the jobs in PGPASSWORD or ~/.pgpass, and name the state "
            "without it (postgresql://USER@HOST/DB)",
        )
    return state.url

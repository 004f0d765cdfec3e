"""``socialseed notify test|check``, and the check that runs after sync, status and apply.

``after_command`` is how sync, status and apply notify: it never raises, so a notification
problem is a line on stderr and a ``notify_failed`` in the audit log, never a failed command.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_ERROR

if TYPE_CHECKING:
    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Config
    from socialseed.model.status import StatusRow
    from socialseed.observe.notify import Delivery

notify_app = typer.Typer(
    no_args_is_help=True,
    help="Notifications (Apprise) to the config's notify: targets.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")


@notify_app.command("test")
def test(
    ctx: typer.Context,
    target: Annotated[
        str | None, typer.Argument(help="One notify: target by name (default: all).")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Send a test message to every target (or TARGET); exit 1 if one is not delivered."""
    from socialseed.observe.notify import send_test

    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    if not cfg.notify:
        app_ctx.err.print("no notify: targets in the config; nothing to test", markup=False)
        raise typer.Exit(EXIT_ERROR)
    done = send_test(cfg, target, env=app_ctx.env)
    _say(app_ctx, done)
    if any(not d.delivered for d in done):
        raise typer.Exit(EXIT_ERROR)


@notify_app.command("check")
def check(ctx: typer.Context, config: ConfigOpt = None) -> None:
    """Work out which alerts are on and notify the new ones (what sync, status and apply do)."""
    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    done = _notify(app_ctx, cfg, None)
    if not done:
        app_ctx.err.print("notify: nothing new to send", markup=False)


def after_command(
    app_ctx: AppContext, cfg: Config, rows: Sequence[StatusRow] | None = None
) -> None:
    """Best-effort notification after a command: never raises, never changes its exit code."""
    if not cfg.notify:
        return
    try:
        _notify(app_ctx, cfg, rows)
    except Exception as exc:  # best-effort by design: say it, and go on
        from socialseed.redact import scrub

        app_ctx.err.print(
            scrub(f"notify: skipped ({type(exc).__name__}: {exc}); the command itself is done"),
            markup=False,
        )


def _notify(app_ctx: AppContext, cfg: Config, rows: Sequence[StatusRow] | None) -> list[Delivery]:
    from socialseed.observe.alerts import active
    from socialseed.observe.notify import notify

    now = app_ctx.clock.now()
    alerts = active(app_ctx.db, cfg, now=now, rows=rows)
    done = notify(app_ctx.db, cfg, alerts, env=app_ctx.env, now=now)
    _say(app_ctx, done)
    return done


def _say(app_ctx: AppContext, done: Sequence[Delivery]) -> None:
    from socialseed.redact import scrub

    if app_ctx.json_log:
        from socialseed.cli.jsonlog import emit

        for d in done:
            emit(d.to_data())
        return
    for d in done:
        app_ctx.err.print(scrub(d.text()), markup=False)

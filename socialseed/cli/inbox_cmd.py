"""``socialseed inbox``: read each account's inbox, sort it by its rules, show what is unanswered.

Thin: parse, call ``socialseed.conversations.inbox``, render (``report.inbox_render``).
Reads only: nothing is sent; the read cursor and the messages are kept in state.
"""

from __future__ import annotations

from typing import Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt


def register(app: typer.Typer) -> None:
    app.command("inbox")(inbox)


def inbox(
    ctx: typer.Context,
    config: ConfigOpt = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Only this account.", show_default=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout.")
    ] = False,
) -> None:
    """Read mentions, replies and comments; show how rules sorted them and what is unanswered."""
    import asyncio

    from socialseed.cli.ops_cmd import _select
    from socialseed.cli.platform_deps import PlatformBuilder
    from socialseed.conversations.inbox import view
    from socialseed.model.conversations import InboxView
    from socialseed.report import inbox_render

    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    accounts = _select(cfg, account)
    build = PlatformBuilder(app_ctx, cfg)
    now = app_ctx.clock.now()

    async def run() -> list[InboxView]:
        views = []
        for acct in accounts:
            platform = build(acct)
            try:
                views.append(await view(app_ctx.db, cfg, acct, platform, now))
            finally:
                await platform.aclose()
        return views

    views = asyncio.run(run())
    if as_json:
        typer.echo(inbox_render.render_json(views), nl=False)
        return
    for line in inbox_render.render_text(views):
        app_ctx.out.print(line)

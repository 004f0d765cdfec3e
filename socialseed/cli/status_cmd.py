"""``socialseed status``: the command's work, apart from its typer declaration (``ops_cmd``).

Both the typer command and the quick path of the console script (``cli.quick``, which answers
``status`` without building the typer app) run ``show_status``; nothing here imports typer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from socialseed.cli.context import AppContext
from socialseed.errors import EXIT_UNSAFE


def show_status(
    app_ctx: AppContext, config: Path | None, *, as_json: bool, fail_on_red: bool
) -> int:
    """Print the accounts' status; the exit code (3: a red light and ``--fail-on-red``)."""
    from socialseed.observe.status import status_rows

    view = app_ctx.config_view(config)  # unchanged config: from the cache, no pydantic
    now = app_ctx.clock.now()
    rows = status_rows(app_ctx.reads, view, now=now)
    if as_json:
        echo(dumps([row.to_data() for row in rows]))
    else:
        from socialseed.report.status_text import render_status

        render_status(app_ctx.out, rows, now)
    if view.notify:  # notifying reads the whole config
        from socialseed.cli.notify_cmd import after_command

        after_command(app_ctx, app_ctx.load_config(config), rows)
    red = [row.account for row in rows if row.health.light.value == "red"]
    if fail_on_red and red:
        app_ctx.err.print(
            f"red: {', '.join(red)} (see the reasons above); exit 3 because of --fail-on-red",
            markup=False,
        )
        return EXIT_UNSAFE
    return 0


def dumps(data: object) -> str:
    """JSON for stdout or a file: the data unchanged, unsafe characters as ``\\u`` escapes."""
    from socialseed.report.terminal import json_text

    return json_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def echo(text: str) -> None:
    """A line on stdout, as ``typer.echo`` writes it (``text`` holds no terminal codes, which
    it would strip when stdout is not a terminal: ``dumps`` escapes them)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()

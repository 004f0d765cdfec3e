"""usage: what language-model scoring cost, per provider and model (from the ai_usage ledger)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context

if TYPE_CHECKING:
    from socialseed.state.ai import UsageTotal


def usage(
    ctx: typer.Context,
    since: Annotated[
        str, typer.Option("--since", help="How far back: a duration (30d, 12h, 2w) or 'all'.")
    ] = "30d",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Totals per provider and model: requests, profiles scored, tokens in and out, cost."""
    from socialseed.state.ai import usage_totals

    app_ctx = context.get(ctx)
    start = _since(since, app_ctx.clock.now())
    totals = usage_totals(app_ctx.db, start)
    if as_json:
        _print_json(totals, start)
    elif not totals:
        app_ctx.err.print(f"no scoring requests {_window(start)}")
    else:
        _print_table(totals, start)


def _since(value: str, now: datetime) -> datetime | None:
    from socialseed.config.schema import parse_duration
    from socialseed.errors import ConfigError

    if value.strip().lower() == "all":
        return None
    try:
        return now - timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        raise ConfigError(
            [f"--since: {exc}"],
            hint="use a number and s, m, h, d or w (for example --since 30d), or --since all",
        ) from exc


def _window(start: datetime | None) -> str:
    from socialseed.clock import iso

    return f"since {iso(start)}" if start else "(all time)"


def _total(totals: list[UsageTotal]) -> dict[str, float | int]:
    keys = ("requests", "failed", "profiles", "tokens_in", "tokens_out", "cost_usd")
    total = {k: sum(t.to_data()[k] for t in totals) for k in keys}
    total["cost_usd"] = round(float(total["cost_usd"]), 6)
    return total


def _print_json(totals: list[UsageTotal], start: datetime | None) -> None:
    import json

    from socialseed.clock import iso

    data = {
        "since": iso(start) if start else None,
        "providers": [t.to_data() for t in totals],
        "total": _total(totals),
    }
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


HEADERS = (
    "provider",
    "model",
    "requests",
    "failed",
    "profiles",
    "tokens in",
    "tokens out",
    "cost USD",
)
COUNTS = ("requests", "failed", "profiles", "tokens_in", "tokens_out")


def _print_table(totals: list[UsageTotal], start: datetime | None) -> None:
    """Plain aligned columns: never truncated, whatever the terminal width."""
    rows = [
        [t.provider, t.model, *(str(getattr(t, k)) for k in COUNTS), f"{t.cost_usd:.4f}"]
        for t in totals
    ]
    total = _total(totals)
    rows.append(["total", "", *(str(total[k]) for k in COUNTS), f"{total['cost_usd']:.4f}"])
    widths = [max(len(r[i]) for r in [list(HEADERS), *rows]) for i in range(len(HEADERS))]
    typer.echo(f"Scoring usage {_window(start)}")
    for row in [list(HEADERS), *rows]:
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        typer.echo("  ".join(cells).rstrip())


def register(app: typer.Typer) -> None:
    app.command()(usage)

"""``socialseed sandbox reset|info|faults``: the built-in simulated network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context

if TYPE_CHECKING:
    from socialseed.config.schema import Sandbox

sandbox_app = typer.Typer(
    no_args_is_help=True,
    help="The simulated network that the demo, tests and benchmarks run on.",
)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file or folder (its sandbox: section)."),
]


def _settings(app_ctx: context.AppContext, given: Path | None) -> Sandbox:
    from socialseed.config.schema import Sandbox

    if given is None and not app_ctx.config_path(None).exists():
        return Sandbox()
    return app_ctx.load_config(given).sandbox


@sandbox_app.command("reset")
def reset(
    ctx: typer.Context,
    seed: Annotated[int | None, typer.Option(help="World seed (default: config, else 42).")] = None,
    size: Annotated[
        int | None,
        typer.Option(min=50, max=500_000, help="Accounts (default: config, else 5000)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Make a fresh world (everything done in the old one is forgotten)."""
    from socialseed.platforms.sandbox.generate import WorldSpec, generate

    app_ctx = context.get(ctx)
    settings = _settings(app_ctx, config)
    spec = WorldSpec.at(
        settings.seed if seed is None else seed,
        settings.size if size is None else size,
        app_ctx.clock.now(),
        settings.followback,
    )
    generate(app_ctx.sandbox_path, spec)
    app_ctx.err.print(
        f"New sandbox world at {app_ctx.sandbox_path}: seed {spec.seed}, {spec.size} accounts."
    )


@sandbox_app.command("info")
def info(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What is in the world, who follows the managed accounts, what they have done."""
    from socialseed.platforms.sandbox.info import summary

    app_ctx = context.get(ctx)
    data = summary(app_ctx.sandbox_path, app_ctx.clock.now())
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for line in _info_lines(data):
        app_ctx.out.print(line, markup=False)


def _info_lines(data: dict[str, Any]) -> list[str]:
    accounts = data["accounts"]
    lines = [
        f"world: {data['path']} (seed {data['seed']}, {data['size']} accounts, "
        f"made {data['anchor']}, now {data['now']})",
        f"accounts: {accounts['people']} people, {accounts['bots']} bots, "
        f"{accounts['hubs']} hubs, {accounts['managed']} managed; "
        f"{accounts['opted_out']} opted out (#nobot); "
        f"{accounts['hidden_follower_counts']} hide their follower count",
        f"follows: {data['follows']}",
    ]
    for acct in data["managed"]:
        done = ", ".join(f"{verb} {n}" for verb, n in acct["done"].items()) or "nothing yet"
        lines += [
            f"@{acct['handle']}: {acct['followers']} followers, {acct['following']} following; "
            f"{acct['followed_back']} followed back, {acct['follow_backs_pending']} pending",
            f"  recent followers: {', '.join(acct['recent_followers']) or 'none'}",
            f"  done: {done}",
        ]
    if not data["managed"]:
        lines.append("no managed accounts yet (they appear on first use by plan or apply)")
    faults = data["faults"]
    lines.append("faults: " + (_faults_text(faults) if faults else "none"))
    return lines


def _faults_text(faults: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(faults.items()) if v not in (None, 0, False))


@sandbox_app.command("faults")
def faults(
    ctx: typer.Context,
    error_rate: Annotated[float, typer.Option(min=0, max=1, help="Share of 503s.")] = 0.0,
    timeout_rate: Annotated[float, typer.Option(min=0, max=1, help="Share of timeouts.")] = 0.0,
    lost_reply_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of writes done but answered by a timeout.")
    ] = 0.0,
    block_after: Annotated[
        int | None, typer.Option(min=0, help="Block each account after N more writes.")
    ] = None,
    restrict: Annotated[
        bool, typer.Option("--restrict", help="A block restricts the whole account.")
    ] = False,
    latency_ms: Annotated[int, typer.Option(min=0, help="Added to every request.")] = 0,
    reads: Annotated[bool, typer.Option("--reads", help="Faults hit reads too.")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Remove all faults.")] = False,
    show: Annotated[bool, typer.Option("--show", help="Only print the faults in force.")] = False,
) -> None:
    """Inject faults (replacing any set before), or --clear them, or --show them."""
    from socialseed.platforms.sandbox.faults import Faults, get_faults, set_faults

    app_ctx = context.get(ctx)
    path = app_ctx.sandbox_path
    if not show:
        wanted = Faults(
            error_rate=error_rate,
            timeout_rate=timeout_rate,
            lost_reply_rate=lost_reply_rate,
            block_after=block_after,
            block_kind="restricted" if restrict else "blocked",
            latency_ms=latency_ms,
            reads=reads,
        )
        set_faults(path, Faults() if clear else wanted, now=app_ctx.clock.now())
    current = get_faults(path)
    text = _faults_text(current.to_data()) if current.active else "none"
    app_ctx.out.print(f"faults: {text}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")

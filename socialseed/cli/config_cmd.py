"""init, validate and schema: the config commands (all offline)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ConfigError

if TYPE_CHECKING:
    from socialseed.config.schema import Config


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to create.")] = Path("socialseed"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write a commented example config folder (with the schema modeline and a .gitignore)."""
    from socialseed.config.files import write_example

    app_ctx = context.get(ctx)
    written = write_example(directory, force=force)
    for path in written:
        app_ctx.err.print(f"wrote {path}")
    app_ctx.err.print(
        f"next: edit {directory}/socialseed.yaml, then run: socialseed validate -c {directory}"
    )


def validate(ctx: typer.Context, config: ConfigOpt = None) -> None:
    """Check the config offline; print a one-line summary (exit 0) or every problem (exit 1)."""
    app_ctx = context.get(ctx)
    path = app_ctx.config_path(config)
    loaded = app_ctx.load_config(config)
    from socialseed.config.files import summary

    _check_platform_verbs(path, loaded)
    ran = _run_examples(path, loaded)
    tested = f"; {ran} conversation example(s) pass" if ran else ""
    typer.echo(f"ok: {path}: {summary(path, loaded)}{tested}")


NARROW_PLATFORMS = frozenset({"instagram", "tiktok"})  # their APIs offer replies and hiding only


def _check_platform_verbs(path: Path, loaded: Config) -> None:
    """A targeting on Instagram or TikTok that asks for a verb their APIs lack (follow, like,
    repost...) fails here, at its line, as it would at plan time."""
    from socialseed.cli.platform_deps import capabilities
    from socialseed.plan.policy import requested_verbs

    lines: list[str] = []
    for account in loaded.accounts:
        if account.platform not in NARROW_PLATFORMS or not account.enabled:
            continue
        caps = capabilities(account)
        for name in account.targeting:
            targeting = loaded.targeting.get(name)
            asked = requested_verbs(targeting) if targeting else {}
            for verb, key in asked.items():
                if verb in caps.supports:
                    continue
                loc = ("targeting", name, *key.split("."))
                lines.append(
                    f"{_where(path, loc)}: targeting.{name}.{key}: account '{account.id}' is on "
                    f"{account.platform}, which offers no {verb.value} "
                    f"({caps.unsupported_reasons.get(verb, 'not in its API')}); it offers "
                    f"{caps.offers()}"
                )
    if lines:
        raise ConfigError(
            lines,
            hint="remove those actions from the targeting, or give the account a targeting "
            "of its own that only hides spam comments (conversations: answers comments)",
        )


def _where(path: Path, loc: tuple[str, ...]) -> str:
    from socialseed.config.load import parse_file
    from socialseed.config.marks import Mark, find_mark
    from socialseed.config.merge import merge
    from socialseed.config.source import config_files

    _, marks = merge([parse_file(f) for f in config_files(path)])
    return str(find_mark(marks, loc, Mark(str(path), 1, 1)))


def _run_examples(path: Path, loaded: Config) -> int:
    """Run every rule set's ``examples:``; a failure is a ConfigError with a diff per example."""
    from socialseed.conversations.examples import run

    total, failures = run(loaded)
    if not failures:
        return total
    from socialseed.config.load import parse_file
    from socialseed.config.marks import Mark, find_mark
    from socialseed.config.merge import merge
    from socialseed.config.source import config_files

    _, marks = merge([parse_file(f) for f in config_files(path)])
    fallback = Mark(str(path), 1, 1)
    lines = [
        line
        for failure in failures
        for line in failure.lines(str(find_mark(marks, failure.loc, fallback)))
    ]
    raise ConfigError(
        [f"{len(failures)} of {total} conversation example(s) fail:", *lines],
        hint="change the rules or the example's expect: so they agree",
    )


def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of the config (for editors: yaml-language-server)."""
    from socialseed.config.files import schema_json

    typer.echo(schema_json())


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(validate)
    app.command()(schema)

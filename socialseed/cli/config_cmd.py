"""init, validate and schema: the config commands (all offline)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ConfigError

if TYPE_CHECKING:
    from socialseed.config.marks import Loc, Mark
    from socialseed.config.schema import Config
    from socialseed.config.view import ValidateView


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


def validate(
    ctx: typer.Context,
    config: ConfigOpt = None,
    env_vars: Annotated[
        bool,
        typer.Option(
            "--env-vars",
            help="After the checks, print the environment variables the config references "
            "(env/NAME), one per line: the secrets a CI job must provide.",
        ),
    ] = False,
) -> None:
    """Check the config offline; print a one-line summary (exit 0) or every problem (exit 1)."""
    app_ctx = context.get(ctx)
    path = app_ctx.config_path(config)
    found = app_ctx.config_view(config).validated
    if found is None:  # not in the config cache: every check runs
        found = _checked(path, app_ctx.load_config(config))
        app_ctx.remember_validated(config, found)
    for note in found.notes:
        app_ctx.err.print(f"note: {note}", markup=False, highlight=False)
    if env_vars:
        for name in found.env_vars:
            typer.echo(name)
        return
    tested = f"; {found.examples} conversation example(s) pass" if found.examples else ""
    typer.echo(f"ok: {path}: {found.summary}{tested}")


def _checked(path: Path, loaded: Config) -> ValidateView:
    """Everything ``validate`` checks beyond loading, and what it then prints."""
    from socialseed.cli.platform_deps import capabilities
    from socialseed.config.env_refs import env_references
    from socialseed.config.files import summary
    from socialseed.config.view import ValidateView
    from socialseed.plan.capability_check import expansion_notes

    _check_capabilities(path, loaded)
    ran = _run_examples(path, loaded)
    return ValidateView(
        summary=summary(path, loaded),
        examples=ran,
        notes=tuple(expansion_notes(loaded, capabilities)),
        env_vars=tuple(ref.name for ref in env_references(loaded)),
    )


def _check_capabilities(path: Path, loaded: Config) -> None:
    """What ``plan`` would refuse before any network call (platform, tier, verb, source)."""
    from socialseed.cli.platform_deps import capabilities
    from socialseed.config.marks import Mark
    from socialseed.plan.capability_check import capability_problems

    problems = capability_problems(loaded, capabilities, {}, Mark(str(path), 1, 1))
    if problems:  # found again, now with the place of each (the YAML is read once more)
        marks, fallback = _marks(path)
        problems = capability_problems(loaded, capabilities, marks, fallback)
        raise ConfigError(
            [f"{len(problems)} thing(s) the platforms do not allow:", *problems],
            hint="change the targeting named above; 'socialseed platforms' lists what each "
            "platform offers",
        )


def _marks(path: Path) -> tuple[dict[Loc, Mark], Mark]:
    """Where each value of the config is (file, line, column)."""
    from socialseed.config.load import parse_file
    from socialseed.config.marks import Mark
    from socialseed.config.merge import merge
    from socialseed.config.source import config_files

    files = config_files(path)
    _, marks = merge([parse_file(f) for f in files])
    return marks, Mark(str(files[0]), 1, 1)


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

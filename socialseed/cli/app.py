"""Compose the sub-apps into ``socialseed`` and map every error to an exit code.

No command shows a Python traceback unless ``SOCIALSEED_DEBUG=1``. The console script's entry
point is ``cli.main.run``, which loads this module (and typer) only when it is needed.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from socialseed.cli import context, params
from socialseed.cli.commands import TABLE
from socialseed.cli.failure import error_text, failure_of
from socialseed.cli.lazy import LazyCommands
from socialseed.cli.stdout import flush_stdout, silence_stdout
from socialseed.errors import EXIT_ERROR, EXIT_INTERRUPTED, SocialSeedError


def print_error(exc: BaseException, *, debug: bool = False, json_log: bool = False) -> None:
    from socialseed.redact import scrub
    from socialseed.report.terminal import clean

    if json_log:
        from socialseed.cli.jsonlog import emit

        code = exc.exit_code if isinstance(exc, SocialSeedError) else EXIT_ERROR
        emit({"event": "error", "message": error_text(exc), "exit_code": code})
        return
    typer.echo(clean(scrub(error_text(exc))), err=True)


# typer vendors its own click: find its exception bases through the public names
_CLICK_CONTROL: tuple[type[BaseException], ...] = (
    *(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
    typer.Exit,
    typer.Abort,
)


def _usage_error_exits_1(exc: BaseException) -> None:
    """Usage errors exit 1, not click's 2: 2 means "changes present" (--detailed-exitcode)."""
    usage_error = not isinstance(exc, typer.Exit)  # typer.Exit(2) means "changes"
    if usage_error and getattr(exc, "exit_code", 0) == 2:
        exc.exit_code = 1  # type: ignore[attr-defined]


class SafeGroup(TyperGroup):
    """Runs a command and turns any error into a message and an exit code.

    Its commands are those of ``commands.TABLE``, each built only when used (see ``cli.lazy``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(TABLE, pretty_exceptions_short=True)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The listing of ``--help``, from each command's help alone (nothing is built)."""
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        shown = [(name, commands.summary(name)) for name in commands]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in shown])

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:  # parsing the top level: a bare `socialseed` or an unknown global option
            return super().make_context(*args, **kwargs)
        except _CLICK_CONTROL as exc:
            _usage_error_exits_1(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        debug = context.debug_requested()
        try:
            return super().invoke(ctx)
        except _CLICK_CONTROL as exc:
            _usage_error_exits_1(exc)
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if debug and not isinstance(exc, KeyboardInterrupt | BrokenPipeError):
                raise
            shown, code = failure_of(exc, ctx.find_root().obj)
            if shown is None:  # the reader stopped (`socialseed show | head`): not an error
                silence_stdout()
            elif isinstance(shown, str):
                typer.echo(shown, err=True)
            else:
                print_error(shown, json_log=_json_log(ctx))
            raise typer.Exit(code) from None


def _json_log(ctx: Any) -> bool:
    app_ctx = ctx.find_root().obj
    return isinstance(app_ctx, context.AppContext) and app_ctx.json_log


app = typer.Typer(
    cls=SafeGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Plan, review and apply engagement for social accounts, through official APIs only.",
)


def _version(value: bool) -> None:
    if value:
        from socialseed import __version__

        typer.echo(f"socialseed {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="State: a SQLite file, or postgresql://USER@HOST/DB (env SOCIALSEED_STATE).",
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt (env SOCIALSEED_NO_INPUT=1).")
    ] = False,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            envvar="SOCIALSEED_LOG_FORMAT",
            help="text, or json: stderr as one JSON event per line (for log shippers).",
        ),
    ] = "text",
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Validate the config even when it is unchanged (env SOCIALSEED_NO_CACHE=1).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """SocialSeed: config-as-code engagement planning. Dry run is the default."""
    app_ctx = context.get(ctx)
    app_ctx.state_path = state
    app_ctx.no_input = no_input
    app_ctx.no_cache = no_cache
    if log_format not in ("text", "json"):
        raise typer.BadParameter(f"{log_format!r}: use text or json", param_hint="--log-format")
    app_ctx.log_format = log_format
    ctx.call_on_close(app_ctx.close)
    if app_ctx.read_only:
        refuse_writes_when_read_only(ctx.invoked_subcommand)
    app_ctx.debug = app_ctx.env.get("SOCIALSEED_DEBUG") == "1"
    if app_ctx.debug:  # debug tracebacks and logs go through the same scrubbing
        from socialseed.redact import install

        install()


# Commands whose purpose is to record in the state: refused where the state is read-only
WRITERS = frozenset(
    {"apply", "review", "sync", "pause", "resume", "prune", "state", "force-unlock", "auth"}
    | {"notify"}
)


def refuse_writes_when_read_only(command: str | None) -> None:
    """SOCIALSEED_STATE_READONLY=1 (a pull request's plan job) allows only commands that
    read the state: a decision or a journal row written to a scratch copy would be lost."""
    if command in WRITERS:
        from socialseed.errors import StateError

        raise StateError(
            f"'socialseed {command}' records in the state, but SOCIALSEED_STATE_READONLY=1 "
            "makes this run read-only (a pull request's plan job); nothing was recorded",
            hint=f"run 'socialseed {command}' where the shared state is writable (the "
            "decisions, apply or nightly job), without SOCIALSEED_STATE_READONLY",
        )


params.install()  # a text, path or choice option converted without pydantic


def run() -> None:
    """Run the command ``sys.argv`` names (``cli.main.run`` is the console script)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(EXIT_INTERRUPTED)
    except SystemExit:
        # click answers a closed pipe outside a command (--help | head) with exit 1 after
        # swapping stdout for a wrapper that swallows the rest: a closed pipe is not an error
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            sys.exit(0)
        raise
    finally:  # what is still buffered goes out now: a closed pipe is not an error
        flush_stdout()

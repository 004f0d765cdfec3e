"""``socialseed status`` without building the typer app: the console script's quick path.

Typer (with its vendored click) costs more than the rest of ``status`` together. For a plain
command line, ``[--state S] [--no-input] [--no-cache] [--log-format text] status [-c PATH]
[--json] [--fail-on-red]`` (options in their ``--name VALUE`` or ``--name=VALUE`` forms, each
at most once), what typer would do is plain: the same ``AppContext``, the same command body
(``cli.status_cmd``), every error worded and mapped to its exit code as ``cli.app.SafeGroup``
does. ``parse`` answers ``None`` for anything else (``--help``, ``--version``, an unknown or
repeated option, a value that looks like an option, JSON logs, ``SOCIALSEED_DEBUG=1``, shell
completion, a stream that is not UTF-8): typer then runs the command, and says what is wrong,
in its own words. A test runs both paths on the same command lines and compares them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GLOBAL_VALUES = ("--state", "--log-format")
GLOBAL_FLAGS = ("--no-input", "--no-cache")
STATUS_VALUES = ("-c", "--config")
STATUS_FLAGS = ("--json", "--fail-on-red")


@dataclass(frozen=True)
class StatusArgs:
    """A ``status`` command line, as typer would hand it to the command."""

    state: str | None = None
    no_input: bool = False
    no_cache: bool = False
    config: Path | None = None
    as_json: bool = False
    fail_on_red: bool = False


def parse(argv: Sequence[str], env: Mapping[str, str]) -> StatusArgs | None:
    """The ``status`` command line ``argv`` names, or ``None``: typer's to run."""
    if not _plain_run(env):
        return None
    try:
        at = list(argv).index("status")
    except ValueError:
        return None
    root = _options(argv[:at], GLOBAL_VALUES, GLOBAL_FLAGS)
    command = _options(argv[at + 1 :], STATUS_VALUES, STATUS_FLAGS)
    if root is None or command is None:
        return None
    log_format = root.get("--log-format", env.get("SOCIALSEED_LOG_FORMAT") or "text")
    if log_format != "text":
        return None
    config = command.get("--config", command.get("-c"))
    if "--config" in command and "-c" in command:
        return None  # one option given twice: typer's rules
    path = None if config is None else _path(str(config))
    if config is not None and path is None:
        return None
    state = root.get("--state")
    return StatusArgs(
        state=None if state is None else str(state),
        no_input="--no-input" in root,
        no_cache="--no-cache" in root,
        config=path,
        as_json="--json" in command,
        fail_on_red="--fail-on-red" in command,
    )


def _plain_run(env: Mapping[str, str]) -> bool:
    """Nothing typer does differently: no debug run, no shell completion, UTF-8 streams."""
    if env.get("SOCIALSEED_DEBUG") == "1":
        return False
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in env):
        return False
    for stream in (sys.stdout, sys.stderr):
        encoding = str(getattr(stream, "encoding", "") or "").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8"):
            return False
    return True


def _options(
    args: Sequence[str], with_value: Sequence[str], flags: Sequence[str]
) -> dict[str, str | bool] | None:
    """Options in their plain forms, each once, values not looking like options; else None."""
    found: dict[str, str | bool] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, equals, value = arg.partition("=")
        if name in found:
            return None
        if name in flags and not equals:
            found[name] = True
        elif name in with_value and name.startswith("--") and equals:
            found[name] = value
        elif name in with_value and not equals and rest:
            found[name] = rest.pop(0)
        else:
            return None
        given = found[name]
        if isinstance(given, str) and (not given or given.startswith("-")):
            return None
    return found


def _path(value: str) -> Path | None:
    """The path typer makes of ``value`` (``None``: typer must say it is not readable)."""
    try:
        os.stat(value)
    except (OSError, ValueError):
        return Path(value)
    return Path(value) if os.access(value, os.R_OK) else None


def run_status(args: StatusArgs) -> int:
    """Run ``status`` as the typer app does; the exit code."""
    from socialseed.cli.context import AppContext
    from socialseed.cli.failure import failure_of
    from socialseed.cli.status_cmd import show_status
    from socialseed.cli.stdout import flush_stdout, silence_stdout

    app_ctx = AppContext()
    app_ctx.state_path = args.state
    app_ctx.no_input = args.no_input
    app_ctx.no_cache = args.no_cache
    try:
        code = show_status(app_ctx, args.config, as_json=args.as_json, fail_on_red=args.fail_on_red)
    except (Exception, KeyboardInterrupt) as exc:  # worded and mapped as cli.app.SafeGroup does
        shown, code = failure_of(exc, app_ctx)
        if shown is None:
            silence_stdout()
        elif isinstance(shown, str):
            _stderr(shown)
        else:
            _print_error(shown)
    finally:
        app_ctx.close()
        flush_stdout()
    return code


def _print_error(exc: BaseException) -> None:
    from socialseed.cli.failure import error_text
    from socialseed.redact import scrub
    from socialseed.report.terminal import clean

    _stderr(clean(scrub(error_text(exc))))


def _stderr(text: str) -> None:
    """A line on stderr, as ``typer.echo(text, err=True)`` writes it (``text`` is cleaned:
    no terminal codes for it to strip)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()

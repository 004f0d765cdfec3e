"""The console script's entry point: ``socialseed --help`` from the cache, a plain ``status``
without typer (``cli.quick``), the rest through typer.

The app itself (commands, error handling, exit codes) is in ``cli.app``; this module stays
light so that it can answer ``socialseed --help`` without importing typer, which costs more
than the rest of that command: the root help text depends only on the code (SocialSeed's and
typer's), the program name and the terminal's width, so it is kept in the cache folder
(``cachedir``) under a key made of those, written the first time, and printed as it is
afterwards. ``SOCIALSEED_NO_CACHE=1`` turns that off too.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from socialseed.cli.stdout import flush_stdout, silence_stdout

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from socialseed.cli.app import (
        WRITERS,
        SafeGroup,
        app,
        print_error,
        refuse_writes_when_read_only,
    )

__all__ = [
    "WRITERS",
    "SafeGroup",
    "app",
    "flush_stdout",
    "print_error",
    "refuse_writes_when_read_only",
    "run",
    "silence_stdout",
]
_FROM_APP = ("WRITERS", "SafeGroup", "app", "print_error", "refuse_writes_when_read_only")


def __getattr__(name: str) -> object:
    if name not in _FROM_APP:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from socialseed.cli import app as app_module

    return getattr(app_module, name)


def run() -> None:
    """Console-script entry point."""
    # Pydantic looks for plugins in every installed package's metadata when it builds the first
    # schema (a tenth of `validate`); SocialSeed uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    help_file = _help_file() if sys.argv[1:] == ["--help"] else None
    if help_file is not None and _print_cached(help_file):
        return
    if "status" in sys.argv[1:]:
        from socialseed.cli import quick

        found = quick.parse(sys.argv[1:], os.environ)
        if found is not None:
            sys.exit(quick.run_status(found))
    import atexit

    from socialseed.cli.app import run as run_app

    atexit.register(_before_shutdown)
    if help_file is None:
        run_app()
        return
    _run_keeping_help(run_app, help_file)


def _before_shutdown() -> None:
    """The process ends with the command: its garbage cycles are collected once (what they
    hold, such as the state's connection, is closed as before), and what is left is frozen,
    so that the interpreter's shutdown does not walk the whole heap again in each of its
    collections (a few tenths of a second after a plan that read a sandbox world)."""
    import gc

    gc.collect()
    gc.freeze()


def _help_file() -> Path | None:
    """Where the root help text for this code, program name and width is kept (``None``: the
    cache is off)."""
    import hashlib
    import shutil

    from socialseed import cachedir

    folder = cachedir.cache_dir(os.environ)
    if folder is None:
        return None
    main = sys.modules.get("__main__")
    parts = [
        cachedir.code_fingerprint(),
        sys.argv[0],  # click names the program after it (or "python -m socialseed")
        str(getattr(main, "__package__", None)),
        str(shutil.get_terminal_size()),
        str(getattr(sys.stdout, "encoding", None)),
        os.environ.get("SOCIALSEED_LOG_FORMAT", ""),
    ]
    key = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return folder / f"help-{key}.txt"


def _print_cached(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    _print(text)
    return True


def _run_keeping_help(run_app: Callable[[], None], path: Path) -> None:
    """Run ``socialseed --help`` as always, keep what it printed, then print it."""
    import io

    from socialseed import cachedir

    real, captured = sys.stdout, io.StringIO()
    sys.stdout = captured
    code: str | int | None = 0
    try:
        run_app()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout = real
    text = captured.getvalue()
    if code in (0, None) and text:
        cachedir.write_text(path, text)
    _print(text)
    if code not in (0, None):
        sys.exit(code)


def _print(text: str) -> None:
    try:
        sys.stdout.write(text)
    except BrokenPipeError:  # `socialseed --help | head`: not an error
        silence_stdout()
    flush_stdout()

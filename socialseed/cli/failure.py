"""What a command's error becomes: the message's text and whether the state file is to blame.

Shared by the typer app (``cli.app.SafeGroup``) and the quick ``status`` path (``cli.quick``),
which must word every error the same way; neither typer nor rich is imported here.
"""

from __future__ import annotations

import sys

from socialseed.errors import EXIT_ERROR, EXIT_INTERRUPTED, SocialSeedError

INTERRUPTED = "Interrupted; what was recorded is kept."


def failure_of(exc: BaseException, app_ctx: object) -> tuple[BaseException | str | None, int]:
    """What an exception that ended a command becomes: what stderr says (an error to word
    with ``error_text``, a plain line, or nothing) and the exit code. A closed pipe (``status
    | head``) is no error: the caller silences stdout and exits 0."""
    if isinstance(exc, SocialSeedError):
        return exc, exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED, EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        return None, 0
    damage = state_damage(app_ctx) if database_error(exc) else None
    return (damage, damage.exit_code) if damage else (exc, EXIT_ERROR)


def error_text(exc: BaseException) -> str:
    """``Error: ...`` for a SocialSeed error; an internal error's message and hint otherwise."""
    if isinstance(exc, SocialSeedError):
        text = f"Error: {exc}"
    else:
        text = (
            f"Error: internal error ({type(exc).__name__}: {exc}).\n"
            "  hint: rerun with SOCIALSEED_DEBUG=1 for details and report it; "
            "nothing already recorded was lost"
        )
    return text


def database_error(exc: BaseException) -> bool:
    """A SQLite error (sqlite3 is loaded by whatever raised it: --help never loads it)."""
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError)


def state_damage(app_ctx: object) -> SocialSeedError | None:
    """A database error met mid-command: the state file's damage, if that is the cause."""
    from socialseed.cli.context import AppContext

    if not isinstance(app_ctx, AppContext):
        return None
    try:
        return app_ctx.state_damage()
    except SocialSeedError as exc:
        return exc

"""The only place that reads the environment and builds clocks, stores and consoles.

Commands get an ``AppContext`` from ``get(ctx)``; everything it builds is lazy, so that
``socialseed --help`` stays fast.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from socialseed.clock import Clock, FakeClock, SystemClock, parse_instant
from socialseed.errors import ConfigError, StateError, StateUnusable

if TYPE_CHECKING:
    from rich.console import Console

    from socialseed.config.schema import Config
    from socialseed.state.handle import StateDB, StateReads


def default_state_path(env: Mapping[str, str]) -> Path:
    if env.get("SOCIALSEED_STATE"):
        refuse_state_url(env["SOCIALSEED_STATE"], "SOCIALSEED_STATE")
        return Path(env["SOCIALSEED_STATE"]).expanduser()
    if not env.get("HOME") and not env.get("XDG_DATA_HOME"):
        # without them the user's data folder would be guessed, and a new empty state made
        raise StateError(
            "no state file given, and HOME and XDG_DATA_HOME are both unset, so the usual "
            "place for it (~/.local/share/socialseed/state.sqlite) is unknown",
            hint="name the state file you use: set SOCIALSEED_STATE=/path/to/state.sqlite or "
            "pass --state /path/to/state.sqlite (for cron and services, set it in the job)",
        )
    from platformdirs import user_data_dir

    return Path(user_data_dir("socialseed", appauthor=False)) / "state.sqlite"


# a scheme (two letters or more, so that C:/ stays a path) then ':/'; a Path folds '//' into '/'
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")
_POSTGRES = ("postgresql", "postgres", "postgresql+psycopg", "pgsql")


def refuse_state_url(value: str, where: str) -> None:
    """A state given as a URL (``postgresql://...``) is refused, never taken as a file path
    (which would silently make a SQLite file under a folder named ``postgresql:``)."""
    match = _URL.match(value.strip())
    if match is None:
        return
    scheme = match.group(1).lower()
    shown = f"{scheme}://..."  # the rest may hold a password: never printed
    if scheme in _POSTGRES:
        what = "the PostgreSQL state backend is not available in this version of SocialSeed"
    else:
        what = f"{scheme!r} is not a state backend SocialSeed knows (it keeps state in SQLite)"
    raise StateError(
        f"{where} is a URL ({shown}): {what}; nothing was created",
        hint="point --state or SOCIALSEED_STATE at a SQLite file path, for example "
        "~/.local/share/socialseed/state.sqlite (or leave both unset for that default)",
    )


DEFAULT_CONFIG_FOLDER = Path("socialseed")
DEFAULT_CONFIG_FILE = Path("socialseed.yaml")


def _is_config_folder(folder: Path) -> bool:
    """A folder of ``*.yaml`` files, not a Python package (a source checkout's ``socialseed/``)."""
    if not folder.is_dir() or (folder / "__init__.py").exists():
        return False
    return any(folder.glob("*.y*ml"))


def default_config_path(env: Mapping[str, str]) -> Path:
    """SOCIALSEED_CONFIG, else ``./socialseed/`` (a folder of YAML files), else
    ``./socialseed.yaml``; ``./socialseed.yaml`` is also what is reported missing."""
    if env.get("SOCIALSEED_CONFIG"):
        return Path(env["SOCIALSEED_CONFIG"]).expanduser()
    if _is_config_folder(DEFAULT_CONFIG_FOLDER):
        return DEFAULT_CONFIG_FOLDER
    return DEFAULT_CONFIG_FILE


def no_default_config() -> ConfigError:
    """The error when no config was named and none is at the default places."""
    package = (DEFAULT_CONFIG_FOLDER / "__init__.py").exists()
    skipped = " (./socialseed/ here is a Python package, not a config folder)" if package else ""
    return ConfigError(
        [
            "no config found: looked for ./socialseed/ (a folder of *.yaml files) and "
            f"./socialseed.yaml{skipped}"
        ],
        hint="pass -c PATH, set SOCIALSEED_CONFIG=PATH, or create one with "
        "'socialseed init my-socialseed'",
    )


@dataclass
class AppContext:
    """What every command needs, built from flags and the environment."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    state_path: Path | None = None
    debug: bool = False
    no_input: bool = False
    log_format: str = "text"  # or "json": stderr as one JSON event per line
    _config_cache: dict[Path, Config] = field(default_factory=dict)

    @cached_property
    def clock(self) -> Clock:
        """Real time; under SOCIALSEED_NOW simulated time, resumed where the last run left it."""
        fixed = self._fixed_now()
        if fixed is None:
            return SystemClock()
        if not self.resolved_state_path.is_file():
            return FakeClock(fixed)
        from socialseed.state.simclock import resumed_from_file

        return FakeClock(resumed_from_file(fixed, self.resolved_state_path))

    @property
    def simulated(self) -> bool:
        return isinstance(self.clock, FakeClock)

    def _fixed_now(self) -> datetime | None:
        fixed = self.env.get("SOCIALSEED_NOW")
        if not fixed:
            return None
        try:
            return parse_instant(fixed)
        except ValueError as exc:
            raise ConfigError(
                [f"SOCIALSEED_NOW={fixed!r} is not an ISO 8601 instant"],
                hint="use a form like 2026-01-31T09:00:00Z",
            ) from exc

    @property
    def resolved_state_path(self) -> Path:
        if self.state_path is not None:
            refuse_state_url(str(self.state_path), "--state")
            return self.state_path
        return default_state_path(self.env)

    @cached_property
    def db(self) -> StateDB:
        from socialseed.state.db import open_state

        return open_state(self.resolved_state_path, now=self._fixed_now() or SystemClock().now())

    @cached_property
    def reads(self) -> StateReads:
        """The state for a command that only reads: a light handle on a whole, migrated file
        (``state.reads``: no sqlite-utils, no numpy), else the full ``db``, which creates,
        migrates or refuses the file."""
        if "db" not in self.__dict__:
            from socialseed.state.reads import open_reads

            found = open_reads(self.resolved_state_path)
            if found is not None:
                return found
        return self.db

    def state_damage(self) -> StateUnusable | None:
        """After a database error in a command: is the state file damaged? (None if not.)"""
        if "db" not in self.__dict__ and "reads" not in self.__dict__:
            return None
        from socialseed.state import integrity

        found = integrity.problems(self.db)
        if not found:
            return None
        return integrity.unusable(self.resolved_state_path, f"is damaged: {found[0]}")

    def checkpoint(self, reason: str) -> Path:
        """Before a change that matters (an apply): check the whole file, then back it up."""
        from socialseed.state import backups, integrity

        integrity.check_pages(self.db, self.resolved_state_path)
        return backups.take(self.db, self.resolved_state_path, reason=reason, now=self.clock.now())

    @property
    def sandbox_path(self) -> Path:
        if self.env.get("SOCIALSEED_SANDBOX"):
            return Path(self.env["SOCIALSEED_SANDBOX"]).expanduser()
        return self.resolved_state_path.parent / "sandbox.sqlite"

    @cached_property
    def out(self) -> Console:
        from socialseed.cli.console import console

        return console(stderr=False, no_color=self.no_color)

    @cached_property
    def err(self) -> Console:
        if self.json_log:
            from socialseed.cli import jsonlog

            return jsonlog.console(lambda: self.clock.now())
        from socialseed.cli.console import console

        return console(stderr=True, no_color=self.no_color)

    @property
    def json_log(self) -> bool:
        return self.log_format == "json"

    @property
    def no_color(self) -> bool:
        return bool(self.env.get("NO_COLOR"))

    @property
    def interactive(self) -> bool:
        """May we prompt? Never without a TTY, never with --no-input."""
        if self.no_input or self.env.get("SOCIALSEED_NO_INPUT") in {"1", "true", "yes"}:
            return False
        return sys.stdin.isatty() and sys.stdout.isatty()

    def config_path(self, given: Path | None) -> Path:
        return given if given is not None else default_config_path(self.env)

    def load_config(self, given: Path | None) -> Config:
        from socialseed.config.load import load_config

        path = self.config_path(given)
        if given is None and not self.env.get("SOCIALSEED_CONFIG") and not path.exists():
            raise no_default_config()
        if path not in self._config_cache:
            self._config_cache[path] = load_config(path)
        return self._config_cache[path]

    def reviewer(self, given: str | None) -> str:
        """Who decides: --reviewer, SOCIALSEED_REVIEWER, git's user.email, else the login."""
        if given:
            return given
        if self.env.get("SOCIALSEED_REVIEWER"):
            return self.env["SOCIALSEED_REVIEWER"]
        try:
            email = subprocess.run(
                ["git", "config", "user.email"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            email = ""
        return email or self.env.get("USER") or "unknown"

    def secret_env(self, name: str) -> str | None:
        """The value behind an ``env/NAME`` reference."""
        return self.env.get(name)

    def extra(self) -> dict[str, Any]:
        return {}


def get(ctx: typer.Context) -> AppContext:
    """The AppContext of this invocation (built by the root callback)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj

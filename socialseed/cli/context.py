"""The only place that reads the environment and builds clocks, stores and consoles.

Commands get an ``AppContext`` from ``get(ctx)``; everything it builds is lazy, so that
``socialseed --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialseed.clock import Clock, FakeClock, SystemClock, parse_instant
from socialseed.errors import ConfigError, StateError, StateUnusable
from socialseed.state.location import StateLocation, parse_location

if TYPE_CHECKING:
    import typer
    from rich.console import Console

    from socialseed.config.schema import Config
    from socialseed.config.view import ConfigView, ValidateView
    from socialseed.state.handle import StateDB, StateReads


def debug_requested() -> bool:
    """``SOCIALSEED_DEBUG=1``: tracebacks are shown (scrubbed), not turned into messages."""
    return os.environ.get("SOCIALSEED_DEBUG") == "1"


def default_state(env: Mapping[str, str]) -> StateLocation:
    """SOCIALSEED_STATE (a file path or a postgresql:// URL), else the user's data folder."""
    if env.get("SOCIALSEED_STATE"):
        return parse_location(env["SOCIALSEED_STATE"], "SOCIALSEED_STATE")
    return StateLocation(path=default_state_path(env))


def default_state_path(env: Mapping[str, str]) -> Path:
    """The SQLite file used when no state is named."""
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
    state_path: str | Path | None = None  # --state: a file path or a postgresql:// URL
    debug: bool = False
    no_input: bool = False
    log_format: str = "text"  # or "json": stderr as one JSON event per line
    read_only_state: bool = False  # plan --read-only-state (or SOCIALSEED_STATE_READONLY=1)
    no_cache: bool = False  # --no-cache: validate the config even when it is unchanged
    _config_cache: dict[Path, Config] = field(default_factory=dict)
    _views: dict[Path, tuple[str | None, ConfigView]] = field(default_factory=dict)
    _scratch: Path | None = None
    _config_state: str | None = None  # the loaded config's state: (env/NAME, a file or a URL)

    @cached_property
    def clock(self) -> Clock:
        """Real time; under SOCIALSEED_NOW simulated time, resumed where the last run left it."""
        fixed = self._fixed_now()
        if fixed is None:
            return SystemClock()
        if self.state.is_postgres:
            from socialseed.state.simclock import simulated_until

            reached = simulated_until(self.db)
            return FakeClock(max(fixed, reached) if reached else fixed)
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

    @cached_property
    def state(self) -> StateLocation:
        """Where the state is: --state, else SOCIALSEED_STATE, else the config's ``state:``
        (of the config this command loaded), else the default file."""
        if self.state_path is not None:
            if isinstance(self.state_path, Path):
                return StateLocation(path=self.state_path)
            return parse_location(self.state_path, "--state")
        if not self.env.get("SOCIALSEED_STATE") and self._config_state is not None:
            return self._from_config(self._config_state)
        return default_state(self.env)

    def _from_config(self, value: str) -> StateLocation:
        if value.startswith("env/"):
            name = value.removeprefix("env/")
            found = self.env.get(name)
            if not found:
                raise ConfigError(
                    [f"state: env/{name} is not set"],
                    hint=f"set {name} to the state (a file or postgresql://...), or "
                    "SOCIALSEED_STATE",
                )
            return parse_location(found, f"{name} (the config's state: env/{name})")
        return parse_location(value, "the config's state:")

    def _note_config_state(self, named: str | None, path: Path) -> None:
        """A config naming its state: used when neither --state nor SOCIALSEED_STATE is set;
        a command that already opened another state is stopped, never split between two."""
        if named is None or self.state_path is not None or self.env.get("SOCIALSEED_STATE"):
            return
        if "state" in self.__dict__ and self.state != self._from_config(named):
            raise ConfigError(
                [f"{path}: state: names {named}, and this command already uses {self.state.shown}"],
                hint="name the state with --state or SOCIALSEED_STATE for this command",
            )
        self._config_state = named

    @property
    def resolved_state_path(self) -> Path:
        """The SQLite state file; a ``StateError`` when the state is in PostgreSQL."""
        if self.state.path is None:
            raise StateError(
                f"this needs a SQLite state file, and the state is in PostgreSQL "
                f"({self.state.shown})",
                hint="on PostgreSQL, backups and integrity checks are the database's own "
                "(pg_dump, the provider's snapshots); 'socialseed state copy' moves a state "
                "between SQLite and PostgreSQL",
            )
        return self.state.path

    @property
    def local_dir(self) -> Path:
        """The folder for files beside the state (the sandbox world, a key file): the state
        file's folder, or the user's data folder when the state is in PostgreSQL."""
        if self.state.path is not None:
            return self.state.path.parent
        return default_state_path(self.env).parent

    @property
    def beside_state(self) -> Path:
        """A path in the folder that holds files kept beside the state (a key file): the
        state file itself, or one in the user's data folder when the state is in PostgreSQL."""
        return self.state.path or self.local_dir / "state.sqlite"

    @property
    def read_only(self) -> bool:
        """Is the shared state only read in this run (a pull request's plan)?"""
        flag = self.env.get("SOCIALSEED_STATE_READONLY", "").strip().lower()
        return self.read_only_state or flag in {"1", "true", "yes"}

    @cached_property
    def db(self) -> StateDB:
        from socialseed.state.db import open_state

        now = self._fixed_now() or SystemClock().now()
        if self.read_only:
            return open_state(self._snapshot(now), now=now)
        return open_state(self.state, now=now)

    def _snapshot(self, now: datetime) -> Path:
        """Read-only: a copy of the shared state in a scratch folder; every write goes there.
        A SQLite state is copied through a ``mode=ro`` connection, a PostgreSQL one through a
        read-only session in one repeatable-read transaction (a read-only role is enough)."""
        import tempfile

        from socialseed.state import snapshot

        self._scratch = Path(tempfile.mkdtemp(prefix="socialseed-readonly-"))
        copy = self._scratch / "state.sqlite"
        if self.state.path is None:
            snapshot.take_pg(self.state, copy, now=now)
        else:
            snapshot.take(self.state.path, copy)
        return copy

    def close(self) -> None:
        """After the command: a read-only run's scratch copy is closed and thrown away."""
        if self._scratch is None:
            return
        if "db" in self.__dict__:
            self.__dict__.pop("db").conn.close()
        import shutil

        shutil.rmtree(self._scratch, ignore_errors=True)
        self._scratch = None

    @cached_property
    def reads(self) -> StateReads:
        """The state for a command that only reads: a light handle on a whole, migrated file
        (``state.reads``: no sqlite-utils, no numpy), else the full ``db``, which creates,
        migrates or refuses the file, and is the handle on a PostgreSQL state or on a
        read-only run's copy."""
        if "db" not in self.__dict__ and self.state.path is not None and not self.read_only:
            from socialseed.state.reads import open_reads

            found = open_reads(self.state.path)
            if found is not None:
                return found
        return self.db

    def state_damage(self) -> StateUnusable | None:
        """After a database error in a command: is the state file damaged? (None if not.)"""
        if self.state.is_postgres or ("db" not in self.__dict__ and "reads" not in self.__dict__):
            return None
        from sqlite_utils import Database

        from socialseed.state import integrity

        if not isinstance(self.db, Database):
            return None
        found = integrity.problems(self.db)
        if not found:
            return None
        return integrity.unusable(self.resolved_state_path, f"is damaged: {found[0]}")

    def checkpoint(self, reason: str) -> Path | None:
        """Before a change that matters (an apply): check the whole file, then back it up.
        A PostgreSQL state has neither here (the server's own backups): ``None``."""
        from sqlite_utils import Database

        from socialseed.state import backups, integrity

        if self.state.is_postgres or not isinstance(self.db, Database):
            return None
        integrity.check_pages(self.db, self.resolved_state_path)
        return backups.take(self.db, self.resolved_state_path, reason=reason, now=self.clock.now())

    @property
    def sandbox_path(self) -> Path:
        if self.env.get("SOCIALSEED_SANDBOX"):
            return Path(self.env["SOCIALSEED_SANDBOX"]).expanduser()
        return self.local_dir / "sandbox.sqlite"

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

        path = self._existing_config(given)
        if path not in self._config_cache:
            self._config_cache[path] = load_config(path)
        self._note_config_state(self._config_cache[path].state, path)
        return self._config_cache[path]

    def _existing_config(self, given: Path | None) -> Path:
        path = self.config_path(given)
        if given is None and not self.env.get("SOCIALSEED_CONFIG") and not path.exists():
            raise no_default_config()
        return path

    def config_view(self, given: Path | None) -> ConfigView:
        """What ``status`` and ``validate`` need of the config, from the config cache when the
        config is unchanged (no YAML parsed, no pydantic model built), else from the validated
        config (and then kept in the cache). See ``config.cache``."""
        path = self._existing_config(given)
        if path not in self._views:
            self._views[path] = self._cached_view(path, given)
        view = self._views[path][1]
        self._note_config_state(view.state, path)
        return view

    def _cached_view(self, path: Path, given: Path | None) -> tuple[str | None, ConfigView]:
        from socialseed.config import cache

        folder = None if self.no_cache else cache.cache_dir(self.env)
        key = cache.key_of(path) if folder is not None else None
        found = cache.read(folder, key) if folder is not None and key is not None else None
        if found is not None:
            return key, found
        from socialseed.config.view import view_of
        from socialseed.observe.status import platform_limits

        view = view_of(self.load_config(given), platform_limits)
        if folder is not None and key is not None and cache.key_of(path) == key:
            cache.write(folder, key, view)  # (unless a file changed while it was validated)
        return key, view

    def remember_validated(self, given: Path | None, validated: ValidateView) -> None:
        """Keep what ``validate`` found of this (passing) config in the config cache."""
        from dataclasses import replace

        from socialseed.config import cache

        path = self.config_path(given)
        key, view = self._views[path]
        folder = None if self.no_cache else cache.cache_dir(self.env)
        self._views[path] = key, replace(view, validated=validated)
        if folder is not None and key is not None:
            cache.write(folder, key, self._views[path][1])

    def reviewer(self, given: str | None) -> str:
        """Who decides: --reviewer, SOCIALSEED_REVIEWER, git's user.email, else the login."""
        if given:
            return given
        if self.env.get("SOCIALSEED_REVIEWER"):
            return self.env["SOCIALSEED_REVIEWER"]
        import subprocess  # here: only a review without a reviewer named runs git

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

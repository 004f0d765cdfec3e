"""Rolling backups of the state file, so that there is always a copy to go back to.

A copy is taken (SQLite's online backup, consistent even while the file is in use) before
every migration and every apply, into ``<state>.backups/`` next to the state file, mode 0600;
the newest ``KEEP`` are kept. ``restore`` puts one back and ``set_aside`` moves the current file
out of the way (never deleting it).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from socialseed.errors import LockedError, StateError
from socialseed.state.locks import Holder, holder, is_stale

KEEP = 10
SUFFIX = ".sqlite"
_NAME = re.compile(r"^(\d{8}T\d{6}Z)-(.+?)(?:-(\d+))?\.sqlite$")
_SIDECARS = ("", "-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    """One copy in the backups folder."""

    path: Path
    taken_at: datetime
    reason: str
    size: int

    def to_data(self) -> dict[str, object]:
        return {
            "name": self.path.name,
            "path": str(self.path),
            "taken_at": self.taken_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": self.reason,
            "bytes": self.size,
        }


def folder(state: Path) -> Path:
    """Where the backups of ``state`` live: ``<state>.backups/`` beside it."""
    return state.with_name(state.name + ".backups")


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def take(
    source: Database | sqlite3.Connection,
    state: Path,
    *,
    reason: str,
    now: datetime,
    keep: int = KEEP,
) -> Path:
    """Copy the open database ``source`` into the backups folder; drop all but the newest."""
    conn = source.conn if isinstance(source, Database) else source
    where = folder(state)
    try:
        where.mkdir(mode=0o700, exist_ok=True)
        target = _free_name(where, f"{_stamp(now)}-{reason}")
        _copy(conn, target)
    except OSError as exc:
        raise StateError(
            f"cannot back up the state into {where}: {exc.strerror or exc}",
            hint="make that folder writable (or free some space); nothing was changed",
        ) from exc
    rotate(state, keep=keep)
    return target


def _free_name(where: Path, base: str, suffix: str = SUFFIX) -> Path:
    target, n = where / f"{base}{suffix}", 1
    while target.exists():
        n += 1
        target = where / f"{base}-{n}{suffix}"
    return target


def _copy(conn: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of ``conn`` to ``target`` (0600), atomically."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    try:
        copy = sqlite3.connect(str(partial))
        try:
            conn.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def listing(state: Path) -> list[Backup]:
    """The backups of ``state``, newest first."""
    where = folder(state)
    if not where.is_dir():
        return []
    found = []
    for path in where.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        stat = path.stat()
        found.append(
            (stat.st_mtime_ns, path.name, Backup(path, taken, match.group(2), stat.st_size))
        )
    return [b for _, _, b in sorted(found, key=lambda t: (t[0], t[1]), reverse=True)]


def rotate(state: Path, *, keep: int = KEEP) -> list[Path]:
    """Delete all but the ``keep`` newest backups; return what was deleted."""
    old = [b.path for b in listing(state)[keep:]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def find(state: Path, name: str | None) -> Backup:
    """The backup called ``name`` (default: the newest)."""
    backups = listing(state)
    if not backups:
        raise StateError(
            f"there are no backups of {state} (looked in {folder(state)})",
            hint=f"start fresh with '{command(state, 'state reset --yes')}'",
        )
    if name is None:
        return backups[0]
    for backup in backups:
        if name in {backup.path.name, backup.path.stem}:
            return backup
    raise StateError(
        f"no backup called {name} in {folder(state)}",
        hint=f"list them with '{command(state, 'state backups')}'",
    )


def set_aside(state: Path, now: datetime) -> Path | None:
    """Move the state file (and its -wal, -shm) to ``<state>.set-aside-<when>``; never delete."""
    if not state.exists():
        return None
    aside = _free_name(state.parent, f"{state.name}.set-aside-{_stamp(now)}", "")
    for sidecar in _SIDECARS:
        current = state.with_name(state.name + sidecar)
        if current.exists():
            os.replace(current, aside.with_name(aside.name + sidecar))
    return aside


def restore(state: Path, backup: Backup, *, now: datetime) -> Path | None:
    """Put ``backup`` in place of ``state``; return where the replaced file was kept."""
    _check_backup(backup)
    staged = state.with_name(f".{state.name}.restoring-{os.getpid()}")
    source = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
    try:
        _copy(source, staged)
    finally:
        source.close()
    aside = set_aside(state, now)
    os.replace(staged, state)
    return aside


def _check_backup(backup: Backup) -> None:
    try:
        conn = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
        try:
            result = [str(r[0]) for r in conn.execute("pragma integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise StateError(
            f"backup {backup.path} is damaged too: {result[0]}",
            hint="choose an older one: 'socialseed state backups' lists them",
        )


def refuse_if_locked(state: Path, *, now: datetime, verb: str) -> None:
    """Refuse to replace a state file that a running apply holds (when it can be read)."""
    live = [h for h in _holders(state) if not is_stale(h, host=socket.gethostname(), now=now)]
    if live:
        raise LockedError(
            f"cannot {verb} {state}: an apply holds it: {live[0].describe()}",
            hint="wait for that apply to finish; if it is dead, "
            f"'socialseed force-unlock {live[0].account}' first",
        )


def _holders(state: Path) -> list[Holder]:
    if not state.exists():
        return []
    try:
        db = Database(sqlite3.connect(f"file:{state}?mode=ro", uri=True))
        try:
            accounts = [str(r[0]) for r in db.execute("select account from locks")]
            return [h for a in accounts if (h := holder(db, a)) is not None]
        finally:
            db.conn.close()
    except (sqlite3.DatabaseError, ValueError):
        return []  # unreadable: no apply can be using it


def command(state: Path, args: str) -> str:
    """The exact command line for this state file."""
    return f"socialseed --state {shlex.quote(str(state))} {args}"


def recovery_hint(state: Path) -> str:
    """What to do about an unusable state file: restore the newest copy, or start fresh."""
    backups = listing(state)
    fresh = f"start fresh with '{command(state, 'state reset --yes')}'"
    kept = "; either way the current file is kept aside, never deleted"
    if backups:
        newest = backups[0]
        return (
            f"the file was left untouched. Restore the newest backup ({newest.path.name}, "
            f"{newest.to_data()['taken_at']}) with '{command(state, 'state restore')}' "
            f"('state backups' lists the others), or {fresh}{kept}"
        )
    return f"the file was left untouched. There is no backup in {folder(state)}: {fresh}{kept}"

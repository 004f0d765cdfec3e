"""A damaged state file, through the real CLI: every command refuses it with exit 6, names the
file and the way out, and leaves it as it was; backups are taken, rotated and restorable."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.state import backups, integrity
from socialseed.state.db import applied, open_state
from socialseed.state.migrations import MIGRATIONS
from tests.apply.sandbox_setup import T0, Setup, build, world_follows


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli(env: dict[str, str | None], *args: str) -> Run:
    result = CliRunner().invoke(app, list(args), env=env)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def applied_setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    """A state with a plan, its decisions and a finished apply (journal rows, one backup)."""
    s = build(tmp_path_factory.mktemp("applied"), accounts=("alpha",), follows=3)
    run = cli(dict(s.env), "apply", str(s.plan_path), "-c", str(s.config_path), "--yes")
    assert run.code == 0, run.err
    return s


@pytest.fixture
def setup(applied_setup: Setup, tmp_path: Path) -> Setup:
    """A private copy of the applied state (and its backups) for one test to damage."""
    here = tmp_path / "copy"
    shutil.copytree(applied_setup.state_path.parent, here)
    state = here / applied_setup.state_path.name
    env = dict(applied_setup.env)
    env["SOCIALSEED_STATE"] = str(state)
    env["SOCIALSEED_SANDBOX"] = str(here / applied_setup.world_path.name)
    return Setup(
        env,
        here / applied_setup.config_path.name,
        here / applied_setup.plan_path.name,
        applied_setup.plan,
        state,
        here / applied_setup.world_path.name,
    )


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _checkpointed(path: Path) -> None:
    """Fold the WAL into the main file, as after every clean close."""
    conn = sqlite3.connect(path)
    conn.execute("pragma wal_checkpoint(TRUNCATE)")
    conn.close()


def empty(path: Path) -> None:
    path.write_bytes(b"")


def garbage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"NOT A DATABASE!!"
    path.write_bytes(bytes(data))


def garbage_mid_file(path: Path) -> None:
    """Overwrite one whole page in the middle of the file with a repeated byte: the first
    data page from the middle on (a schema page there would make it a different case, a file
    that cannot be opened, whenever a migration moves the layout by a page or two)."""
    _checkpointed(path)
    page = path.stat().st_size // 2 // 4096 + 1
    conn = sqlite3.connect(path)
    schema = {
        int(n) for (n,) in conn.execute("select pageno from dbstat where name = 'sqlite_schema'")
    }
    conn.close()
    while page in schema:
        page += 1
    with path.open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(b"\xa5" * 4096)


def garbage_in_table(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` with a repeated byte."""
    _checkpointed(path)
    conn = sqlite3.connect(path)
    root = conn.execute("select rootpage from sqlite_master where name = ?", [table]).fetchone()
    size = conn.execute("pragma page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * size)
        handle.write(b"\xa5" * size)


def dropped_table(path: Path) -> None:
    _sql(path, "drop table journal")


def dropped_column(path: Path) -> None:
    _sql(path, "alter table rejections drop column reason")


def newer_version(path: Path) -> None:
    _sql(path, "insert into _migrations values ('m999_from_a_newer_socialseed', '')")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty": (empty, "is empty (0 bytes)"),
    "garbage header": (garbage_header, "is not a SQLite database"),
    "garbage mid-file": (garbage_mid_file, "is damaged: "),
    "dropped table": (dropped_table, "is incomplete: table journal is missing"),
    "dropped column": (dropped_column, "is incomplete: table rejections lacks column(s) reason"),
    "newer version": (newer_version, "was written by a newer SocialSeed (migration m999_"),
}


def _commands(s: Setup) -> dict[str, list[str]]:
    cfg = ["-c", str(s.config_path)]
    return {
        "plan": ["plan", *cfg, "-o", str(s.plan_path.with_name("new-plan.json"))],
        "review": ["review", str(s.plan_path), *cfg, "--approve-risk", "green"],
        "apply": ["apply", str(s.plan_path), *cfg, "--yes"],
        "status": ["status", *cfg],
        "log": ["log"],
        "report": ["report", *cfg],
        "prune": ["prune", "--dry-run", *cfg],
        "sync": ["sync", *cfg],
        "pause": ["pause", "--all", "--reason", "test"],
        "usage": ["usage"],
        "show": ["show", "--list"],
        "resume": ["resume", "--all"],
        "force-unlock": ["force-unlock", "alpha"],
        "metrics": ["metrics", *cfg],
        "auth status": ["auth", "status", *cfg],
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(DAMAGE))
def test_every_command_refuses_a_damaged_state_and_leaves_it_as_it_was(
    setup: Setup, case: str
) -> None:
    damage, problem = DAMAGE[case]
    damage(setup.state_path)
    before = _digest(setup.state_path)
    follows = world_follows(setup)
    for name, args in _commands(setup).items():
        run = cli(dict(setup.env), *args)
        assert run.code == 6, (case, name, run.err)
        assert f"state file {setup.state_path} {problem}" in run.err, (case, name, run.err)
        assert "Traceback" not in run.err and "internal error" not in run.err
        if case == "newer version":
            assert "upgrade SocialSeed" in run.err
        else:
            assert "left untouched" in run.err
            assert f"--state {setup.state_path} state restore" in run.err, name
            assert f"--state {setup.state_path} state reset --yes" in run.err, name
        assert _digest(setup.state_path) == before, (case, name)
    assert world_follows(setup) == follows  # nothing was sent
    assert not list(setup.state_path.parent.glob("*.set-aside-*"))


def test_state_check_reports_the_damage_with_exit_6(setup: Setup) -> None:
    ok = cli(dict(setup.env), "state", "check")
    assert ok.code == 0, ok.err
    assert f"ok: {setup.state_path}" in ok.err and "1 backup(s)" in ok.err
    garbage_mid_file(setup.state_path)
    bad = cli(dict(setup.env), "state", "check")
    assert bad.code == 6
    assert f"Error: state file {setup.state_path} is damaged: " in bad.err
    assert "state restore" in bad.err
    data = json.loads(cli(dict(setup.env), "state", "check", "--json").out)
    assert data["ok"] is False and data["problem"].startswith(f"state file {setup.state_path}")
    assert [b["reason"] for b in data["backups"]] == ["before-apply"]


def test_a_large_file_is_fully_checked_before_apply_and_on_a_database_error(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the size limit only the cheap checks run on open; damage still never passes
    an apply, and a command that meets it mid-way says so (exit 6), not 'internal error'."""
    monkeypatch.setattr(integrity, "QUICK_CHECK_MAX_BYTES", 0)
    garbage_in_table(setup.state_path, "journal")
    follows = world_follows(setup)
    cfg = ["-c", str(setup.config_path)]
    run = cli(dict(setup.env), "apply", str(setup.plan_path), *cfg, "--yes")
    assert run.code == 6, run.err
    assert f"state file {setup.state_path} is damaged" in run.err
    assert world_follows(setup) == follows
    found = integrity.problems(Database(sqlite3.connect(setup.state_path)))
    assert found  # the page really is damaged
    run = cli(dict(setup.env), "log", "--json")
    assert run.code == 6, run.err
    assert f"state file {setup.state_path} is damaged" in run.err
    assert "internal error" not in run.err


def test_an_initialised_but_empty_sqlite_file_is_migrated(tmp_path: Path) -> None:
    """A SQLite file with no tables at all (never initialised) holds nothing to lose."""
    path = tmp_path / "state.sqlite"
    _sql(path, "pragma user_version = 0", "create table t (x)", "drop table t")
    db = open_state(path)
    assert applied(db) == sorted(name for name, _ in MIGRATIONS)


def test_a_new_state_is_never_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite"
    open_state(path).conn.close()
    assert path.read_bytes()[:16] == integrity.HEADER
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.sqlite"]


# -- HOME unset --------------------------------------------------------------------------------
def test_without_home_and_state_path_commands_refuse(tmp_path: Path) -> None:
    env: dict[str, str | None] = {
        "HOME": None,
        "XDG_DATA_HOME": None,
        "SOCIALSEED_STATE": None,
        "SOCIALSEED_NO_INPUT": "1",
    }
    run = cli(env, "log")
    assert run.code == 1
    assert "HOME and XDG_DATA_HOME are both unset" in run.err
    assert "SOCIALSEED_STATE=" in run.err and "--state" in run.err
    state = tmp_path / "s.sqlite"
    run = cli(env, "--state", str(state), "log")
    assert run.code == 0, run.err
    assert state.exists()


# -- backups -----------------------------------------------------------------------------------
def test_apply_backs_up_the_state_before_it_runs(setup: Setup) -> None:
    (backup,) = backups.listing(setup.state_path)
    assert backup.reason == "before-apply" and backup.path.name.startswith("20261125T090000Z")
    assert backup.path.stat().st_mode & 0o777 == 0o600
    assert backups.folder(setup.state_path).stat().st_mode & 0o777 == 0o700
    copy = Database(sqlite3.connect(backup.path))
    assert copy["journal"].count == 0  # taken before the run
    assert copy["decisions"].count == 3
    assert open_state(setup.state_path)["journal"].count == 6  # intent and outcome each


def test_dry_run_apply_takes_no_backup(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=2)
    run = cli(dict(s.env), "apply", str(s.plan_path), "-c", str(s.config_path), "--dry-run")
    assert run.code == 0, run.err
    assert backups.listing(s.state_path) == []


def test_a_migration_backs_up_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    (first_name, first), (second_name, _) = MIGRATIONS[0], MIGRATIONS[1]
    db = Database(path)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    first(db)
    db["_migrations"].insert({"name": first_name, "applied_at": ""})
    db["journal"].insert({"plan_id": "p1", "action_id": "a1", "kind": "outcome"})
    db.conn.close()
    upgraded = open_state(path, now=T0)
    assert applied(upgraded) == sorted(name for name, _ in MIGRATIONS)
    (backup,) = backups.listing(path)
    assert backup.reason == f"before-{second_name}"
    old = Database(sqlite3.connect(backup.path))
    assert [r["name"] for r in old["_migrations"].rows] == [first_name]
    assert old["journal"].count == 1
    upgraded.conn.close()
    open_state(path, now=T0).conn.close()  # nothing pending: no new backup
    assert len(backups.listing(path)) == 1


def test_backups_rotate_keeping_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    db = open_state(path)
    taken = []
    for n in range(backups.KEEP + 3):
        db["audit"].insert({"at": iso(T0), "kind": f"n{n}"})
        taken.append(backups.take(db, path, reason="manual", now=T0 + timedelta(minutes=n)))
    kept = backups.listing(path)
    assert [b.path for b in kept] == list(reversed(taken))[: backups.KEEP]
    assert not any(p.exists() for p in taken[:3])
    newest = Database(sqlite3.connect(kept[0].path))
    assert newest["audit"].count == backups.KEEP + 3


def test_restore_puts_the_newest_backup_back_and_keeps_the_damaged_file(setup: Setup) -> None:
    garbage_mid_file(setup.state_path)
    damaged = _digest(setup.state_path)
    run = cli(dict(setup.env), "state", "restore")
    assert run.code == 0, run.err
    assert "restored" in run.err and "20261125T090000Z-before-apply.sqlite" in run.err
    (aside,) = setup.state_path.parent.glob("state.sqlite.set-aside-*[0-9]Z")
    assert _digest(aside) == damaged  # kept, not deleted
    assert f"kept at {aside}" in run.err
    assert setup.state_path.stat().st_mode & 0o777 == 0o600
    status = cli(dict(setup.env), "status", "-c", str(setup.config_path))
    assert status.code == 0, status.err
    db = open_state(setup.state_path)
    assert db["decisions"].count == 3 and db["journal"].count == 0
    # the restored state works: the plan applies again (the world already has the follows)
    run = cli(dict(setup.env), "apply", str(setup.plan_path), "-c", str(setup.config_path), "--yes")
    assert run.code == 0, run.err
    assert len(backups.listing(setup.state_path)) == 2


def test_restore_by_name_and_unknown_names(setup: Setup) -> None:
    run = cli(dict(setup.env), "state", "restore", "nope")
    assert run.code == 1 and "no backup called nope" in run.err
    name = backups.listing(setup.state_path)[0].path.stem
    run = cli(dict(setup.env), "state", "restore", name)
    assert run.code == 0, run.err
    listing = cli(dict(setup.env), "state", "backups")
    assert listing.out.startswith(f"{name}.sqlite\t2026-11-25T09:00:00Z\tbefore-apply\t")


def test_restore_with_no_backups_says_how_to_start_fresh(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"")
    env: dict[str, str | None] = {"SOCIALSEED_STATE": str(path)}
    run = cli(env, "log")
    assert run.code == 6 and f"There is no backup in {path}.backups" in run.err
    run = cli(env, "state", "restore")
    assert run.code == 1 and "there are no backups" in run.err and "state reset --yes" in run.err


def test_restore_refuses_while_an_apply_holds_a_lock(setup: Setup) -> None:
    _sql(
        setup.state_path,
        "insert into locks (account, owner, host, pid, started_at, expires_at) values "
        f"('alpha', 'someone', '{socket.gethostname()}', {os.getpid()}, '{iso(T0)}', "
        f"'{iso(T0 + timedelta(hours=2))}')",
    )
    before = _digest(setup.state_path)
    for args in (("state", "restore"), ("state", "reset", "--yes")):
        run = cli(dict(setup.env), *args)
        assert run.code == 1, run.err
        assert "an apply holds it: someone" in run.err and "force-unlock alpha" in run.err
        assert _digest(setup.state_path) == before


def test_restore_refuses_a_damaged_backup(setup: Setup) -> None:
    (backup,) = backups.listing(setup.state_path)
    garbage_mid_file(backup.path)
    before = _digest(setup.state_path)
    run = cli(dict(setup.env), "state", "restore")
    assert run.code == 1 and "is damaged too" in run.err
    assert _digest(setup.state_path) == before


def test_reset_needs_yes_and_keeps_the_old_file(setup: Setup) -> None:
    empty(setup.state_path)
    run = cli(dict(setup.env), "state", "reset")
    assert run.code == 1 and "state reset --yes" in run.err
    assert setup.state_path.stat().st_size == 0
    run = cli(dict(setup.env), "state", "reset", "--yes")
    assert run.code == 0, run.err
    (aside,) = setup.state_path.parent.glob("state.sqlite.set-aside-*[0-9]Z")
    assert aside.stat().st_size == 0
    assert open_state(setup.state_path)["journal"].count == 0
    assert cli(dict(setup.env), "log").code == 0

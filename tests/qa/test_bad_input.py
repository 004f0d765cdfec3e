"""Every command fed bad input: a documented exit code, a message saying what failed, where and
what to do next, and never a Python traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.apply.sandbox_setup import Setup, build
from tests.qa.harness import assert_error, count_rows
from tests.qa.harness import in_setup as run


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return build(tmp_path, accounts=("alpha",), follows=2, size=200)


def plan_commands(setup: Setup, ref: str) -> list[tuple[str, ...]]:
    cfg = str(setup.config_path)
    return [
        ("show", ref),
        ("show", ref, "--format", "json"),
        ("review", ref, "-c", cfg, "--list"),
        ("review", ref, "-c", cfg, "--approve-risk", "green"),
        ("apply", ref, "-c", cfg, "--yes"),
        ("apply", ref, "-c", cfg, "--dry-run"),
    ]


def state_commands(setup: Setup) -> list[tuple[str, ...]]:
    """Every command that opens the state file."""
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    return [
        ("plan", "-c", cfg),
        ("show", "--list"),
        ("review", plan, "-c", cfg, "--list"),
        ("apply", plan, "-c", cfg, "--yes"),
        ("force-unlock", "alpha"),
        ("status", "-c", cfg),
        ("sync", "-c", cfg),
        ("report",),
        ("log", "--json"),
        ("usage",),
        ("prune", "-c", cfg),
        ("pause", "--all", "--reason", "qa"),
        ("resume", "--all"),
        ("auth", "status", "-c", cfg),
    ]


def _edit(setup: Setup, change: Callable[[dict[str, object]], object]) -> str:
    data = json.loads(setup.plan_path.read_text())
    change(data)
    return json.dumps(data)


BAD_PLANS: dict[str, tuple[Callable[[Setup], str | bytes | None], str]] = {
    "not-json": (lambda s: "this is not json\n", "not a plan file (line 1, column 1"),
    "truncated": (lambda s: s.plan_path.read_text()[:300], "not a plan file (line"),
    "empty": (lambda s: "", "not a plan file"),
    "a-list": (lambda s: "[1, 2]", "not a plan file (no format_version)"),
    "tampered": (
        lambda s: _edit(s, lambda d: d.update(expires_at="2099-01-01T00:00:00Z")),
        "checksum mismatch",
    ),
    "no-checksum": (
        lambda s: _edit(s, lambda d: d.pop("checksum")),
        "the plan has no checksum",
    ),
    "future-major": (
        lambda s: _edit(s, lambda d: d.update(format_version="9.0")),
        "plan format 9.0 is not supported",
    ),
    "damaged": (
        lambda s: _edit(s, lambda d: d.update(actions="zzz")),
        "plan file is damaged",
    ),
    "directory": (lambda s: None, ".json"),
}


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
def test_bad_plan_files_are_refused_by_every_plan_command(setup: Setup, case: str) -> None:
    make, fragment = BAD_PLANS[case]
    path = setup.plan_path.parent / f"{case}.json"
    content = make(setup)
    if content is None:
        path.mkdir()
    else:
        path.write_text(content if isinstance(content, str) else content.decode())
    for args in plan_commands(setup, str(path)):
        assert_error(run(setup, *args), 1, str(path), fragment)
    assert count_rows(setup.state_path, "journal") == 0


def test_undecodable_plan_file_says_so(setup: Setup) -> None:
    path = setup.plan_path.parent / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    for args in plan_commands(setup, str(path))[2:]:  # review and apply
        assert_error(run(setup, *args), 1, str(path), "cannot read")


def test_unknown_plan_id_points_at_the_list(setup: Setup) -> None:
    for args in plan_commands(setup, "p_000000000000"):
        assert_error(run(setup, *args), 1, "no saved plan 'p_000000000000'", "show --list")


def test_unknown_account_and_action_ids_name_what_exists(setup: Setup) -> None:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    cases: list[tuple[tuple[str, ...], str]] = [
        (("plan", "-c", cfg, "--account", "nope"), "no account 'nope'"),
        (("plan", "-c", cfg, "--exclude-account", "nope"), "no account 'nope'"),
        (("apply", plan, "-c", cfg, "--yes", "--account", "nope"), "'nope'"),
        (("apply", plan, "-c", cfg, "--yes", "--only", "a_nope"), "no action a_nope"),
        (("apply", plan, "-c", cfg, "--yes", "--exclude", "a_nope"), "no action a_nope"),
        (("review", plan, "-c", cfg, "--approve", "a_nope"), "no action 'a_nope'"),
        (("review", plan, "-c", cfg, "--reject", "a_nope", "--reason", "r"), "'a_nope'"),
        (("sync", "-c", cfg, "--account", "nope"), "--account nope"),
        (("report", "-c", cfg, "--account", "nope"), "--account nope"),
        (("pause", "nope", "--reason", "r", "-c", cfg), "no account 'nope'"),
        (("resume", "nope", "-c", cfg), "no account 'nope'"),
        (("auth", "login", "nope", "-c", cfg, "--with-token"), "no account 'nope'"),
        (("auth", "logout", "nope", "-c", cfg), "no account 'nope'"),
    ]
    for args, fragment in cases:
        assert_error(run(setup, *args, stdin="tok-123456789\n"), 1, fragment)
    assert count_rows(setup.state_path, "journal") == 0


def test_bad_durations_name_the_flag_and_an_example(setup: Setup) -> None:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    cases: list[tuple[tuple[str, ...], str]] = [
        (("report", "--since", "3x"), "--since"),
        (("log", "--since", "3x"), "--since"),
        (("log", "--since", "abc"), "--since"),
        (("usage", "--since", "3x"), "--since"),
        (("prune", "-c", cfg, "--older-than", "abc"), "--older-than"),
        (("apply", plan, "-c", cfg, "--yes", "--max-wait", "x"), "--max-wait"),
    ]
    for args, flag in cases:
        assert_error(run(setup, *args), 1, flag, "is not a duration")
        huge = tuple("99999999999d" if a in {"3x", "abc", "x"} else a for a in args)
        assert_error(run(setup, *huge), 1, flag, "'99999999999d' is not a duration")


NOT_SQLITE = "is not a SQLite database"
UNUSABLE_STATE: dict[str, tuple[Callable[[Path], Path], int, str]] = {
    "uncreatable-dir": (
        lambda tmp: Path("/proc/socialseed-qa/state.sqlite"),
        1,
        "cannot be created",
    ),
    "directory": (lambda tmp: _mkdir(tmp / "state-dir"), 1, "is a directory"),
    "random-bytes": (
        lambda tmp: _write(tmp / "noise.sqlite", bytes(range(256)) * 20),
        6,
        NOT_SQLITE,
    ),
    "text-file": (
        lambda tmp: _write(tmp / "text.sqlite", b"hello, not sqlite\n" * 10),
        6,
        NOT_SQLITE,
    ),
}


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(UNUSABLE_STATE))
def test_unusable_state_file_is_refused_by_every_command(
    setup: Setup, tmp_path: Path, case: str
) -> None:
    make, code, fragment = UNUSABLE_STATE[case]
    state = make(tmp_path)
    before = state.read_bytes() if state.is_file() else None
    for args in state_commands(setup):
        assert_error(run(setup, *args, SOCIALSEED_STATE=str(state)), code, str(state), fragment)
    if before is not None:
        assert state.read_bytes() == before  # never overwritten


def test_state_written_by_a_newer_version_is_left_alone(setup: Setup) -> None:
    import sqlite3

    conn = sqlite3.connect(setup.state_path)
    conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '')")
    conn.commit()
    conn.close()
    for args in state_commands(setup):
        assert_error(run(setup, *args), 6, "newer SocialSeed", "upgrade")


def test_garbage_now_is_named_with_an_example(setup: Setup) -> None:
    for args in [
        *state_commands(setup),
        ("sandbox", "info"),
        ("sandbox", "reset", "-c", str(setup.config_path)),
    ]:
        assert_error(
            run(setup, *args, SOCIALSEED_NOW="garbage"), 1, "SOCIALSEED_NOW='garbage'", "2026-"
        )


def test_unusable_sandbox_world(setup: Setup, tmp_path: Path) -> None:
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    noise = _write(tmp_path / "noise-world.sqlite", bytes(range(256)) * 20)
    for args in [("apply", plan, "-c", cfg, "--yes"), ("sync", "-c", cfg), ("sandbox", "info")]:
        r = run(setup, *args, SOCIALSEED_SANDBOX=str(noise))
        assert_error(r, 1, str(noise), "sandbox reset")
    nowhere = "/proc/socialseed-qa/world.sqlite"
    fresh = str(tmp_path / "fresh.sqlite")
    for args in [("plan", "-c", cfg), ("sandbox", "reset", "-c", cfg)]:
        r = run(setup, *args, SOCIALSEED_SANDBOX=nowhere, SOCIALSEED_STATE=fresh)
        assert_error(r, 1, nowhere, "cannot be written")
    folder = str(_mkdir(tmp_path / "world-dir"))
    r = run(setup, "sandbox", "reset", "-c", cfg, SOCIALSEED_SANDBOX=folder)
    assert_error(r, 1, "directory")


def test_eof_on_stdin_where_a_prompt_would_be(setup: Setup, tmp_path: Path) -> None:
    """No TTY and no SOCIALSEED_NO_INPUT: nothing is asked, nothing is decided or executed."""
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    apply = run(setup, "apply", plan, "-c", cfg, stdin="", SOCIALSEED_NO_INPUT="")
    assert_error(apply, 1, "no terminal", "--yes")
    login = run(setup, "auth", "login", "alpha", "-c", cfg, "--with-token", stdin="")
    assert login.code == 0 and "needs no authentication" in login.err  # sandbox account
    assert count_rows(setup.state_path, "journal") == 0


def test_a_folder_given_as_the_plan_is_called_a_folder(setup: Setup) -> None:
    folder = setup.plan_path.parent / "plans.json"
    folder.mkdir()
    for args in plan_commands(setup, str(folder))[2:]:  # review and apply
        assert_error(run(setup, *args), 1, f"{folder}: is a folder, not a plan file")


def test_init_into_a_folder_that_cannot_be_made(setup: Setup) -> None:
    assert_error(run(setup, "init", "/proc/socialseed-qa"), 1, "init cannot write to /proc/")


def test_ctrl_c_anywhere_exits_130_keeping_what_was_recorded(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialseed.cli.context import AppContext

    def interrupted(self: AppContext, given: Path | None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(AppContext, "load_config", interrupted)
    cfg, plan = str(setup.config_path), str(setup.plan_path)
    for args in (("validate", "-c", cfg), ("apply", plan, "-c", cfg, "--yes"), ("sync", "-c", cfg)):
        result = run(setup, *args)
        assert result.code == 130, result
        assert "Interrupted; what was recorded is kept." in result.err

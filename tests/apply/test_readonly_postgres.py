"""A pull request's plan against a shared PostgreSQL state, through a role that may only read:
the plan sees production's state (its serial, its approvals) and the database is unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.apply.sandbox_setup import Setup, build


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            str(r[0])
            for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        ]
        return {t: int(conn.execute(f'select count(*) from "{t}"').fetchone()[0]) for t in tables}  # type: ignore[index]


def production_with_a_reader(tmp_path: Path, pg_url: str) -> Setup:
    """Production's state (3 approved follows) moved to PostgreSQL with ``state copy``, and a
    role ``pr_reader`` that may only SELECT."""
    setup = build(tmp_path, accounts=("alpha",), follows=3)
    code, _, err = invoke(setup.env, "state", "copy", str(setup.state_path), pg_url)
    assert code == 0, err
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("drop role if exists pr_reader")
        conn.execute("create role pr_reader login")
        conn.execute("grant select on all tables in schema public to pr_reader")
    return setup


def test_a_pr_plan_reads_postgres_through_a_select_only_role(tmp_path: Path, pg_url: str) -> None:
    setup = production_with_a_reader(tmp_path, pg_url)
    before = table_counts(pg_url)
    assert before["decisions"] == 3  # production's decisions, copied

    out = tmp_path / "pr-plan.json"
    env = setup.env | {"SOCIALSEED_STATE": as_role(pg_url, "pr_reader")}
    code, _, err = invoke(
        env, "plan", "-c", str(setup.config_path), "--read-only-state", "-o", str(out)
    )

    assert code == 0, err
    shown = as_role(pg_url, "pr_reader")
    assert f"read-only state: planned against {shown} without writing it" in err
    assert table_counts(pg_url) == before  # not a row written, though the plan cached and saved
    assert json.loads(out.read_text())["accounts"][0]["account"] == "alpha"


def test_the_same_role_cannot_write_when_read_only_is_forgotten(
    tmp_path: Path, pg_url: str
) -> None:
    """The role is the guarantee, not the flag: without --read-only-state the plan's first
    write is refused by the server, reported as an error, and nothing is written."""
    setup = production_with_a_reader(tmp_path, pg_url)
    before = table_counts(pg_url)
    env = setup.env | {"SOCIALSEED_STATE": as_role(pg_url, "pr_reader")}
    code, out, err = invoke(env, "plan", "-c", str(setup.config_path))
    assert code != 0
    assert "Traceback" not in out + err
    assert err.startswith(
        "Error: the state database refused: permission denied for table accounts\n"
    ), err
    assert "--read-only-state" in err
    assert table_counts(pg_url) == before

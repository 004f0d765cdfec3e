"""The quick commands load only what they use: no HTTP client, no report renderer, no numpy.

Each command runs in a fresh interpreter (the real entry point, the demo config), which then
lists the modules it loaded; the speed these absences buy is measured by benchmarks/bench_cli.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.foundation.probe import socialseed

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "configs" / "demo")

HEAVY = (
    "httpx",
    "socialseed.platforms.http",
    "socialseed.report.report_html",
    "socialseed.report.plan_markdown",
    "socialseed.report.plan_render",
    "socialseed.report.review_card",
    "socialseed.report.svg",
    "socialseed.plan.run",
    "socialseed.plan.planner",
    "socialseed.plan.discovery",
    "socialseed.apply",
)


def _loaded(args: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    run = socialseed(tmp_path, *args)
    return run.code, run.modules


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "-c", DEMO],
        ["status", "-c", DEMO],
    ],
    ids=["help", "validate", "status"],
)
def test_quick_commands_load_no_http_client_nor_report_renderers(
    args: list[str], tmp_path: Path
) -> None:
    code, modules = _loaded(args, tmp_path)

    assert code == 0
    assert sorted(m for m in modules if m.split(".")[0] == "httpx" or m in HEAVY) == []


# numpy and scikit-learn (the planner's ranking) cost more than a whole quick command, and
# sqlite-utils imports numpy whenever it is installed: status reads through state.reads.
NUMERIC = ("numpy", "sklearn", "scipy", "sqlite_utils", "pandas")


@pytest.mark.parametrize(
    "args",
    [["--help"], ["validate", "-c", DEMO], ["status", "-c", DEMO]],
    ids=["help", "validate", "status"],
)
def test_quick_commands_load_no_numpy_nor_sqlite_utils(args: list[str], tmp_path: Path) -> None:
    if args[0] == "status":  # a state that exists and is migrated, as a user's is
        first, _ = _loaded(args, tmp_path)
        assert first == 0
    code, modules = _loaded(args, tmp_path)

    assert code == 0
    assert sorted(m for m in modules if m.split(".")[0] in NUMERIC) == []


def test_help_loads_no_command_implementation(tmp_path: Path) -> None:
    code, modules = _loaded(["--help"], tmp_path)

    assert code == 0
    heavy = {"rich", "pydantic", "yaml", "sqlite_utils", "sqlite3"}
    loaded = {m for m in modules if m.split(".")[0] in heavy}
    assert sorted(loaded) == []
    assert sorted(m for m in modules if m.startswith("socialseed.config")) == []


def test_status_runs_without_typer(tmp_path: Path) -> None:
    """A plain ``status`` is answered by ``cli.quick``: typer's app is never built."""
    first = socialseed(tmp_path, "status", "-c", DEMO)
    run = socialseed(tmp_path, "status", "-c", DEMO)

    assert first.code == run.code == 0
    assert "demo-studio" in run.stdout
    assert run.loaded("typer", "click") == []

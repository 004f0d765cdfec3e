"""The import rules of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "socialseed"
PURE = [
    "config/schema.py",
    "model",
    "limits",
    "plan/policy.py",
    "plan/planner.py",
    "plan/filters.py",
    "apply/pacing.py",
    "observe/health.py",
    "scoring/heuristic.py",
    "clock.py",
    "errors.py",
]
IMPURE = {"httpx", "sqlite_utils", "rich", "typer", "socialseed.state", "socialseed.cli"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _hits(names: set[str], banned: set[str]) -> set[str]:
    return {n for n in names if any(n == b or n.startswith(b + ".") for b in banned)}


def test_pure_core_modules_do_no_io() -> None:
    for rel in PURE:
        target = PKG / rel
        assert target.exists(), f"{rel} moved: update PURE and docs/architecture.md"
        for path in [target] if target.is_file() else sorted(target.rglob("*.py")):
            assert not _hits(_imports(path), IMPURE), path
            assert "os.environ" not in path.read_text(), path


def test_platforms_never_import_state_or_cli() -> None:
    for path in (PKG / "platforms").rglob("*.py"):
        assert not _hits(_imports(path), {"socialseed.state", "socialseed.cli"}), path


def test_state_never_imports_platforms_or_cli() -> None:
    for path in (PKG / "state").rglob("*.py"):
        assert not _hits(_imports(path), {"socialseed.platforms", "socialseed.cli"}), path


def test_only_the_context_reads_the_environment() -> None:
    allowed = {PKG / "cli" / "context.py", PKG / "cli" / "main.py"}
    for path in PKG.rglob("*.py"):
        if path not in allowed:
            assert "os.environ" not in path.read_text(), path


def test_core_never_reads_the_system_clock() -> None:
    for path in PKG.rglob("*.py"):
        if path.name == "clock.py":
            continue
        text = path.read_text()
        assert "datetime.now(" not in text and "time.sleep(" not in text, path

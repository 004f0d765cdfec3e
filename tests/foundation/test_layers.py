"""The layers of docs/architecture.md are import-linter contracts (pyproject.toml), kept by
`make lint`: here they are run, shown to catch a wrong import, and the graph has no circles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
TOP_LEVEL_ALLOWED = {
    "__init__.py",
    "__main__.py",
    "errors.py",
    "clock.py",
    "redact.py",
    "cachedir.py",
}


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_wrong_import_breaks_the_layers_contract_by_name(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "socialseed", tmp_path / "socialseed")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    values = tmp_path / "socialseed" / "model" / "values.py"
    values.write_text(values.read_text() + "\nfrom socialseed.cli import main as _main  # wrong\n")

    result = _lint_imports(tmp_path)

    assert result.returncode == 1
    assert "Layers: cli -> flows" in result.stdout and "BROKEN" in result.stdout
    assert "socialseed.model.values -> socialseed.cli.main" in result.stdout


def test_a_flow_importing_a_sibling_flow_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "socialseed", tmp_path / "socialseed")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    card = tmp_path / "socialseed" / "report" / "review_card.py"
    card.write_text(card.read_text() + "\nfrom socialseed.review import walk as _walk  # wrong\n")

    result = _lint_imports(tmp_path)

    assert result.returncode == 1
    assert "socialseed.report.review_card -> socialseed.review.walk" in result.stdout


def test_no_import_circles() -> None:
    graph = grimp.build_graph("socialseed")
    assert _cycles(graph) == []


def test_the_top_level_holds_only_faces_and_cross_cutting_modules() -> None:
    top = {p.name for p in (ROOT / "socialseed").glob("*.py")}
    assert top == TOP_LEVEL_ALLOWED


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.d", imported="pkg.a")
    assert _cycles(graph) == [{"pkg.a", "pkg.b", "pkg.c"}]

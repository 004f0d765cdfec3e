"""Links and paths in README.md and docs/*.md lead to something in this repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.qa.docs_blocks import ROOT

_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
_OUTSIDE = re.compile(r"`(?P<path>\.\./[^`\s]*)`")
_REPO_PATH = re.compile(
    r"`(?P<path>(?:docs|examples|tests|configs|scripts|benchmarks|socialseed)/[\w./-]*)`"
)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {slug(line.lstrip("#")) for line in lines if re.match(r"#{1,6} ", line)}


def broken_links(doc: Path, text: str | None = None) -> list[str]:
    """Relative links to missing files or headings, and inline-code paths that do not exist."""
    text = doc.read_text(encoding="utf-8") if text is None else text
    name = doc.relative_to(ROOT)
    found: list[tuple[int, str]] = []
    for match in _LINK.finditer(text):
        problem = _link_problem(doc, match["target"])
        if problem:
            found.append((match.start(), f"{match['target']}: {problem}"))
    for match in _OUTSIDE.finditer(text):
        found.append((match.start(), f"`{match['path']}`: outside the repository"))
    for match in _REPO_PATH.finditer(text):
        if not (ROOT / match["path"]).exists() and not _generated(match["path"]):
            found.append((match.start(), f"`{match['path']}`: no such path"))
    return [f"{name}:{text.count(chr(10), 0, at) + 1}: {problem}" for at, problem in sorted(found)]


def _link_problem(doc: Path, target: str) -> str | None:
    if re.match(r"[a-z]+:", target):
        return None  # https:, mailto:: not a file of this repository
    file_part, _, anchor = target.partition("#")
    resolved = (doc.parent / file_part).resolve() if file_part else doc
    if not resolved.is_relative_to(ROOT):
        return "outside the repository"
    if not resolved.exists():
        return "no such file"
    if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
        return f"no heading with anchor #{anchor}"
    return None


def _generated(path: str) -> bool:
    """A path git ignores (an install's node_modules, a venv) need not exist in a checkout."""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", path.rstrip("/") + "/"], cwd=ROOT, check=False
    )
    return ignored.returncode == 0

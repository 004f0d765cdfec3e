"""Check GitHub Actions workflows against the vendored GitHub workflow JSON Schema (no network).

    python scripts/check_workflows.py [FILE...]   # default: examples/github-actions, .github

The schema is SchemaStore's github-workflow.json, vendored in tests/data (see its README).
Exit 0 when every file passes; 1 with one line per problem (file: path: message) otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "data" / "github-workflow.json"
DEFAULT = [ROOT / "examples" / "github-actions", ROOT / ".github" / "workflows"]


def workflow_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    return found


def load(path: Path) -> Any:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and True in data:  # YAML 1.1 reads a bare `on:` as true
        data["on"] = data.pop(True)
    return data


def problems(path: Path, validator: Draft7Validator) -> list[str]:
    try:
        data = load(path)
    except yaml.YAMLError as exc:
        return [f"{path}: not YAML: {exc}"]
    return [
        f"{path}: {'/'.join(str(p) for p in deepest.absolute_path) or '(top)'}: "
        f"{_short(deepest.message)}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
        for deepest in [best_match(error.context) if error.context else error]
    ]


def _short(message: str, limit: int = 240) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def main(argv: list[str]) -> int:
    validator = Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    files = workflow_files([Path(a) for a in argv] or DEFAULT)
    found = [line for path in files for line in problems(path, validator)]
    for line in found:
        print(line)
    if not found:
        print(f"ok: {len(files)} workflow(s) pass the GitHub workflow schema")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

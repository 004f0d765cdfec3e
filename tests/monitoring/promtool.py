"""Run Debian's promtool (installed by scripts/install-promtool.sh, which `make test` runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def promtool() -> str:
    """promtool's path; skips with the reason when it is not installed (fails in CI)."""
    found = shutil.which("promtool")
    if found is None:
        reason = "promtool is not installed (run: bash scripts/install-promtool.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), "check", *args], input=stdin, capture_output=True, text=True, timeout=60
    )

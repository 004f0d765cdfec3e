"""A command run as a user runs it, in a fresh interpreter (the console script's function),
which lists the modules it loaded on stderr's last line: for the tests of what start-up loads
and of the config cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOW = "2026-12-01T10:00:00Z"

PROBE = """
import json, sys
sys.argv = ["socialseed", *sys.argv[1:]]
from socialseed.cli.main import run
code = 0
try:
    run()
except SystemExit as exc:
    code = exc.code or 0
finally:
    sys.stdout.flush()
    print("\\n" + json.dumps(sorted(sys.modules)), file=sys.stderr)
sys.exit(code)
"""


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str]) -> None:
        err, modules, _ = done.stderr.rsplit("\n", 2)  # the probe's line is the last
        self.code = done.returncode
        self.stdout = done.stdout
        self.stderr = err
        self.modules = set(json.loads(modules))

    def loaded(self, *tops: str) -> list[str]:
        return sorted(m for m in self.modules if m.split(".")[0] in tops)


def socialseed(tmp_path: Path, *args: str, **env: str) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "SOCIALSEED_NO_INPUT": "1",
            "SOCIALSEED_NOW": NOW,
            "SOCIALSEED_STATE": str(tmp_path / "state.sqlite"),
            "SOCIALSEED_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100",
            **env,
        },
        timeout=60,
    )
    return Run(done)

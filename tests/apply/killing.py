"""SIGKILL an ``apply --json`` subprocess at a chosen moment: shared by the kill tests."""

from __future__ import annotations

import json
import signal
import subprocess
import time


def kill_after(proc: subprocess.Popen[str], calls: int, delay: float) -> bool:
    """SIGKILL once ``calls`` platform calls have started (+``delay`` s); True when the kill
    landed, False when the run ended first."""
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if json.loads(line)["event"] == "action_started":
            seen += 1
            if seen >= calls:
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                proc.stdout.close()
                return proc.returncode == -signal.SIGKILL
    proc.wait()
    proc.stdout.close()
    return False

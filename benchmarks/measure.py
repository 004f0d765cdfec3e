"""Measuring in a fresh interpreter: CPU time beside wall time, and the child's own peak memory.

``in_child("benchmarks.bench_x:work", "arg")`` runs ``work("arg")`` in a new Python process,
which reports its own CPU and wall time around the call and its peak resident memory from
``/proc/self/status`` (VmHWM: this process's high-water mark, unlike ``RUSAGE_CHILDREN``, which
keeps the largest of every child ever waited for and a forked child's copy of the parent).
The function returns a JSON-able dict, handed back as ``Figure.data``.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Figure:
    cpu: float  # seconds of CPU (user + system)
    wall: float  # seconds
    peak_mb: float  # the process's own peak resident memory
    data: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return f"{self.cpu * 1000:7.0f} ms CPU {self.wall * 1000:7.0f} ms wall"


def env() -> dict[str, str]:
    """The environment a user has: byte code cached (a fresh checkout writes it on first run)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def in_child(target: str, *args: str) -> Figure:
    """Run ``module:function(*args)`` in a fresh interpreter and return what it measured."""
    code = "import sys; from benchmarks.measure import serve; serve(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", code, target, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{target} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return Figure(**json.loads(done.stdout.strip().splitlines()[-1]))


def serve(argv: Sequence[str]) -> None:
    """The child's side of ``in_child``: call, measure, print one JSON line last."""
    module, name = argv[0].split(":")
    work = getattr(importlib.import_module(module), name)
    cpu, wall = time.process_time(), time.perf_counter()
    data = work(*argv[1:]) or {}
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sys.stdout.flush()
    print(json.dumps({"cpu": cpu, "wall": wall, "peak_mb": own_peak_mb(), "data": data}))


def own_peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def command(args: Sequence[str]) -> Figure:
    """One run of a command in its own process: its CPU (user + system) and wall time.

    CPU time is the child's alone (``RUSAGE_CHILDREN`` grows by exactly what it used); its
    peak memory is not reported: measure that with ``in_child``.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(args), capture_output=True, cwd=ROOT, env=env(), check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-500:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Figure(cpu, wall, 0.0)


def median(figures: Sequence[Figure]) -> Figure:
    return Figure(
        statistics.median(f.cpu for f in figures),
        statistics.median(f.wall for f in figures),
        statistics.median(f.peak_mb for f in figures),
    )


def process_cpu(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) the running processes ``pids`` used so far (Linux /proc):
    read before and after a window, for processes that outlive it (queue workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks

"""Standard output that a reader may close early (``socialseed show | head``): not an error."""

from __future__ import annotations

import os
import sys


def silence_stdout() -> None:
    """Point stdout at the null device, so that nothing more (nor the final flush) fails."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()

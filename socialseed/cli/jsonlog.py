"""``--log-format json``: what the CLI says on stderr as one JSON object per line.

Apply's progress keeps the event names of ``apply --json`` (``action_started``, ``action_done``,
``action_failed``, ``skipped``, ``waiting``, ..., ``summary``); notifications are
``notify_sent`` and ``notify_failed``; an error is ``error`` with its exit code; any other line
the CLI prints on stderr is ``message``. Every line passes the secret scrubber.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any, cast

from rich.console import Console

from socialseed.clock import iso


def emit(data: dict[str, Any]) -> None:
    """One JSON line on stderr, scrubbed of secrets."""
    from socialseed.redact import scrub

    sys.stderr.write(scrub(json.dumps(data, sort_keys=True, ensure_ascii=False)) + "\n")
    sys.stderr.flush()


class JsonLines(io.TextIOBase):
    """A text stream that turns every line written to it into a ``message`` event."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                emit({"event": "message", "at": iso(self._now()), "message": line.rstrip()})
        return len(text)

    def flush(self) -> None:
        if self._pending.strip():
            self.write("\n")


def console(now: Callable[[], datetime]) -> Console:
    """A console whose every line becomes a JSON ``message`` event on stderr."""
    return Console(
        file=cast(IO[str], JsonLines(now)),
        no_color=True,
        highlight=False,
        soft_wrap=True,
        width=10_000,
    )

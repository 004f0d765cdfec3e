"""The terminal consoles of the CLI: rich consoles that leave a closed pipe to the CLI.

``socialseed show PLAN | head -1`` closes stdout early. Rich's own answer is to exit 1; here a
closed pipe is handed back as ``BrokenPipeError``, which the CLI ends quietly with exit 0, as
command-line tools do.
"""

from __future__ import annotations

from rich.console import Console


class PipeConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is written
        raise BrokenPipeError


def console(*, stderr: bool, no_color: bool) -> Console:
    return PipeConsole(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=True)

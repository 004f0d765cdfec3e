"""Run a documented example on the sandbox, as a user in a fresh folder would, and compare.

Each run block gets its own copy of a prepared folder: ``configs/`` of this repository and a
state whose sandbox world was made once with ``socialseed sandbox reset -c configs/demo``. Time
is simulated (``SOCIALSEED_NOW``), so dates in the output are the same on every run.
"""

from __future__ import annotations

import contextlib
import difflib
import doctest
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

from socialseed import redact
from socialseed.cli.context import AppContext
from socialseed.cli.main import app
from tests.qa.docs_blocks import ROOT, Block, Step

NOW = "2026-11-25T09:00:00Z"  # the demo's day (scripts/demo.sh)
SHOWN_FOLDER = "~/work"  # what docs write for the folder the commands run in

# What may differ without the doc being wrong, replaced on both sides before comparing. Dates
# and durations need no entry: time is simulated (NOW), so they are the same on every run. The
# folder the commands run in is shown as SHOWN_FOLDER (DocFolder.run). Keep this list short.
NORMALISE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[ \t]+$", re.MULTILINE), ""),  # trailing blanks of padded table cells
    # plan and action ids are content hashes: any change to what a plan holds changes them, and
    # a doc shows them only as examples (p_3a5b4aba51a5, a_748ed5924320)
    (re.compile(r"\b([pa])_[0-9a-f]{12}\b"), r"\1_<id>"),
)


@dataclass(frozen=True)
class Ran:
    step: Step
    code: int
    output: str  # stdout and stderr as a terminal shows them, interleaved


def environment(folder: Path) -> dict[str, str]:
    return {
        "SOCIALSEED_STATE": str(folder / "state.sqlite"),
        "SOCIALSEED_NOW": NOW,
        "SOCIALSEED_REVIEWER": "you@example.com",
        "SOCIALSEED_NO_INPUT": "",
        "NO_COLOR": "1",
        "COLUMNS": "80",
    }


def prepare(folder: Path) -> Path:
    """The folder every run block starts from: configs/ and a fresh demo sandbox world."""
    shutil.copytree(ROOT / "configs", folder / "configs")
    with contextlib.chdir(folder):
        result = CliRunner().invoke(
            app, ["sandbox", "reset", "-c", "configs/demo"], env=environment(folder)
        )
    assert result.exit_code == 0, result.output
    return folder


class DocFolder:
    """A copy of the prepared folder, with the environment the block's exports build up."""

    def __init__(self, prepared: Path, folder: Path) -> None:
        shutil.copytree(prepared, folder)
        self.folder = folder
        self.env = environment(folder)

    def run(self, step: Step, keys: dict[str, str]) -> Ran:
        argv = step.argv()
        typed = next((keys[word] for word in argv if word in keys), None)
        redact.forget_all()  # each command is its own process for a user
        with contextlib.chdir(self.folder), _terminal(typed is not None):
            result = CliRunner().invoke(app, argv, env=self.env, input=typed)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        output = result.output.replace(str(self.folder), SHOWN_FOLDER)
        return Ran(step, result.exit_code, output)


@contextlib.contextmanager
def _terminal(on: bool) -> Iterator[None]:
    """Commands that a doc shows answering keys run as on a terminal (click reads the keys)."""
    if not on:
        yield
        return
    with (
        mock.patch.object(AppContext, "interactive", new=property(_always)),
        mock.patch("click.getchar", _typed_key),
    ):
        yield


def _always(_: object) -> bool:
    return True


def _typed_key(echo: bool = False) -> str:
    """One key from what the doc types (CliRunner's stdin); the end of it is Ctrl-D."""
    char = sys.stdin.read(1)
    if not char:
        raise EOFError
    return char


def normalise(text: str) -> str:
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    return text.strip("\n") + "\n"


def matches(shown: str, got: str) -> bool:
    """doctest's ELLIPSIS: '...' in the doc stands for any text, across lines too."""
    return doctest.OutputChecker().check_output(normalise(shown), normalise(got), doctest.ELLIPSIS)


def mismatch(block: Block, ran: Ran, shown: str) -> str:
    diff = difflib.unified_diff(
        normalise(shown).splitlines(),
        normalise(ran.output).splitlines(),
        fromfile=f"{block.path.relative_to(ROOT)}:{ran.step.line} (the doc)",
        tofile=f"socialseed {' '.join(ran.step.argv())} (exit {ran.code})",
        lineterm="",
    )
    return f"{block.where}: the output differs from the doc:\n" + "\n".join(diff)


def failed(block: Block, ran: Ran) -> str:
    return (
        f"{block.path.relative_to(ROOT)}:{ran.step.line}: '{ran.step.text}' exited {ran.code}"
        f" (documented examples must succeed):\n{ran.output}"
    )


def run_block(block: Block, folder: DocFolder) -> list[str]:
    """Every step of a run block, in order; what went wrong (empty when the doc is true).

    A command must exit 0, unless the doc shows its exit code with ``$ echo $?`` after it.
    """
    assert block.marker is not None
    errors: list[str] = []
    steps = block.steps()
    last: Ran | None = None
    for index, step in enumerate(steps):
        export = step.export
        if export:
            folder.env[export[0]] = export[1]
        elif step.text == "echo $?" and last is not None:
            shown_code = "\n".join(step.shown or ()).strip()
            if shown_code != str(last.code):
                errors.append(
                    f"{_at(block, step)}: the doc shows exit {shown_code}, got {last.code}"
                )
        elif not step.is_socialseed:
            errors.append(f"{_at(block, step)}: cannot run {step.text!r}")
        else:
            last = folder.run(step, block.marker.keys)
            code_shown = index + 1 < len(steps) and steps[index + 1].text == "echo $?"
            errors.extend(_compare(block, last, code_shown))
    return errors


def _at(block: Block, step: Step) -> str:
    return f"{block.path.relative_to(ROOT)}:{step.line}"


def _compare(block: Block, ran: Ran, code_shown: bool) -> list[str]:
    succeeded = ran.code == 0 or code_shown
    if ran.step.shown is not None:
        shown = "\n".join(ran.step.shown)
        if not succeeded or not matches(shown, ran.output):
            return [mismatch(block, ran, shown)]
    elif not succeeded:
        return [failed(block, ran)]
    return []

"""The examples in README.md and docs/*.md, read as tests.

A fenced block that holds a ``socialseed`` command is one of two kinds, chosen by a marker
comment on the line before its opening fence:

    <!-- docs-test: run -->                  run on the sandbox, in a fresh folder
    <!-- docs-test: run; keys review=gy apply=y -->
                                             ... typing those keys where a command asks
    <!-- docs-test: parse (why it cannot run offline) -->
                                             only checked against the CLI's command tree

In a run block, ``$ socialseed ...`` lines are commands and the lines after them, up to the
next ``$``, are the output they must print (``...`` stands for any text, as doctest's
ELLIPSIS). A command must exit 0, unless ``$ echo $?`` after it shows its exit code. Plain
``socialseed ...`` lines (no ``$``) must exit 0; their output is not compared.
``export NAME=VALUE`` sets the environment of the commands after it. A block without a marker
is an error, so no example is silently left out.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)(?P<lang>[\w-]*)")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<body>.*?)\s*-->\s*$")
_COMMAND = re.compile(r"^(?:\$ )?socialseed(?:\s|$)")
_INLINE = re.compile(r"`(socialseed [^`]+)`")


@dataclass(frozen=True)
class Marker:
    mode: str  # "run" or "parse"
    reason: str = ""
    keys: dict[str, str] = field(default_factory=dict)  # subcommand -> what is typed


@dataclass(frozen=True)
class Step:
    """One line of a block: a command (with the output shown for it, if any) or an export."""

    line: int  # 1-based line in the doc file
    text: str  # as written, continuation lines joined, without the "$ " prompt
    shown: tuple[str, ...] | None = None  # console blocks: the output the doc shows

    @property
    def is_socialseed(self) -> bool:
        return bool(_COMMAND.match(self.text))

    @property
    def export(self) -> tuple[str, str] | None:
        match = re.fullmatch(r"export (\w+)=(\S*)(?:\s+#.*)?", self.text)
        return (match[1], match[2]) if match else None

    def argv(self) -> list[str]:
        """The arguments after ``socialseed``, up to a pipe, without comments."""
        words = shlex.split(self.text, comments=True)
        if "|" in words:
            words = words[: words.index("|")]
        return words[1:]


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    body: tuple[str, ...]
    marker: Marker | None
    marker_error: str = ""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def console(self) -> bool:
        return any(line.startswith("$ ") for line in self.body)

    def steps(self) -> list[Step]:
        return _console_steps(self) if self.console else _plain_steps(self)

    def commands(self) -> list[Step]:
        return [step for step in self.steps() if step.is_socialseed]


def _console_steps(block: Block) -> list[Step]:
    steps: list[Step] = []
    text, line, shown = "", 0, list[str]()
    for offset, raw in enumerate(block.body, start=block.line + 1):
        if raw.startswith("$ "):
            if text:
                steps.append(Step(line, text, tuple(shown)))
            text, line, shown = raw[2:].strip(), offset, []
        elif text:
            shown.append(raw)
    if text:
        steps.append(Step(line, text, tuple(shown)))
    return steps


def _plain_steps(block: Block) -> list[Step]:
    """Commands one per line; an indented line continues the command above (a synopsis)."""
    steps: list[Step] = []
    for offset, raw in enumerate(block.body, start=block.line + 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw[:1].isspace() and steps:
            last = steps[-1]
            steps[-1] = Step(last.line, f"{last.text} {stripped}")
        else:
            steps.append(Step(offset, stripped))
    return steps


def parse_marker(body: str) -> Marker:
    """``run``, ``run; keys CMD=KEYS ...`` or ``parse (reason)``; anything else is an error."""
    if body == "run":
        return Marker("run")
    keys = re.fullmatch(r"run;\s*keys((?:\s+[\w-]+=\S+)+)", body)
    if keys:
        pairs = (item.split("=", 1) for item in keys[1].split())
        return Marker("run", keys={name: value.replace("\\n", "\n") for name, value in pairs})
    parse = re.fullmatch(r"parse \((?P<reason>[^)]+)\)", body)
    if parse:
        return Marker("parse", reason=parse["reason"])
    raise ValueError(
        f"unknown docs-test marker {body!r}: use 'run', 'run; keys CMD=KEYS' or 'parse (reason)'"
    )


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with the marker just above it (if any)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(opening["fence"]):
            end += 1
        marker, error = _marker_above(lines, index)
        body = tuple(line.removeprefix(opening["indent"]) for line in lines[index + 1 : end])
        found.append(Block(path, index + 1, opening["lang"], body, marker, error))
        index = end + 1
    return found


def _marker_above(lines: list[str], fence: int) -> tuple[Marker | None, str]:
    above = fence - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    match = _MARKER.match(lines[above]) if above >= 0 else None
    if not match:
        return None, ""
    try:
        return parse_marker(match["body"]), ""
    except ValueError as exc:
        return None, str(exc)


def command_blocks() -> list[Block]:
    """The blocks of README.md and docs/*.md that hold at least one socialseed command."""
    return [block for path in DOC_FILES for block in blocks(path) if block.commands()]


def inline_commands() -> list[tuple[str, str]]:
    """``socialseed ...`` in inline code outside fenced blocks: (file:line, text)."""
    found: list[tuple[str, str]] = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        fenced = {line for block in blocks(path) for line in _block_lines(block)}
        for match in _INLINE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if line not in fenced:
                where = f"{path.relative_to(ROOT)}:{line}"
                found.append((where, " ".join(match[1].split())))
    return found


def _block_lines(block: Block) -> range:
    return range(block.line, block.line + len(block.body) + 2)

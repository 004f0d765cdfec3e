"""Check a documented command line against the CLI's command tree (click, through typer).

Works on usage synopses too: ``[--format text|json|markdown]``, ``[--list [--json]]``,
``ACCOUNT`` placeholders and ``...`` repetitions. Every command word must name a command, every
option must exist on the command it is given to, and the values listed for an option with a
fixed set of choices must be among them.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Any

import typer

from socialseed.cli.main import app

_OPTION = re.compile(r"^--?[A-Za-z][\w-]*$")
_PIPE = re.compile(r"\s\|\s.*$")  # "cmd | jq ." -> "cmd"


@functools.cache
def root() -> Any:
    """The click group behind ``socialseed`` (built once: typer builds it anew on each call)."""
    return typer.main.get_command(app)


def tokens(text: str) -> list[str]:
    """The words of a command line or synopsis: no comments, brackets, ellipses or pipes."""
    text = re.sub(r"\s#.*$", "", text)
    text = _PIPE.sub("", text)
    text = re.sub(r'"[^"]*"', "VALUE", text).replace("\\|", "|")
    words = text.replace("[", " ").replace("]", " ").replace("...", " ").split()
    split = (word.split("|") if word.startswith("-") else [word] for word in words)
    return [part for parts in split for part in parts if part]


def problems(text: str) -> list[str]:
    """What in this documented command does not exist in the CLI (empty when it all does)."""
    words = tokens(text)
    if not words or words[0] != "socialseed":
        return [f"not a socialseed command: {text!r}"]
    command, path, index = root(), ["socialseed"], 1
    found: list[str] = []
    while index < len(words):
        word = words[index]
        if _OPTION.match(word.split("=")[0]):
            index = _check_option(command, path, words, index, found)
            continue
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            index += 1  # an argument of a leaf command (PLAN, ACCOUNT, plan.json, ...)
            continue
        if word not in subcommands:
            found.append(f"'{' '.join(path)}' has no command {word!r}")
            return found
        command, path = subcommands[word], [*path, word]
        index += 1
    return found


def left_out(lines: list[str]) -> list[str]:
    """The options a synopsis leaves out: each command's lines together must show them all."""
    shown: dict[tuple[str, ...], set[str]] = {}
    commands: dict[tuple[str, ...], Any] = {}
    for line in lines:
        words = tokens(line)
        command, path = root(), tuple[str, ...](("socialseed",))
        for word in words[1:]:
            subcommands = getattr(command, "commands", None)
            if subcommands is None or word not in subcommands:
                break
            command, path = subcommands[word], (*path, word)
        commands[path] = command
        shown.setdefault(path, set()).update(word.split("=")[0] for word in words)
    return [
        f"'{' '.join(path)}' has {param.opts[0]}, which the synopsis leaves out"
        for path, command in commands.items()
        for param in command.params
        if param.param_type_name == "option"
        if not shown[path] & {*param.opts, *getattr(param, "secondary_opts", ())}
    ]


def _check_option(
    command: Any, path: list[str], words: list[str], index: int, found: list[str]
) -> int:
    name = words[index].split("=")[0]
    param = _option(command, name)
    if param is None:
        found.append(f"'{' '.join(path)}' has no option {name}")
        return index + 1
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return index + 1
    if "=" in words[index]:
        value, index = words[index].split("=", 1)[1], index + 1
    elif index + 1 < len(words) and not _OPTION.match(words[index + 1]):
        value, index = words[index + 1], index + 2
    else:
        found.append(f"'{' '.join(path)} {name}' needs a value")
        return index + 1
    choices = _choices(param)
    if choices is None or value.isupper():  # free text, or a placeholder such as FILE
        return index
    for choice in value.split("|"):
        if choice not in choices:
            allowed = ", ".join(choices)
            found.append(f"'{' '.join(path)} {name}' does not accept {choice!r} ({allowed})")
    return index


def _choices(param: Any) -> list[str] | None:
    """The fixed values an option accepts (an Enum-typed typer option), else None."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    choices = getattr(getattr(param, "type", None), "choices", None)
    return [str(choice) for choice in choices] if choices else None


def _option(command: Any, name: str) -> Any:
    if name == "--help":
        return _Flag()
    for param in command.params:
        if name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            return param
    return None


class _Flag:
    is_flag = True

"""Commands built when first used, so a command pays only for its own parameters.

Typer turns every command function into a click command by evaluating its signature (each
``Annotated[..., typer.Option(...)]``), which for ~35 commands costs more than the rest of
``socialseed --help``. ``LazyCommands`` is the root group's ``commands`` mapping: its keys are
known from the registrations alone, and a command is built (exactly as typer builds it) the first
time it is looked up. The ``--help`` listing needs only each command's short help, read from the
same registration without building the command.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand
from typer.models import CommandInfo, TyperInfo

Build = Callable[[], Any]


class LazyCommands(MutableMapping[str, Any]):
    """Command name -> click command, built on first access and kept."""

    def __init__(self, catalogue: typer.Typer, *, pretty_exceptions_short: bool) -> None:
        self._built: dict[str, Any] = {}
        self._build: dict[str, Build] = {}
        self._summarise: dict[str, Callable[[], TyperCommand]] = {}  # for --help only
        self._summary: dict[str, TyperCommand] = {}
        for command in catalogue.registered_commands:
            self._add_command(command, pretty_exceptions_short)
        for group in catalogue.registered_groups:
            self._add_group(group, pretty_exceptions_short)

    def _add_command(self, info: CommandInfo, short: bool) -> None:
        assert info.callback is not None, "a command needs a function"
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        self._build[name] = lambda: typer.main.get_command_from_info(
            command_info=info, pretty_exceptions_short=short, rich_markup_mode=None
        )
        self._summarise[name] = lambda: _summary(
            name,
            inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help),
            info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
        )

    def _add_group(self, info: TyperInfo, short: bool) -> None:
        solved = typer.main.solve_typer_info_defaults(info)
        name = str(solved.name)
        self._build[name] = lambda: typer.main.get_group_from_info(
            info, pretty_exceptions_short=short, suggest_commands=True, rich_markup_mode=None
        )
        self._summarise[name] = lambda: _summary(
            name,
            solved.help,
            solved.short_help,
            hidden=bool(solved.hidden),
            deprecated=bool(solved.deprecated),
        )

    def summary(self, name: str) -> TyperCommand:
        """A stand-in with the command's help, hidden and deprecated flags, and no parameters
        (made when first asked: only the ``--help`` listing asks)."""
        if name not in self._summary:
            self._summary[name] = self._summarise[name]()
        return self._summary[name]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build[name]()  # KeyError for an unknown name
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        self._build.setdefault(name, lambda: command)
        self._summarise.setdefault(name, lambda: command)

    def __delitem__(self, name: str) -> None:
        del self._build[name]
        self._built.pop(name, None)
        self._summarise.pop(name, None)
        self._summary.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._build)

    def __len__(self) -> int:
        return len(self._build)


def _summary(
    name: str, help: str | None, short_help: str | None, *, hidden: bool, deprecated: bool
) -> TyperCommand:
    return TyperCommand(
        name=name,
        help=help,
        short_help=short_help,
        hidden=hidden,
        deprecated=deprecated,
        rich_markup_mode=None,
    )

"""Commands built when first used, so a command pays only for its own module and parameters.

Typer turns every command function into a click command by evaluating its signature (each
``Annotated[..., typer.Option(...)]``), which for ~35 commands costs more than the rest of
``socialseed --help``. ``LazyCommands`` is the root group's ``commands`` mapping: its keys come
from ``commands.TABLE`` (command -> module), a command's module is imported and registered the
first time one of its commands is looked up, and the command is then built exactly as typer
builds it. The ``--help`` listing needs only each command's short help, read from the
registration without building the command.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from importlib import import_module
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand
from typer.models import CommandInfo, TyperInfo

Build = Callable[[], Any]


class LazyCommands(MutableMapping[str, Any]):
    """Command name -> click command, built on first access and kept."""

    def __init__(self, table: Mapping[str, str], *, pretty_exceptions_short: bool) -> None:
        self._modules = dict(table)  # command -> the module that registers it
        self._short = pretty_exceptions_short
        self._loaded: set[str] = set()
        self._built: dict[str, Any] = {}
        self._build: dict[str, Build] = {}
        self._summarise: dict[str, Callable[[], TyperCommand]] = {}  # for --help only
        self._summary: dict[str, TyperCommand] = {}

    def _load(self, name: str) -> None:
        """Register the commands of ``name``'s module (a ``KeyError`` for an unknown name)."""
        if name in self._build:
            return
        module = self._modules[name]
        if module not in self._loaded:
            self._loaded.add(module)
            scratch = typer.Typer()
            import_module(module).register(scratch)
            for command in scratch.registered_commands:
                self._add_command(command)
            for group in scratch.registered_groups:
                self._add_group(group)
        if name not in self._build:
            raise KeyError(name)

    def _add_command(self, info: CommandInfo) -> None:
        assert info.callback is not None, "a command needs a function"
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        self._build[name] = lambda: typer.main.get_command_from_info(
            command_info=info, pretty_exceptions_short=self._short, rich_markup_mode=None
        )
        self._summarise[name] = lambda: _summary(
            name,
            inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help),
            info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
        )

    def _add_group(self, info: TyperInfo) -> None:
        solved = typer.main.solve_typer_info_defaults(info)
        name = str(solved.name)
        self._build[name] = lambda: typer.main.get_group_from_info(
            info, pretty_exceptions_short=self._short, suggest_commands=True, rich_markup_mode=None
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
            self._load(name)
            self._summary[name] = self._summarise[name]()
        return self._summary[name]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._load(name)  # KeyError for an unknown name
            self._built[name] = self._build[name]()
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._modules.setdefault(name, "")
        self._built[name] = command
        self._build.setdefault(name, lambda: command)
        self._summarise.setdefault(name, lambda: command)

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._build.pop(name, None)
        self._built.pop(name, None)
        self._summarise.pop(name, None)
        self._summary.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


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

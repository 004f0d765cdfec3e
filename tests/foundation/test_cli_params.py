"""Command-line values converted without pydantic (``cli.params``) come out exactly as typer's
own conversion makes them, for every text, path and choice parameter of every command, and a
wrong value is refused with typer's own words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click.exceptions import BadParameter

from socialseed.cli import params
from socialseed.cli.app import app

SAMPLES = ["plain", "", "  spaced  ", "-", "configs/demo", "nowhere/at/all.yaml", "ÉTÉ", "a:b"]


def _commands() -> Iterator[tuple[str, Any]]:
    root = typer.main.get_command(app)
    todo: list[tuple[str, Any]] = [("socialseed", root)]
    while todo:
        name, command = todo.pop()
        yield name, command
        sub = getattr(command, "commands", None) or {}
        todo += [(f"{name} {n}", sub[n]) for n in list(sub)]


def _quick_parameters() -> list[tuple[str, Any, Any]]:
    found = []
    for name, command in _commands():
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is not None and params._kind(descriptor) is not None:
                found.append((f"{name} {param.name}", command, param))
    return found


QUICK = _quick_parameters()


def test_every_kind_of_quick_parameter_is_covered() -> None:
    kinds = {params._kind(p.type_descriptor) for _, _, p in QUICK}
    assert kinds == {"text", "path", "choice"}
    assert len(QUICK) > 60


def _outcome(convert: Any, value: str, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "value", convert.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "refused", exc.format_message()


@pytest.mark.parametrize("where,command,param", QUICK, ids=[q[0] for q in QUICK])
def test_quick_conversion_is_typer_conversion(where: str, command: Any, param: Any) -> None:
    ctx = command.context_class(command, info_name=command.name)
    choices = [str(getattr(c, "value", c)) for c in (param.type_descriptor.choices or ())]
    for value in [*SAMPLES, *choices, *(c.upper() for c in choices)]:
        quick = _outcome(params.quick_or_typer(param.type_descriptor), value, param, ctx)
        typer_way = _outcome(params._typer_way(param.type_descriptor), value, param, ctx)
        assert quick == typer_way, (where, value)
        assert type(quick[1]) is type(typer_way[1]), (where, value)


def test_a_path_option_is_a_path(tmp_path: Path) -> None:
    _, command, param = next(q for q in QUICK if q[0] == "socialseed validate config")
    ctx = command.context_class(command, info_name="validate")
    converted = params.quick_or_typer(param.type_descriptor).coerce("cfg", param=param, ctx=ctx)
    assert converted == Path("cfg") and isinstance(converted, Path)

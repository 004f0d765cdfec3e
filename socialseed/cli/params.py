"""Command-line values converted without pydantic where that is plain: a text, a path, a choice.

Typer converts every parameter's value through a pydantic ``TypeAdapter`` it builds on first
use: the first option given costs importing pydantic and building a schema per parameter (a
third of ``validate``'s start-up, although SocialSeed's config cache spares it pydantic). For a
``str`` given as text, a ``Path`` and an ``Enum`` or ``Literal`` choice, what that adapter does
is plain: the text itself, ``Path(text)`` then typer's own path checks, typer's own choice
matching. ``install`` makes typer use those, and typer's adapter for every other kind of
parameter and every value that is not plain, and to word every error: a value that fails the
quick way is converted again typer's way, so its message is typer's, word for word. (A
parameter that is not given has no value to convert: typer's adapter is not built for it.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer.core
from typer import _coercion
from typer._click.exceptions import BadParameter
from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
from typer._typing import is_literal_type, literal_values

if TYPE_CHECKING:
    from typer._click import Context
    from typer.core import _TyperParameter

_typer_way = _coercion.build_runtime_param


@dataclass(frozen=True)
class QuickParam(_coercion.RuntimeParam):
    """A text, path or choice parameter; typer's own conversion for anything else."""

    descriptor: _coercion.TypeDescriptor
    kind: str | None  # "text", "path" or "choice"; None: typer's way only

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if self.kind is not None and type(value) is str:
            try:
                return self._quick(value, param, ctx)
            except (BadParameter, ValueError):
                pass  # typer says what is wrong, in its own words
        return _typer_way(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def _quick(self, value: str, param: _TyperParameter, ctx: Context) -> Any:
        info = self.parameter_info
        if self.kind == "text":
            return value
        if self.kind == "choice":
            choices = _choices(self.annotation)
            assert choices is not None
            return coerce_cli_choice(
                value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
            )
        path_type: Any = info.path_type
        if path_type is None and isinstance(self.annotation, type):
            path_type = self.annotation if issubclass(self.annotation, Path) else None
        given: Any = Path(value) if path_type is Path else value  # what pydantic makes of it
        if path_type not in (None, str, bytes, Path):
            raise ValueError("not a plain path")
        return coerce_cli_path(given, info, path_type=path_type, param=param, ctx=ctx)


def quick_or_typer(descriptor: _coercion.TypeDescriptor) -> _coercion.RuntimeParam:
    """A parameter's conversion: quick for a plain text, path or choice, typer's otherwise.
    Typer's is built only for a value that needs it (typer builds it for every parameter the
    command has, even one not given)."""
    return QuickParam(
        parameter_info=descriptor.parameter_info,
        annotation=descriptor.annotation,
        descriptor=descriptor,
        kind=_kind(descriptor),
    )


def _kind(descriptor: _coercion.TypeDescriptor) -> str | None:
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if info.parser is not None or descriptor.file_annotation is not None:
        return None
    if annotation is str:
        return "text"
    if _choices(annotation) is not None:
        return "choice"
    if isinstance(annotation, type) and routes_to_path(annotation, info):
        return "path"
    return None


def _choices(annotation: Any) -> tuple[Any, ...] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(annotation)
    if is_literal_type(annotation):
        return tuple(literal_values(annotation))
    return None


def install() -> None:
    """Typer's parameters convert their values through ``quick_or_typer``."""
    typer.core.build_runtime_param = quick_or_typer  # type: ignore[attr-defined]

"""Load config from one YAML file or a folder of ``*.yaml`` files, with precise errors.

Every error reads ``FILE, line N, column M: field.path: problem`` and offers a fix where
one is likely. The steps, one module each: ``source`` finds and reads the files (regular
files only, bounded), ``parse`` turns each into data and marks (YAML errors are mapped
there), ``merge`` joins the files, the pydantic models validate (their errors are mapped
here, through ``explain``), and ``checks`` does what spans sections.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from socialseed.config.checks import Checker
from socialseed.config.explain import pydantic_problem
from socialseed.config.marks import Document, Loc, Mark
from socialseed.config.merge import merge
from socialseed.config.parse import parse_text
from socialseed.config.schema import Config
from socialseed.config.source import MAX_FILE_BYTES, config_files, read_text
from socialseed.errors import ConfigError

__all__ = ["MAX_FILE_BYTES", "Document", "Mark", "load_config", "parse_file", "validate"]

MAX_PROBLEMS = 50  # shown at once; more would only scroll the first ones away
FIX_HINT = "fix the values named above; 'socialseed schema' lists every field and its limits"


def load_config(path: Path) -> Config:
    """Read, merge and validate the config at ``path`` (a file or a folder)."""
    with _no_cycle_collection():
        files = config_files(path)
        docs = [parse_file(f) for f in files]
        data, marks = merge(docs)
        return validate(data, marks, fallback=Mark(str(files[0]), 1, 1))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Loading makes about ten objects per byte of YAML and no reference cycles; the cyclic
    collector would scan them over and over (three times the work on a 1 MB config)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_file(path: Path) -> Document:
    """Parse one YAML file into plain data plus the position of every value."""
    return parse_text(str(path), read_text(path))


def validate(data: dict[str, Any], marks: dict[Loc, Mark], *, fallback: Mark) -> Config:
    """Validate merged data against the models, then check what spans sections."""
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        lines = (pydantic_problem(e, marks, fallback, data) for e in errors)
        raise _error(lines, total=len(errors)) from None
    problems = list(islice(Checker(config, marks, fallback).problems(), MAX_PROBLEMS + 1))
    if problems:
        raise _error(iter(problems), total=len(problems))
    return config


def _error(problems: Iterator[str], *, total: int) -> ConfigError:
    """At most ``MAX_PROBLEMS`` distinct lines, and a last one saying that there are more."""
    shown = list(dict.fromkeys(islice(problems, MAX_PROBLEMS)))
    if total > MAX_PROBLEMS:
        shown.append(
            f"... and more problems after these {MAX_PROBLEMS}: fix them, then validate again"
        )
    return ConfigError(shown, hint=FIX_HINT)

"""Load config from one YAML file or a folder of ``*.yaml`` files, with precise errors.

Every error reads ``FILE, line N, column M: field.path: problem`` and offers a fix where
one is likely. YAML and pydantic errors are mapped to ``ConfigError`` here and nowhere else.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from socialseed.config.conversations import problems as conversation_problems
from socialseed.config.schema import Config
from socialseed.errors import ConfigError

MAX_FILE_BYTES = 1_000_000
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, column {self.column}"


@dataclass
class Document:
    data: Any
    marks: dict[Loc, Mark]
    file: str


def load_config(path: Path) -> Config:
    """Read, merge and validate the config at ``path`` (a file or a folder)."""
    files = _config_files(path)
    docs = [parse_file(f) for f in files]
    data, marks = merge(docs)
    return validate(data, marks, fallback=Mark(str(files[0]), 1, 1))


def _config_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        if not files:
            raise ConfigError(
                [f"{path}: no *.yaml files in this folder"],
                hint="run 'socialseed init' to create an example config",
            )
        return files
    if not path.exists():
        raise ConfigError(
            [f"{path}: no such config file or folder"],
            hint="pass -c PATH, set SOCIALSEED_CONFIG, or run 'socialseed init' to create one",
        )
    return [path]


def parse_file(path: Path) -> Document:
    """Parse one YAML file into plain data plus the position of every value."""
    name = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ConfigError(
            [
                f"{name}, line 1, column 1: file is {size / 1e6:.1f} MB; config files are "
                f"limited to {MAX_FILE_BYTES / 1e6:.0f} MB"
            ],
            hint="split the config into several files in one folder, or check that this "
            "is the file you meant",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{name}, line 1, column 1: not UTF-8 text ({exc.reason})"],
            hint="save the file as UTF-8",
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(name, text, exc) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{name}, line 1, column 1: {exc}"]) from exc
    if node is None:
        raise ConfigError(
            [f"{name}, line 1, column 1: the file is empty"],
            hint="a config is a mapping with version, accounts and phases; "
            "run 'socialseed init' for an example",
        )
    marks: dict[Loc, Mark] = {}
    try:
        data = _to_data(node, (), name, marks)
    except yaml.MarkedYAMLError as exc:  # a tag that cannot be built: !!binary, !custom...
        error = _yaml_error(name, text, exc)
        error.hint = "remove the YAML tag (the !word before the value): plain values only"
        raise error from exc
    if not isinstance(data, dict):
        raise ConfigError(
            [f"{marks[()]}: the top level must be a mapping (key: value), not {_kind(data)}"]
        )
    return Document(data, marks, name)


def _yaml_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    lines = text.splitlines()
    if "\t" in problem or (0 < line <= len(lines) and "\t" in lines[line - 1][: col + 1]):
        problem = "a tab character is used for indentation"
        hint = "YAML indents with spaces only; replace the tabs with spaces"
    return ConfigError(
        [f"{name}, line {line}, column {col}: YAML syntax error: {problem}"], hint=hint
    )


_constructor = SafeConstructor()


def _to_data(node: Node, loc: Loc, name: str, marks: dict[Loc, Mark]) -> Any:
    marks[loc] = Mark(name, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node, deep=True)
            key = str(key)
            if key in out:
                where = Mark(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                first = marks[(*loc, key)]
                raise ConfigError(
                    [f"{where}: {_path((*loc, key))}: duplicate key (first at {first})"]
                )
            out[key] = _to_data(value_node, (*loc, key), name, marks)
            marks[(*loc, key, "__key__")] = Mark(
                name, key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
        return out
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*loc, i), name, marks) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _constructor.construct_object(node, deep=True)


def merge(docs: list[Document]) -> tuple[dict[str, Any], dict[Loc, Mark]]:
    """Merge files by top-level key; a duplicate id or key names both places."""
    data: dict[str, Any] = {}
    marks: dict[Loc, Mark] = {}
    for doc in docs:
        for key, value in doc.data.items():
            if key not in data:
                data[key] = value
                _copy_marks(doc.marks, (key,), (key,), marks)
                continue
            _merge_key(data, marks, key, value, doc)
    if docs:
        marks[()] = docs[0].marks[()]
    return data, marks


def _merge_key(
    data: dict[str, Any], marks: dict[Loc, Mark], key: str, value: Any, doc: Document
) -> None:
    current = data[key]
    if isinstance(current, list) and isinstance(value, list):
        offset = len(current)
        current.extend(value)
        for i in range(len(value)):
            _copy_marks(doc.marks, (key, i), (key, offset + i), marks)
        return
    if isinstance(current, dict) and isinstance(value, dict):
        for sub, sub_value in value.items():
            if sub in current:
                here = doc.marks.get((key, sub, "__key__"), doc.marks[(key, sub)])
                there = marks.get((key, sub, "__key__"), marks[(key, sub)])
                raise ConfigError(
                    [f"{here}: {key}.{sub}: defined twice (also at {there})"],
                    hint="keep one definition, or rename one of them",
                )
            current[sub] = sub_value
            _copy_marks(doc.marks, (key, sub), (key, sub), marks)
        return
    if current != value:
        raise ConfigError(
            [f"{doc.marks[(key,)]}: {key}: set differently in two files (also at {marks[(key,)]})"]
        )


def _copy_marks(src: dict[Loc, Mark], old: Loc, new: Loc, dst: dict[Loc, Mark]) -> None:
    n = len(old)
    for loc, mark in src.items():
        if loc[:n] == old:
            dst[new + loc[n:]] = mark


def validate(data: dict[str, Any], marks: dict[Loc, Mark], *, fallback: Mark) -> Config:
    """Validate merged data against the models, then check cross-references."""
    problems: list[str] = []
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(_pydantic_problem(error, marks, fallback, data))
    if config is None:
        raise ConfigError(_dedupe(problems))
    problems.extend(cross_reference(config, marks, fallback))
    if problems:
        raise ConfigError(_dedupe(problems))
    return config


def _dedupe(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def find_mark(marks: dict[Loc, Mark], loc: Loc, fallback: Mark, *, key: bool = False) -> Mark:
    if key and (*loc, "__key__") in marks:
        return marks[(*loc, "__key__")]
    for n in range(len(loc), -1, -1):
        if loc[:n] in marks:
            return marks[loc[:n]]
    return fallback


def _path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _pydantic_problem(error: Any, marks: dict[Loc, Mark], fallback: Mark, data: Any) -> str:
    loc = _clean_loc(tuple(error["loc"]), data)
    kind = error["type"]
    mark = find_mark(marks, loc, fallback, key=kind == "extra_forbidden")
    message = _explain(error, loc)
    return f"{mark}: {_path(loc)}: {message}"


_ABSENT = object()


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict) and part in value:
        return value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _ABSENT


def _clean_loc(loc: Loc, data: Any) -> Loc:
    """The steps of ``loc`` that exist in the data (pydantic adds pseudo-steps for unions,
    literals and validators); a final missing or unknown key is kept."""
    kept: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        step = _child(current, part)
        if step is not _ABSENT:
            current = step
        elif i == len(loc) - 1 and isinstance(current, dict) and isinstance(part, str):
            pass  # a missing field: name it
        else:
            continue
        kept.append(part)
    return tuple(kept)


def _explain(error: Any, loc: Loc) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden" and loc:
        field = str(loc[-1])
        allowed = _allowed_fields(loc[:-1])
        guess = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        tip = f" (did you mean '{guess[0]}'?)" if guess else ""
        known = f"; known keys: {', '.join(sorted(allowed))}" if allowed and not guess else ""
        return f"unknown key '{field}'{tip}{known}"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        guess = difflib.get_close_matches(str(given), expected, n=1, cutoff=0.5)
        tip = f" (did you mean '{guess[0]}'?)" if guess else f" (one of: {', '.join(expected)})"
        noun = "a platform" if loc and loc[-1] == "platform" else "allowed"
        return f"{given!r} is not {noun}{tip}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping (key: value), got {_kind(given)}"
    if kind == "list_type":
        return f"expected a list, got {_kind(given)}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in {"id", "name"}:
        return (
            f"{given!r} is not a valid id (use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit)"
        )
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        shown = "" if loc and loc[-1] in _SECRET_FIELDS else f" {_short(given)}"
        message = f"{message} (got {_kind(given)}{shown})"
    return message


_SECRET_FIELDS = frozenset({"credentials", "client_secret", "api_key"})  # never echo their value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "nothing"
    return "a string"


def _allowed_fields(loc: Loc) -> list[str]:
    """Field names of the model found at ``loc`` (for 'did you mean')."""
    annotation: Any = Config
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_of(annotation)
    return list(model.model_fields) if model else []


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_of(annotation)
    if model is not None:
        if isinstance(part, str) and part in model.model_fields:
            return model.model_fields[part].annotation
        return None
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (typing.Union, types.UnionType) and args:
        return _step(args[0], part)
    if origin is typing.Annotated and args:
        return _step(args[0], part)
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found:
                return found
    return None


def cross_reference(config: Config, marks: dict[Loc, Mark], fallback: Mark) -> list[str]:
    """Checks that span sections: references, phase order, duplicate ids."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, account in enumerate(config.accounts):
        where = find_mark(marks, ("accounts", i, "id"), fallback)
        if account.id in seen:
            first = find_mark(marks, ("accounts", seen[account.id], "id"), fallback)
            problems.append(
                f"{where}: accounts[{i}].id: duplicate account id '{account.id}' "
                f"(first defined at {first})"
            )
        seen.setdefault(account.id, i)
        problems.extend(_account_refs(config, i, marks, fallback))
    for name, phases in config.phases.items():
        problems.extend(_phase_order(name, phases, marks, fallback))
    refs = [a.conversations for a in config.accounts]
    for loc, problem in conversation_problems(config.conversations, refs, config.scoring.providers):
        problems.append(f"{find_mark(marks, loc, fallback)}: {_path(loc)}: {problem}")
    return problems


def _account_refs(config: Config, i: int, marks: dict[Loc, Mark], fallback: Mark) -> list[str]:
    account = config.accounts[i]
    problems = []
    if account.phases not in config.phases:
        where = find_mark(marks, ("accounts", i, "phases"), fallback)
        guess = difflib.get_close_matches(account.phases, list(config.phases), n=1)
        tip = f" (did you mean '{guess[0]}'?)" if guess else ""
        known = ", ".join(config.phases) or "none"
        problems.append(
            f"{where}: accounts[{i}].phases: unknown phase set '{account.phases}'{tip}; "
            f"defined phase sets: {known}"
        )
    for j, name in enumerate(account.targeting):
        if name not in config.targeting:
            where = find_mark(marks, ("accounts", i, "targeting", j), fallback)
            guess = difflib.get_close_matches(name, list(config.targeting), n=1)
            tip = f" (did you mean '{guess[0]}'?)" if guess else ""
            known = ", ".join(config.targeting) or "none"
            problems.append(
                f"{where}: accounts[{i}].targeting[{j}]: unknown targeting block '{name}'{tip}; "
                f"defined blocks: {known}"
            )
    if account.platform == "mastodon" and not account.instance:
        where = find_mark(marks, ("accounts", i), fallback)
        problems.append(
            f"{where}: accounts[{i}].instance: a mastodon account needs its instance URL "
            "(instance: https://mastodon.social)"
        )
    return problems


def _phase_order(name: str, phases: list[Any], marks: dict[Loc, Mark], fallback: Mark) -> list[str]:
    problems = []
    if not phases:
        where = find_mark(marks, ("phases", name), fallback)
        return [f"{where}: phases.{name}: a phase set needs at least one phase"]
    names: set[str] = set()
    for k, phase in enumerate(phases):
        where = find_mark(marks, ("phases", name, k), fallback)
        if phase.name in names:
            problems.append(f"{where}: phases.{name}[{k}].name: phase '{phase.name}' appears twice")
        names.add(phase.name)
        last = k == len(phases) - 1
        if phase.days is None and not last:
            problems.append(
                f"{where}: phases.{name}[{k}].days: only the last phase may run without "
                f"'days'; phase '{phase.name}' is followed by '{phases[k + 1].name}', so the "
                "phases are out of order or this one needs 'days'"
            )
    return problems

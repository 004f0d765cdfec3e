"""The editor's JSON Schema rejects what ``validate`` rejects, where JSON Schema can say it.

Literal secrets (only ``env/NAME`` references), durations (what the duration parser accepts),
exactly one kind per discovery source. Each invalid document is checked both ways: the schema
(with ``jsonschema``) and ``socialseed validate`` refuse it; each valid one passes both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.config.files import SCHEMA_FILE, schema_json
from socialseed.config.schema import parse_duration
from tests.conftest import ROOT

runner = CliRunner()
SCHEMA = json.loads(schema_json())
VALIDATOR = Draft202012Validator(SCHEMA)

BASE = """\
version: 1
accounts:
  - id: studio
    platform: bluesky
    handle: studio.example.com
    credentials: env/STUDIO_BSKY_APP_PASSWORD
    phases: gentle
    targeting: [film]
phases:
  gentle:
    - {name: warmup, daily: {follow: 10}}
policy:
  approval_ttl: 2h
targeting:
  film:
    sources:
      - hashtag: film
    actions: {follow: true}
    cache_ttl: 24h
"""


def as_json(text: str) -> Any:
    """The document as an editor's YAML language server sees it (dates as text)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def schema_errors(text: str) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(as_json(text))]


def validate_code(tmp_path: Path, text: str) -> int:
    path = tmp_path / "socialseed.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code


def test_the_base_document_passes_both(tmp_path: Path) -> None:
    assert schema_errors(BASE) == []
    assert validate_code(tmp_path, BASE) == 0


INVALID = {
    "literal credentials": ("credentials: env/STUDIO_BSKY_APP_PASSWORD", "credentials: hunter2"),
    "env ref with a space": (
        "credentials: env/STUDIO_BSKY_APP_PASSWORD",
        "credentials: env/STUDIO BSKY",
    ),
    "5 minutes": ("cache_ttl: 24h", "cache_ttl: 5 minutes"),
    "a duration without unit": ("cache_ttl: 24h", "cache_ttl: '24'"),
    "an unknown unit": ("cache_ttl: 24h", "cache_ttl: 2y"),
    "a zero ttl": ("approval_ttl: 2h", "approval_ttl: 0h"),
    "a bare zero ttl": ("approval_ttl: 2h", "approval_ttl: '0'"),
    "two source kinds": ("- hashtag: film", "- {hashtag: film, search: film}"),
    "no source kind": ("- hashtag: film", "- {limit: 10}"),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_what_validate_rejects_the_schema_rejects(tmp_path: Path, name: str) -> None:
    old, new = INVALID[name]
    assert old in BASE
    text = BASE.replace(old, new)
    assert schema_errors(text), f"the schema accepts {name}"
    assert validate_code(tmp_path, text) == 1


DURATIONS = [
    "24h", "30m", "7d", "2w", "45s", "0", "00", " 3h ", "3 h", "999999999999s",
    "5 minutes", "24", "1.5h", "h", "-1h", "1H", "1hh", "", "0h", "1e3s",
]  # fmt: skip


@pytest.mark.parametrize("value", DURATIONS)
def test_duration_pattern_agrees_with_the_parser(value: str) -> None:
    try:
        parse_duration(value)
        parsed = True
    except ValueError as exc:
        parsed = "at most" in str(exc)  # within the pattern, only too long for a date
    pattern = SCHEMA["$defs"]["Targeting"]["properties"]["cache_ttl"]["pattern"]
    assert bool(re.search(pattern, value)) is parsed, value


def test_the_repository_ships_the_schema_its_modelines_name() -> None:
    shipped = ROOT / SCHEMA_FILE
    assert shipped.read_text() == schema_json() + "\n", "run: socialseed schema > " + SCHEMA_FILE
    for config in sorted((ROOT / "configs").rglob("*.yaml")):
        first = config.read_text().splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert (config.parent / target).resolve() == shipped, config


@pytest.mark.parametrize("config", sorted((ROOT / "configs").rglob("*.yaml")), ids=lambda p: p.name)
def test_the_shipped_configs_pass_the_schema(config: Path) -> None:
    assert schema_errors(config.read_text()) == []

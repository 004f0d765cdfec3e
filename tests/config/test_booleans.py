"""Boolean config fields take true or false only, with a located error for anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

runner = CliRunner()


def _config_with(tmp_path: Path, follow: str) -> tuple[Path, int]:
    lines = (DEMO_CONFIG / "socialseed.yaml").read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("actions: {follow:"))
    indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
    lines[row] = f"{indent}actions: {{follow: {follow}, like_recent: 1}}"
    path = tmp_path / "socialseed.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path, row + 1


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1", "a number 1"),
        ("0", "a number 0"),
        ("yes", "a string 'yes'"),
        ("no", "a string 'no'"),
        ("on", "a string 'on'"),
        ('"true"', "a string 'true'"),
    ],
)
def test_a_boolean_field_refuses_anything_but_true_or_false(
    tmp_path: Path, written: str, shown: str
) -> None:
    path, line = _config_with(tmp_path, written)
    column = path.read_text().splitlines()[line - 1].index("follow: ") + len("follow: ") + 1
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}, line {line}, column {column}: targeting.")
    assert first.endswith(
        f".actions.follow: expected true or false (unquoted), got {shown}; "
        "1, 0, yes, no, on and off are not booleans here"
    )


@pytest.mark.parametrize("written", ["true", "false", "True"])
def test_true_and_false_are_booleans(tmp_path: Path, written: str) -> None:
    path, _ = _config_with(tmp_path, written)
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert result.exit_code == 0, result.stderr


def test_yes_is_plain_text_where_text_is_expected(tmp_path: Path) -> None:
    path, _ = _config_with(tmp_path, "true")
    text = path.read_text().replace("keywords: [", "keywords: [yes, ", 1)
    path.write_text(text)
    assert "keywords: [yes, " in text
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert result.exit_code == 0, result.stderr


def test_the_json_schema_types_every_flag_as_a_plain_boolean() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    flags = {
        ("Account", "enabled"),
        ("Account", "allow_manual"),
        ("Actions", "follow"),
        ("Actions", "hide_spam_comments"),
        ("Filters", "require_avatar"),
        ("Filters", "skip_opt_out"),
    }
    for model, name in flags:
        assert schema["$defs"][model]["properties"][name]["type"] == "boolean", (model, name)

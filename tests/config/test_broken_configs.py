"""Every broken config gives exit 1 and an error naming file, line and column; no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app

BROKEN = Path(__file__).parent / "broken"
LOCATION = re.compile(r"(?P<file>[\w./-]+\.yaml), line (?P<line>\d+), column (?P<col>\d+): ")

# case -> (file expected in the message, line, column, words the message must contain)
CASES: dict[str, tuple[str, int, int, str]] = {
    "wrong_type.yaml": (
        "wrong_type.yaml",
        9,
        28,
        "phases.standard[0].days: Input should be a valid integer",
    ),
    "unknown_key_typo.yaml": (
        "unknown_key_typo.yaml",
        5,
        5,
        "unknown key 'handel' (did you mean 'handle'?)",
    ),
    "missing_required.yaml": (
        "missing_required.yaml",
        3,
        5,
        "accounts[0].handle: required field is missing",
    ),
    "duplicate_id": (
        "duplicate_id/b.yaml",
        2,
        9,
        "duplicate account id 'studio' (first defined at",
    ),
    "unknown_phase.yaml": (
        "unknown_phase.yaml",
        6,
        13,
        "unknown phase set 'standrd' (did you mean 'standard'?)",
    ),
    "literal_secret.yaml": ("literal_secret.yaml", 6, 18, "literal secrets are not allowed here"),
    "yaml_syntax.yaml": ("yaml_syntax.yaml", 5, 11, "YAML syntax error"),
    "empty.yaml": ("empty.yaml", 1, 1, "the file is empty"),
    "tabs.yaml": ("tabs.yaml", 4, 1, "a tab character is used for indentation"),
    "list_for_mapping.yaml": (
        "list_for_mapping.yaml",
        8,
        3,
        "phases: expected a mapping (key: value), got a list",
    ),
    "hourly_above_daily.yaml": (
        "hourly_above_daily.yaml",
        9,
        7,
        "hourly cap for follow (20) is above the daily cap (15)",
    ),
    "platform_typo.yaml": (
        "platform_typo.yaml",
        4,
        15,
        "'tiktock' is not a platform (did you mean 'tiktok'?)",
    ),
    "phases_out_of_order.yaml": (
        "phases_out_of_order.yaml",
        9,
        7,
        "only the last phase may run without 'days'",
    ),
    "unknown_targeting.yaml": (
        "unknown_targeting.yaml",
        7,
        17,
        "unknown targeting block 'film' (did you mean 'films'?)",
    ),
}


def _validate(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["validate", "-c", str(path)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_config_names_file_line_column(case: str) -> None:
    file, line, col, words = CASES[case]
    code, out, err = _validate(BROKEN / case)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert f"{file}, line {line}, column {col}: " in err
    assert words in err


def test_at_least_twelve_broken_configs_are_covered() -> None:
    assert len(CASES) >= 12
    on_disk = {p.name for p in BROKEN.iterdir()}
    assert set(CASES) <= on_disk


def test_huge_file_is_refused_with_location(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    line = "# " + "x" * 98 + "\n"
    big.write_text("version: 1\n" + line * 52_000)  # about 5 MB
    code, _, err = _validate(big)
    assert code == 1
    assert f"{big}, line 1, column 1: file is 5.3 MB" in err
    assert "Traceback" not in err


def test_missing_path_says_how_to_create_one(tmp_path: Path) -> None:
    code, _, err = _validate(tmp_path / "nope")
    assert code == 1
    assert "no such config file or folder" in err
    assert "socialseed init" in err


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "two.yaml"
    bad.write_text(
        "version: 1\naccounts:\n  - id: a1\n    platform: sandbx\n    handle: h\n"
        "    phases: nope\nphases:\n  p:\n    - {name: w, dayz: 3}\n"
    )
    code, _, err = _validate(bad)
    assert code == 1
    assert "'sandbx' is not a platform (did you mean 'sandbox'?)" in err
    assert "unknown key 'dayz' (did you mean 'days'?)" in err

"""Which config a command uses when none is named: never a source checkout's package folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

runner = CliRunner()


def _checkout_like(root: Path) -> None:
    """A folder shaped like the source checkout: a ``socialseed/`` Python package."""
    package = root / "socialseed"
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "0"\n')
    (package / "templates" / "socialseed.yaml").write_text("version: 1\n")


def test_a_checkout_root_uses_socialseed_yaml_not_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _checkout_like(tmp_path)
    shutil.copy(DEMO_CONFIG / "socialseed.yaml", tmp_path / "socialseed.yaml")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: socialseed.yaml: 2 account(s) on sandbox")


def test_a_checkout_root_without_a_config_says_what_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _checkout_like(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no config found: looked for ./socialseed/ (a folder of *.yaml files) and "
        "./socialseed.yaml (./socialseed/ here is a Python package, not a config folder)\n"
        "  hint: pass -c PATH, set SOCIALSEED_CONFIG=PATH, or create one with "
        "'socialseed init my-socialseed'\n"
    )


def test_a_config_folder_named_socialseed_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DEMO_CONFIG, tmp_path / "socialseed")
    (tmp_path / "socialseed.yaml").write_text("not: used\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: socialseed: 2 account(s) on sandbox")


def test_an_empty_folder_says_how_to_make_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 1
    assert "Error: no config found: looked for ./socialseed/" in result.stderr
    assert "Python package" not in result.stderr
    assert "socialseed init my-socialseed" in result.stderr

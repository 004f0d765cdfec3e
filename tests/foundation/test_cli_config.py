"""init, validate, schema and --version through the CLI, as a user runs them."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed import __version__
from socialseed.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"socialseed {__version__}"


@pytest.mark.parametrize(
    "args",
    [[], ["--bogus"], ["plans"], ["plan", "--bogus"], ["sandbox"], ["sandbox", "rest"]],
    ids=["bare", "unknown-global-option", "unknown-command", "unknown-option", "group", "sub"],
)
def test_usage_errors_exit_1_never_2(args: list[str]) -> None:
    """2 means "changes present" to CI (plan --detailed-exitcode); a typo must not say that."""
    result = runner.invoke(app, args)
    assert result.exit_code == 1, (args, result.exit_code)
    assert "Usage: " in result.stderr


def test_init_writes_a_valid_commented_config(tmp_path: Path) -> None:
    target = tmp_path / "cfg"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.stderr
    text = (target / "socialseed.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./socialseed.schema.json")
    assert "env/" in text  # shows how secrets are referenced
    assert "*.sqlite" in (target / ".gitignore").read_text()
    assert (
        json.loads((target / "socialseed.schema.json").read_text())["title"] == "SocialSeed config"
    )
    check = runner.invoke(app, ["validate", "-c", str(target)])
    assert check.exit_code == 0, check.stderr
    assert check.stdout.startswith(f"ok: {target}: 1 account(s) on sandbox")


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    (tmp_path / "socialseed.yaml").write_text("# mine\n")
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 1
    assert "init would overwrite" in again.stderr and "--force" in again.stderr
    assert (tmp_path / "socialseed.yaml").read_text() == "# mine\n"
    forced = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    assert "version: 1" in (tmp_path / "socialseed.yaml").read_text()


def test_validate_summarises_what_it_checked() -> None:
    result = runner.invoke(app, ["validate", "-c", str(ROOT / "configs" / "demo")])
    assert result.exit_code == 0
    assert "2 account(s) on sandbox, 2 phase set(s), 2 targeting block(s), 1 file(s) checked" in (
        result.stdout
    )


def test_schema_is_json_schema_of_the_models() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert "accounts" in schema["properties"]


def test_config_from_environment(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SOCIALSEED_CONFIG", str(ROOT / "configs" / "demo"))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0


def test_bad_socialseed_now_is_a_clear_error(monkeypatch: object, tmp_path: Path) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    from socialseed.cli.context import AppContext

    ctx = AppContext(env={"SOCIALSEED_NOW": "yesterday"})
    try:
        _ = ctx.clock
    except Exception as exc:
        assert "not an ISO 8601 instant" in str(exc)
    else:
        raise AssertionError("expected an error")


def test_state_file_is_private(tmp_path: Path) -> None:
    from socialseed.state.db import open_state

    path = tmp_path / "deep" / "state.sqlite"
    open_state(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_config_skips_a_socialseed_folder_without_yaml(
    tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "socialseed").mkdir()  # e.g. a Python package of that name
    (tmp_path / "socialseed" / "__init__.py").write_text("")
    (tmp_path / "socialseed.yaml").write_text((ROOT / "configs/demo/socialseed.yaml").read_text())
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: socialseed.yaml:")


def test_the_demo_configs_commented_real_accounts_validate_when_uncommented(
    tmp_path: Path,
) -> None:
    import re

    text = (ROOT / "configs/demo/socialseed.yaml").read_text()
    uncommented = re.sub(r"^  # (- id: |  [a-z_]+:)", r"  \1", text, flags=re.M)
    assert uncommented.count("- id: ") == 6
    path = tmp_path / "all.yaml"
    path.write_text(uncommented)
    result = runner.invoke(app, ["validate", "-c", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "6 account(s) on bluesky, instagram, mastodon, sandbox, x" in result.stdout


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    headings = re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_init_points_the_config_at_a_readme_section_that_exists(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "cfg")]).exit_code == 0
    text = (tmp_path / "cfg" / "socialseed.yaml").read_text()
    reference = next(line for line in text.splitlines() if line.startswith("# Reference:"))
    assert "https://github.com/ " not in reference and "http" not in reference
    links = re.findall(r"README\.md#([\w-]+)", reference)
    assert links == ["configuration-reference"]
    assert set(links) <= _anchors((ROOT / "README.md").read_text())

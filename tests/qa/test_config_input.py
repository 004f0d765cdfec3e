"""Config mistakes around secret fields: never echo the value, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.qa.harness import assert_error, invoke

SECRET = "CANARY-s3cr3t-7f3a9c"
HEAD = "version: 1\nphases:\n  std:\n    - {name: warmup, daily: {follow: 5}}\naccounts:\n"
ACCOUNT = (
    "  - {{id: m, platform: mastodon, handle: s, phases: std, instance: 'https://m.test', {}}}\n"
)


def validate(tmp_path: Path, text: str) -> str:
    path = tmp_path / "socialseed.yaml"
    path.write_text(text)
    result = invoke("validate", "-c", str(path))
    assert result.code == 1, result
    assert "internal error" not in result.err and SECRET not in result.text, result
    return result.err


@pytest.mark.parametrize("value", [f"[{SECRET}]", f"{{k: {SECRET}}}", SECRET])
@pytest.mark.parametrize("field", ["credentials", "client_secret"])
def test_a_wrong_secret_field_is_named_without_its_value(
    tmp_path: Path, field: str, value: str
) -> None:
    err = validate(tmp_path, HEAD + ACCOUNT.format(f"{field}: {value}"))
    assert "line 6, column " in err and f"accounts[0].{field}:" in err


def test_a_provider_api_key_of_the_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    text = (
        HEAD
        + ACCOUNT.format("credentials: env/M")
        + (f"scoring: {{providers: {{p: {{kind: openai, model: m, api_key: [{SECRET}]}}}}}}\n")
    )
    err = validate(tmp_path, text)
    assert "scoring.providers.p.api_key: Input should be a valid string (got a list)" in err


@pytest.mark.parametrize("tag", ["!!binary", "!secret"])
def test_yaml_tags_are_a_syntax_error_with_a_hint(tmp_path: Path, tag: str) -> None:
    err = validate(tmp_path, HEAD + f"  - id: m\n    credentials: {tag} {SECRET}\n")
    assert "line 7, column 18: YAML syntax error" in err
    assert "hint: remove the YAML tag" in err


def test_a_tag_on_any_field_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(HEAD + "  - id: !secret m\n")
    assert_error(invoke("validate", "-c", str(path)), 1, f"{path}, line 6, column 9")

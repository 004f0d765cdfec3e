"""The loader: folders merged by top-level key, positions kept, cross-references checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialseed.config.load import load_config
from socialseed.errors import ConfigError, SocialSeedError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "configs" / "demo" / "socialseed.yaml"

ACCOUNT = "accounts:\n  - id: {id}\n    platform: sandbox\n    handle: {id}.h\n    phases: std\n"
PHASES = "phases:\n  std:\n    - {name: warmup, days: 3, daily: {follow: 5}}\n    - {name: grow}\n"


def test_demo_config_loads() -> None:
    config = load_config(DEMO)
    assert [a.id for a in config.accounts] == ["demo-studio", "demo-cafe"]
    assert config.phases["standard"][0].daily["follow"] == 15


def test_folder_merges_files_by_top_level_key(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\n" + ACCOUNT.format(id="one") + PHASES)
    (tmp_path / "b.yaml").write_text(ACCOUNT.format(id="two"))
    (tmp_path / "notes.txt").write_text("ignored")
    config = load_config(tmp_path)
    assert [a.id for a in config.accounts] == ["one", "two"]


def test_error_position_points_into_the_second_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\n" + ACCOUNT.format(id="one") + PHASES)
    (tmp_path / "b.yaml").write_text(
        ACCOUNT.format(id="two").replace("phases: std", "phases: nope")
    )
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert f"{tmp_path / 'b.yaml'}, line 5, column 13: accounts[1].phases" in str(err.value)


def test_same_phase_set_in_two_files_names_both(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\n" + ACCOUNT.format(id="one") + PHASES)
    (tmp_path / "b.yaml").write_text(PHASES)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    text = str(err.value)
    assert "phases.std: defined twice" in text
    assert "a.yaml, line 8, column 3" in text and "b.yaml, line 2, column 3" in text


def test_duplicate_key_in_one_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\nversion: 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "line 2, column 1: version: duplicate key" in str(err.value)


def test_env_reference_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = ACCOUNT.format(id="one").replace("sandbox", "bluesky")
    text += "    credentials: env/BSKY_APP_PASSWORD\n"
    path.write_text("version: 1\n" + text + PHASES)
    assert load_config(path).accounts[0].credentials == "env/BSKY_APP_PASSWORD"


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    position=st.integers(min_value=0, max_value=10_000),
    junk=st.text(min_size=0, max_size=8),
    cut=st.booleans(),
)
def test_mutated_configs_only_raise_socialseed_errors(
    tmp_path: Path, position: int, junk: str, cut: bool
) -> None:
    text = DEMO.read_text()
    at = position % (len(text) + 1)
    mutated = text[:at] + junk + (text[at + len(junk) :] if cut else text[at:])
    path = tmp_path / "mutated.yaml"
    path.write_text(mutated, encoding="utf-8")
    try:
        load_config(path)
    except SocialSeedError as exc:
        assert str(exc)

"""The config digest that review and apply compare with the one the planner records."""

from __future__ import annotations

from pathlib import Path

from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from tests.review.factory import CONFIG_YAML, write_config


def test_layout_and_comments_do_not_change_the_digest(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = load_config(write_config(tmp_path / "a"))
    noisy = load_config(write_config(tmp_path / "b", "# a comment\n\n" + CONFIG_YAML))
    assert config_digest(plain) == config_digest(noisy)


def test_a_changed_value_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = load_config(write_config(tmp_path / "a"))
    after = load_config(write_config(tmp_path / "b", CONFIG_YAML.replace("2h", "3h")))
    assert config_digest(before) != config_digest(after)


def test_the_planner_records_the_same_digest_non_ascii_included(tmp_path: Path) -> None:
    from socialseed.plan import planner

    text = CONFIG_YAML + "targeting:\n  cafe:\n    description: Cafés — crème et pâtisserie\n"
    text += "    sources: [{search: café}]\n"
    config = load_config(write_config(tmp_path, text))
    assert config_digest(config) == planner.config_digest(config)

"""The loader's limits, one at a time: what is refused, what still loads, what the text says."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from socialseed.config.load import MAX_PROBLEMS, load_config
from socialseed.config.marks import Document, Mark
from socialseed.config.merge import merge
from socialseed.config.parse import MAX_ALIAS_VALUES, parse_text
from socialseed.config.source import byte_position, decode
from socialseed.config.urls import url_problem
from socialseed.errors import ConfigError
from tests.config.hostile import base_text


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def test_a_bad_byte_is_located_in_characters_not_bytes() -> None:
    data = "a: é\nb: ééé".encode() + b"\xff\n"
    assert byte_position(data, data.index(b"\xff")) == (2, 7)
    with pytest.raises(ConfigError) as caught:
        decode("f.yaml", data)
    assert "f.yaml, line 2, column 7: not UTF-8 text" in str(caught.value)


def test_so_many_problems_are_cut_to_a_screenful(tmp_path: Path) -> None:
    text = base_text() + "".join(f"extra{i}: 1\n" for i in range(500))
    lines = _error(tmp_path, text).splitlines()
    assert len(lines) == MAX_PROBLEMS + 2  # the problems, "and more", the hint
    assert lines[MAX_PROBLEMS].startswith("... and more problems after these 50")


def test_the_cycle_collector_is_on_again_after_a_refusal(tmp_path: Path) -> None:
    assert gc.isenabled()
    _error(tmp_path, "a: &a [*a]\n")
    assert gc.isenabled()


def test_an_alias_just_within_the_budget_loads() -> None:
    items = ", ".join(["x"] * 999)
    text = f"a: &a [{items}]\n" + "".join(
        f"b{i}: *a\n" for i in range(MAX_ALIAS_VALUES // 1000 - 1)
    )
    doc = parse_text("f.yaml", text)
    assert len(doc.data["b0"]) == 999
    assert doc.marks[("b3", 5)] == Mark("f.yaml", 1, 23)  # inside an alias: the anchored value


def test_an_alias_in_place_of_a_value_is_located_at_the_alias(tmp_path: Path) -> None:
    text = base_text().replace("    id: masto\n", "    id: &name masto\n")
    text = text.replace("    handle: studio\n", "    handle: *name\n    platform2: *name\n")
    doc = parse_text("f.yaml", text)
    assert doc.data["accounts"][0]["handle"] == "masto"
    assert doc.marks[("accounts", 0, "handle")] == Mark("f.yaml", 6, 13)
    err = _error(tmp_path, text)
    assert "line 7, column 5: accounts[0].platform2: unknown key 'platform2'" in err


def test_a_bare_host_is_told_how_to_write_the_url() -> None:
    problem = url_problem("mastodon.social")
    assert (
        problem == "'mastodon.social' is not a URL; write it in full, like https://mastodon.social"
    )


def test_a_phase_set_longer_than_a_century_is_refused(tmp_path: Path) -> None:
    text = (
        "accounts: [{id: a, platform: sandbox, handle: h, phases: std}]\n"
        "phases:\n  std:\n    - {name: a, days: 36500}\n    - {name: b, days: 14}\n"
        "    - {name: c}\n"
    )
    err = _error(tmp_path, text)
    assert "line 4, column 5: phases.std: the phases last 36514 days in all" in err


def test_merging_a_mapping_keeps_the_marks_of_both_files() -> None:
    a = parse_text("a.yaml", "targeting:\n  one: {sources: [{hashtag: x}]}\n")
    b = parse_text("b.yaml", "targeting:\n  two: {sources: [{hashtag: y}]}\n")
    data, marks = merge([a, b])
    assert sorted(data["targeting"]) == ["one", "two"]
    assert marks[("targeting", "two", "sources", 0, "hashtag")] == Mark("b.yaml", 2, 29)
    assert marks[("targeting", "one")] == Mark("a.yaml", 2, 8)


def test_merging_lists_renumbers_the_second_file() -> None:
    a = parse_text("a.yaml", "accounts: [{id: a}, {id: b}]\n")
    b = parse_text("b.yaml", "accounts:\n  - id: c\n")
    data, marks = merge([a, Document(b.data, b.marks, b.file)])
    assert [x["id"] for x in data["accounts"]] == ["a", "b", "c"]
    assert marks[("accounts", 2, "id")] == Mark("b.yaml", 2, 9)

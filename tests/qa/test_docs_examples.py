"""README.md and docs/*.md as tests: every documented command exists, every runnable example
runs on the sandbox and prints what the doc shows, every relative link and path resolves.

To add an example: put a fenced block in a doc with a marker on the line before it,
``<!-- docs-test: run -->`` (shown ``$ socialseed ...`` output is compared; ``...`` elides) or
``<!-- docs-test: parse (why it cannot run offline) -->``. See tests/qa/docs_blocks.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialseed.config.load import load_config
from socialseed.errors import ConfigError
from tests.qa import docs_cli
from tests.qa.docs_blocks import (
    DOC_FILES,
    ROOT,
    Block,
    blocks,
    command_blocks,
    inline_commands,
    parse_marker,
)
from tests.qa.docs_run import DocFolder, matches, prepare, run_block

BLOCKS = command_blocks()
RUN = [block for block in BLOCKS if block.marker and block.marker.mode == "run"]


def _id(block: Block) -> str:
    return block.where


def test_every_command_block_is_run_or_parsed() -> None:
    unmarked = [
        f"  {block.where}: {block.marker_error or 'no <!-- docs-test: ... --> marker above it'}"
        for block in BLOCKS
        if block.marker is None
    ]
    assert not unmarked, (
        "fenced blocks with socialseed commands must say how they are tested "
        "('run', or 'parse (reason)'):\n" + "\n".join(unmarked)
    )


def test_the_examples_cover_the_docs() -> None:
    """The reader found the blocks it should: a broken reader must not pass silently."""
    where = {block.where.split(":")[0] for block in BLOCKS}
    assert {"README.md", "docs/plan.md", "docs/review.md", "docs/sandbox.md"} <= where
    assert len(RUN) >= 5, [block.where for block in RUN]


@pytest.mark.parametrize("block", BLOCKS, ids=_id)
def test_documented_commands_exist(block: Block) -> None:
    found = [
        f"  {block.path.relative_to(ROOT)}:{step.line}: {problem}"
        for step in block.commands()
        for problem in docs_cli.problems(step.text)
    ]
    assert not found, "the doc names what the CLI does not have:\n" + "\n".join(found)


SYNOPSES = [block for block in BLOCKS if block.marker and block.marker.reason == "a usage synopsis"]


@pytest.mark.parametrize("block", SYNOPSES, ids=_id)
def test_usage_synopses_show_every_option(block: Block) -> None:
    found = docs_cli.left_out([step.text for step in block.commands()])
    assert not found, f"{block.where}: the synopsis is missing options the CLI has:\n" + "\n".join(
        found
    )


def test_inline_commands_exist() -> None:
    found = [
        f"  {where}: `{text}`: {problem}"
        for where, text in inline_commands()
        for problem in docs_cli.problems(text)
    ]
    assert not found, "the doc names what the CLI does not have:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("socialseed plans", "'socialseed' has no command 'plans'"),
        ("socialseed plan --colour", "'socialseed plan' has no option --colour"),
        ("socialseed plan [-f text|yaml]", "'socialseed plan -f' does not accept 'yaml'"),
        ("socialseed log [--json|--tsv]", "'socialseed log' has no option --tsv"),
        ("socialseed sandbox rest", "'socialseed sandbox' has no command 'rest'"),
        ("socialseed --state x.db plan --bogus", "'socialseed plan' has no option --bogus"),
        ("socialseed apply plan.json --max-wait", "'socialseed apply --max-wait' needs a value"),
    ],
)
def test_the_checker_finds_what_does_not_exist(line: str, problem: str) -> None:
    assert any(problem in found for found in docs_cli.problems(line)), docs_cli.problems(line)


def test_the_synopsis_check_finds_a_left_out_option() -> None:
    found = docs_cli.left_out(
        ["socialseed log [--account ID] [--json|--csv]", "socialseed log --last N"]
    )
    assert found == ["'socialseed log' has --since, which the synopsis leaves out"]


def test_shown_output_is_compared_with_elisions_only_where_the_doc_has_them() -> None:
    assert matches(
        "Plan p_1: 3 actions\n...\nRun with -v", "Plan p_1: 3 actions\nx\ny\nRun with -v"
    )
    assert matches("a  \nb", "a\nb   \n")  # padded table cells
    assert not matches("Plan p_1: 3 actions\nRun with -v", "Plan p_1: 3 actions\nx\nRun with -v")
    assert not matches("exit 1", "exit 2")


@pytest.mark.parametrize("body", ["skip", "parse", "parse ()", "run; keys review", "runs"])
def test_a_marker_must_say_how_and_why(body: str) -> None:
    with pytest.raises(ValueError, match="unknown docs-test marker"):
        parse_marker(body)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("docs-prepared"))


@pytest.mark.parametrize("block", RUN, ids=_id)
def test_example_runs_as_documented(block: Block, prepared: Path, tmp_path: Path) -> None:
    errors = run_block(block, DocFolder(prepared, tmp_path / "work"))
    assert not errors, "\n\n".join(errors)


# -- config fragments --------------------------------------------------------------------------
FRAGMENTS = [
    block
    for path in DOC_FILES
    for block in blocks(path)
    if block.lang in {"yaml", "yml"} and not (block.marker and block.marker.mode == "parse")
]


def _overlay(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """The fragment's keys over the base config: mappings merged, everything else replaced."""
    merged = dict(base)
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def _demo_with(fragment: str, folder: Path) -> Path:
    demo = yaml.safe_load((ROOT / "configs" / "demo" / "socialseed.yaml").read_text())
    config = folder / "socialseed.yaml"
    config.write_text(yaml.safe_dump(_overlay(demo, yaml.safe_load(fragment)), sort_keys=False))
    return config


@pytest.mark.parametrize("block", FRAGMENTS, ids=_id)
def test_config_fragments_are_valid(block: Block, tmp_path: Path) -> None:
    """A YAML example in the docs, put into the demo config, passes validation."""
    try:
        load_config(_demo_with("\n".join(block.body), tmp_path))
    except ConfigError as exc:
        pytest.fail(f"{block.where}: the example is not a valid config fragment:\n{exc}")


def test_the_fragment_check_finds_an_unknown_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sizee"):
        load_config(_demo_with("sandbox: {seed: 1, sizee: 50}", tmp_path))


# -- links and paths ---------------------------------------------------------------------------
_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
_REPO_PATH = re.compile(
    r"`(?P<path>(?:docs|examples|tests|configs|scripts|benchmarks|socialseed)/[\w./-]*)`"
)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {_slug(line.lstrip("#")) for line in lines if re.match(r"#{1,6} ", line)}


def _broken_links(doc: Path) -> list[str]:
    broken: list[str] = []
    text = doc.read_text(encoding="utf-8")
    for match in _LINK.finditer(text):
        target = match["target"]
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:: not a file of this repository
        file_part, _, anchor = target.partition("#")
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        line = text.count("\n", 0, match.start()) + 1
        where = f"{doc.relative_to(ROOT)}:{line}: {target}"
        if not resolved.is_relative_to(ROOT):
            broken.append(f"{where}: outside the repository")
        elif not resolved.exists():
            broken.append(f"{where}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{where}: no heading with anchor #{anchor}")
    for match in re.finditer(r"`(?P<path>\.\./[^`\s]*)`", text):
        line = text.count("\n", 0, match.start()) + 1
        broken.append(f"{doc.relative_to(ROOT)}:{line}: `{match['path']}`: outside the repository")
    for match in _REPO_PATH.finditer(text):
        if not (ROOT / match["path"]).exists() and not _generated(match["path"]):
            line = text.count("\n", 0, match.start()) + 1
            broken.append(f"{doc.relative_to(ROOT)}:{line}: `{match['path']}`: no such path")
    return broken


def _generated(path: str) -> bool:
    """A path git ignores (an install's node_modules, a venv) need not exist in a checkout."""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", path.rstrip("/") + "/"], cwd=ROOT, check=False
    )
    return ignored.returncode == 0


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_links_and_paths_resolve(doc: Path) -> None:
    broken = _broken_links(doc)
    assert not broken, "links or paths that lead nowhere:\n" + "\n".join(broken)


def test_the_link_check_finds_broken_links(tmp_path: Path) -> None:
    doc = ROOT / "docs" / "plan.md"
    assert _anchors(doc) >= {"what-happens-per-account", "exit-codes"}
    assert _slug("Planning: `socialseed plan` and `socialseed show`") == (
        "planning-socialseed-plan-and-socialseed-show"
    )

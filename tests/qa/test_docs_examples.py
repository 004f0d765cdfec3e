"""README.md and docs/*.md as tests: every documented command and option exists, usage
synopses show every option, runnable examples run on the sandbox and print what the doc shows,
YAML examples are valid config, relative links and repository paths resolve.

To add an example: put a fenced block in a doc with a marker on the line before it,
``<!-- docs-test: run -->`` (shown ``$ socialseed ...`` output is compared; ``...`` elides) or
``<!-- docs-test: parse (why it cannot run offline) -->``. See tests/qa/docs_blocks.py.
"""

from __future__ import annotations

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
from tests.qa.docs_links import broken_links, slug
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
    assert matches("saved plan p_3a5b4aba51a5", "saved plan p_2451fdb598a9")  # ids are hashes
    assert not matches("saved plan p_3a5b4aba51a5", "saved plan p_2451")


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
@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_links_and_paths_resolve(doc: Path) -> None:
    broken = broken_links(doc)
    assert not broken, "links or paths that lead nowhere:\n" + "\n".join(broken)


def test_the_link_check_finds_broken_links() -> None:
    doc = ROOT / "docs" / "example.md"  # not written: the text is handed over
    text = (
        "See [the design](../../shared/DESIGN.md), [plans](plan.md#exit-codes),\n"
        "[gone](gone.md), [no heading](plan.md#no-such-heading), `../shared/STYLE.md`,\n"
        "`configs/demo/socialseed.yaml`, `configs/nothing.yaml`, `tests/peers/bsky/node_modules/`.\n"
    )
    assert broken_links(doc, text) == [
        "docs/example.md:1: ../../shared/DESIGN.md: outside the repository",
        "docs/example.md:2: gone.md: no such file",
        "docs/example.md:2: plan.md#no-such-heading: no heading with anchor #no-such-heading",
        "docs/example.md:2: `../shared/STYLE.md`: outside the repository",
        "docs/example.md:3: `configs/nothing.yaml`: no such path",
    ]
    assert slug("Planning: `socialseed plan` and `socialseed show`") == (
        "planning-socialseed-plan-and-socialseed-show"
    )

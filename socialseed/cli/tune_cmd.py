"""tune: config changes the account's outcomes support, as a unified diff of the YAML files.

Offline: it reads the state's judged follows per source (plan.tune decides), edits the YAML
with comments and formatting kept (config.yaml_edit), checks that the changed config still
loads, prints the reasons and the diff, and changes files only with ``--write``.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ConfigError

if TYPE_CHECKING:
    from socialseed.config.schema import Config
    from socialseed.plan.tune import Change, Judged


def tune(
    ctx: typer.Context,
    config: ConfigOpt = None,
    account: Annotated[
        str | None, typer.Option("--account", "-a", help="Only this account's outcomes.")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Write the changes to the YAML files.")
    ] = False,
    no_ai: Annotated[
        bool,
        typer.Option("--no-ai", help="No AI rationale, even with a scoring provider set."),
    ] = False,
) -> None:
    """Propose config changes from the outcomes per source (a unified diff; --write applies)."""
    from socialseed.config.yaml_edit import unified_diff
    from socialseed.plan import tune as rules
    from socialseed.plan.tune_inputs import judged_follows

    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    known = [a.id for a in cfg.accounts]
    if account is not None and account not in known:
        raise ConfigError(
            [f"--account: no account {account!r} in the config"],
            hint=f"accounts in the config: {', '.join(known)}",
        )
    judged = judged_follows(
        app_ctx.db,
        cfg,
        [a.id for a in cfg.accounts if account in (None, a.id)],
        app_ctx.clock.now(),
    )
    changes = rules.suggest(cfg, judged)
    if not changes:
        _nothing(app_ctx, judged)
        return
    path = app_ctx.config_path(config)
    files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    edited = _edit(texts, changes)
    _validate(path, files, edited)
    for line in rules.describe(changes):
        app_ctx.err.print(line, markup=False, emoji=False)
    if not no_ai:
        _rationale(app_ctx, cfg, changes)
    for f in files:
        if edited[f] != texts[f]:
            typer.echo(unified_diff(texts[f], edited[f], str(f)), nl=False)
            if write:
                f.write_text(edited[f], encoding="utf-8")
    app_ctx.err.print(
        "written; the next plan uses it" if write else "nothing written (use --write to apply)",
        markup=False,
        emoji=False,
    )


def _nothing(app_ctx: context.AppContext, judged: Sequence[Judged]) -> None:
    from socialseed.plan import tune as rules
    from socialseed.state.growth import MATURE_DAYS

    app_ctx.err.print(
        f"no changes proposed: {len(judged)} judged follow(s); a source or filter band needs "
        f"{rules.MIN_FOLLOWS} judged follows (made {MATURE_DAYS}+ days ago), and a 95% "
        "interval of its follow-back against the rest wholly under 1, before tune changes it",
        markup=False,
        emoji=False,
    )
    for (targeting, source), rate in rules.rates_by_source(judged).items():
        app_ctx.err.print(
            f"  {targeting}: source {source}: {rate.text()}", markup=False, emoji=False
        )


def _edit(texts: Mapping[Path, str], changes: Sequence[Change]) -> dict[Path, str]:
    """Each file's text with the changes of the targetings it defines."""
    from socialseed.config.yaml_edit import edit_targeting, has_targeting

    edited = dict(texts)
    for name in sorted({c.targeting for c in changes}):
        mine = [c for c in changes if c.targeting == name]
        home = next(f for f in edited if has_targeting(edited[f], name))
        edited[home] = edit_targeting(
            edited[home],
            name,
            drop=[c.target for c in mine if c.kind == "drop"],
            limits={c.target: int(c.value) for c in mine if c.kind == "limit" and c.value},
            filters={c.target: c.value for c in mine if c.kind == "filter" and c.value is not None},
            keywords=[c.target for c in mine if c.kind == "keyword"],
        )
    return edited


def _rationale(app_ctx: context.AppContext, cfg: Config, changes: Sequence[Change]) -> None:
    """A short written rationale from the first changed targeting's AI provider, shown beside
    the changes (it never changes them); nothing when every targeting scores heuristically."""
    import asyncio

    from socialseed.report.terminal import one_line
    from socialseed.scoring.router import HEURISTIC, ScoringDeps, build_rationale
    from socialseed.state.ai import SqliteScoringStore

    providers = [
        cfg.targeting[c.targeting].scoring.provider
        for c in changes
        if cfg.targeting[c.targeting].scoring.provider != HEURISTIC
    ]
    if not providers:
        return
    deps = ScoringDeps(env=app_ctx.env, clock=app_ctx.clock, store=SqliteScoringStore(app_ctx.db))
    writer = build_rationale(providers[0], cfg.scoring, deps)
    found = asyncio.run(writer.write([c.describe() for c in changes]))
    if found.text is None:
        why = "; ".join(writer.report.notes) or "no provider answered"
        app_ctx.err.print(f"no AI rationale: {one_line(why)}", markup=False, emoji=False)
        return
    spent = f"${writer.report.cost_usd:.4f}"
    app_ctx.err.print(
        f"rationale (AI, {found.provider}, {spent}): {one_line(found.text)}",
        markup=False,
        emoji=False,
    )


def _validate(path: Path, files: list[Path], edited: dict[Path, str]) -> None:
    """Load the changed config from a copy: a change that does not validate is never shown."""
    import tempfile

    from socialseed.config.load import load_config

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / path.name
        if path.is_dir():
            shutil.copytree(path, root)
            for f in files:
                (root / f.name).write_text(edited[f], encoding="utf-8")
        else:
            root.write_text(edited[path], encoding="utf-8")
        load_config(root)


def register(app: typer.Typer) -> None:
    app.command()(tune)

"""tune: config changes the account's outcomes support, as a unified diff of the YAML files.

Offline: it reads the state's judged follows per source (plan.tune decides), edits the YAML
with comments and formatting kept (config.yaml_edit), checks that the changed config still
loads, prints the reasons and the diff, and changes files only with ``--write``.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ConfigError


def tune(
    ctx: typer.Context,
    config: ConfigOpt = None,
    account: Annotated[
        str | None, typer.Option("--account", "-a", help="Only this account's outcomes.")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Write the changes to the YAML files.")
    ] = False,
) -> None:
    """Propose config changes from the outcomes per source (a unified diff; --write applies)."""
    from socialseed.config.yaml_edit import edit_sources, has_targeting, unified_diff
    from socialseed.plan import tune as rules
    from socialseed.state import growth as growth_store

    app_ctx = context.get(ctx)
    cfg = app_ctx.load_config(config)
    known = [a.id for a in cfg.accounts]
    if account is not None and account not in known:
        raise ConfigError(
            [f"--account: no account {account!r} in the config"],
            hint=f"accounts in the config: {', '.join(known)}",
        )
    now = app_ctx.clock.now()
    judged_before = now - timedelta(days=growth_store.MATURE_DAYS)
    rows = [
        (r.targeting, r.source, r.followed_back)
        for a in cfg.accounts
        if account in (None, a.id)
        for r in growth_store.labelled(app_ctx.db, a.id, made_before=judged_before)
    ]
    outcomes = rules.outcomes_by_source(rows)
    changes = rules.suggest(cfg, outcomes)
    if not changes:
        app_ctx.err.print(
            f"no changes proposed: {len(rows)} judged follow(s); a source needs "
            f"{rules.MIN_FOLLOWS} judged follows (made {growth_store.MATURE_DAYS}+ days ago) "
            "before tune compares it",
            markup=False,
        )
        for outcome in outcomes:
            app_ctx.err.print(f"  {outcome.targeting}: {outcome.text()}", markup=False)
        return
    path = app_ctx.config_path(config)
    files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    edited = dict(texts)
    for name in sorted({c.targeting for c in changes}):
        mine = [c for c in changes if c.targeting == name]
        home = next(f for f in files if has_targeting(edited[f], name))
        edited[home] = edit_sources(
            edited[home],
            name,
            [c.source for c in mine if c.kind == "drop"],
            {c.source: c.limit for c in mine if c.kind == "limit" and c.limit is not None},
        )
    _validate(path, files, edited)
    for line in rules.describe(changes):
        app_ctx.err.print(line, markup=False)
    for f in files:
        if edited[f] != texts[f]:
            typer.echo(unified_diff(texts[f], edited[f], str(f)), nl=False)
            if write:
                f.write_text(edited[f], encoding="utf-8")
    app_ctx.err.print(
        "written; the next plan uses it" if write else "nothing written (use --write to apply)",
        markup=False,
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

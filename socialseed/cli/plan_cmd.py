"""``socialseed plan`` and ``socialseed show``: make a dry-run plan, or show a saved one.

Thin: parse, call ``socialseed.plan.run``, render (``socialseed.report``), map errors.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.files import write_output
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_CHANGES, EXIT_PARTIAL, PlanFileError

if TYPE_CHECKING:
    from datetime import datetime

    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Account, Config
    from socialseed.model import Action, Capabilities
    from socialseed.model.plan import Plan
    from socialseed.plan.run import ConversationsFor, FailedAccount, PlanOptions, PlanRun
    from socialseed.platforms.base import Platform
    from socialseed.scoring.base import ScoringReport
    from socialseed.scoring.budget import SpendMeter
    from socialseed.scoring.drafter import Drafter


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="text (terminal), json, or markdown (PR comment).")
]
VerboseOpt = Annotated[
    bool, typer.Option("-v", "--verbose", help="Show why each action was proposed.")
]
ProfilesOpt = Annotated[
    bool,
    typer.Option(
        "--include-profiles", help="Include profile data (bios) in JSON and Markdown output."
    ),
]


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("show")(show)


def plan(
    ctx: typer.Context,
    config: ConfigOpt = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the plan JSON to this file.")
    ] = None,
    account: Annotated[
        list[str] | None,
        typer.Option(
            "--account", metavar="ID", help="Plan only this account (repeat).", show_default=False
        ),
    ] = None,
    exclude_account: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-account",
            metavar="ID",
            help="Leave this account out (repeat).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    detailed_exitcode: Annotated[
        bool,
        typer.Option(
            "--detailed-exitcode",
            help="Exit 0 when there are no changes, 2 when there are (1 error, 3 unsafe, "
            "4 no account could authenticate, 7 some could not: the others were planned).",
        ),
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Read discovery sources again, ignoring the cache.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Go past thresholds (never past approvals or platform rules)."
        ),
    ] = False,
    verbose: VerboseOpt = False,
    include_profiles: ProfilesOpt = False,
    read_only_state: Annotated[
        bool,
        typer.Option(
            "--read-only-state",
            help="Plan against the state without writing it: a read-only copy takes the "
            "plan's own writes (env SOCIALSEED_STATE_READONLY=1; a pull request's plan).",
        ),
    ] = False,
) -> None:
    """Discover, filter, score and propose actions within today's caps. Changes nothing remote."""
    from socialseed.plan.run import PlanOptions

    app_ctx = context.get(ctx)
    app_ctx.read_only_state = app_ctx.read_only_state or read_only_state
    cfg = app_ctx.load_config(config)
    options = PlanOptions(
        accounts=tuple(_split(account)),
        exclude=tuple(_split(exclude_account)),
        refresh=refresh,
        force=force,
        author=app_ctx.reviewer(None) if cfg.policy.reviewers else None,
    )
    run, approved = make_and_record(app_ctx, cfg, options, path=_path(output))
    made = run.plan
    if output is not None:
        from socialseed.report.plan_render import render_json

        text = render_json(made, include_profiles=include_profiles)
        write_output(output, text, what="plan", flag="-o")
    _render(app_ctx, made, fmt, verbose=verbose, include_profiles=include_profiles)
    _next_steps(app_ctx, made, output, approved)
    if run.failed:
        _partial(app_ctx, run.failed, planned=len(made.accounts))
    if detailed_exitcode and made.actions:
        raise typer.Exit(EXIT_CHANGES)


def show(
    ctx: typer.Context,
    plan_ref: Annotated[
        str | None,
        typer.Argument(
            metavar="PLAN",
            help="A plan file or a saved plan id (a prefix will do).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    list_plans: Annotated[bool, typer.Option("--list", help="List the saved plans.")] = False,
    verbose: VerboseOpt = False,
    include_profiles: ProfilesOpt = False,
) -> None:
    """Show a plan file or a saved plan (or list saved plans with --list)."""
    app_ctx = context.get(ctx)
    if list_plans:
        _list(app_ctx, fmt)
        return
    if plan_ref is None:
        raise PlanFileError(
            "show needs a plan file or a saved plan id",
            hint="list saved plans with 'socialseed show --list'",
        )
    loaded = _load(app_ctx, plan_ref)
    from socialseed.state.decisions import decision_labels

    labels = decision_labels(app_ctx.db, loaded.id, app_ctx.clock.now())
    _render(
        app_ctx, loaded, fmt, verbose=verbose, include_profiles=include_profiles, decisions=labels
    )


# -- helpers -------------------------------------------------------------------------------------
def make_and_record(
    app_ctx: AppContext, cfg: Config, options: PlanOptions, *, path: str | None
) -> tuple[PlanRun, int]:
    """Make a plan (discovery, scoring, the pure planner), record it with the policy's
    auto-approvals and print its messages; also ``apply --replan-if-stale``'s fresh plan."""
    import asyncio

    from socialseed.cli.platform_deps import PlatformBuilder, capabilities
    from socialseed.plan.run import Runtime, make_plan, record
    from socialseed.report.terminal import clean

    builder = PlatformBuilder(app_ctx, cfg)
    runtime = Runtime(
        db=app_ctx.db,
        clock=app_ctx.clock,
        platform_for=builder,
        capabilities_for=capabilities,
        env=app_ctx.env,
        conversations_for=_conversations(app_ctx, cfg),
        prepare_platform=builder.prepare,
    )
    run = asyncio.run(make_plan(cfg, runtime, options))
    approved = record(app_ctx.db, run.plan, cfg, now=app_ctx.clock.now(), path=path)
    for message in run.messages:
        app_ctx.err.print(clean(message), markup=False)
    return run, approved


def _conversations(app_ctx: AppContext, cfg: Config) -> ConversationsFor:
    """The inbox's actions for each account (read, sorted, drafted, guarded); an account
    without a rule set has none (and the conversation modules are not loaded for it)."""
    from socialseed.conversations import has_rule_set

    async def for_account(
        account: Account,
        caps: Capabilities,
        platform: Platform,
        now: datetime,
        meter: SpendMeter | None,
    ) -> tuple[list[Action], list[str], ScoringReport | None]:
        if not has_rule_set(cfg, account):
            return [], [], None
        from socialseed.conversations.propose import propose

        drafter = _drafter(app_ctx, cfg, account, meter)
        found = await propose(app_ctx.db, cfg, account, caps, platform, now, drafter)
        return found.actions, found.notes, found.ai

    return for_account


def _drafter(
    app_ctx: AppContext, cfg: Config, account: Account, meter: SpendMeter | None
) -> Drafter | None:
    """The AI drafter of the account's rule set (``ai_provider``), on the plan's budget."""
    rule_set = cfg.conversations.get(account.conversations or "")
    if rule_set is None or rule_set.ai_provider is None:
        return None
    from socialseed.scoring.router import ScoringDeps, build_drafter
    from socialseed.state.ai import SqliteScoringStore

    deps = ScoringDeps(
        env=app_ctx.env, clock=app_ctx.clock, store=SqliteScoringStore(app_ctx.db), meter=meter
    )
    return build_drafter(rule_set.ai_provider, cfg.scoring, deps)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _path(output: Path | None) -> str | None:
    return str(output) if output is not None else None


def _load(app_ctx: AppContext, ref: str) -> Plan:
    """A plan file or a saved plan id, read the same way review and apply read it."""
    from socialseed.review import open_plan

    return open_plan(app_ctx.db, ref)


def _render(
    app_ctx: AppContext,
    made: Plan,
    fmt: Format,
    *,
    verbose: bool,
    include_profiles: bool,
    decisions: dict[str, str] | None = None,
) -> None:
    if fmt is Format.json:
        from socialseed.report.plan_render import render_json

        typer.echo(render_json(made, include_profiles=include_profiles), nl=False)
    elif fmt is Format.markdown:
        from socialseed.report.plan_markdown import render_markdown

        typer.echo(render_markdown(made, include_profiles=include_profiles), nl=False)
    else:
        from socialseed.report.plan_render import plain_output, render_text

        lines = render_text(made, verbose=verbose, decisions=decisions)
        text = plain_output(app_ctx.out, lines)
        if text is not None:  # no terminal: the same text, written at once
            app_ctx.out.file.write(text)
            app_ctx.out.file.flush()
        else:  # one call, the same text: half the time of one a line
            app_ctx.out.print(*lines, sep="\n")


def _next_steps(app_ctx: AppContext, made: Plan, output: Path | None, approved: int) -> None:
    if output is not None:
        app_ctx.err.print(f"wrote {output}", markup=False)
    if app_ctx.read_only:
        app_ctx.err.print(
            f"read-only state: planned against {app_ctx.state.shown} without writing "
            "it; the plan is not saved there (review and apply record the plan file)",
            markup=False,
        )
        return
    if approved:
        app_ctx.err.print(f"policy auto-approved {approved} action(s) (policy.auto_approve)")
    if made.actions:
        app_ctx.err.print(
            f"saved plan {made.id}; next: socialseed review {made.id}, then "
            f"socialseed apply {made.id} (dry run until then)",
            markup=False,
        )


def _partial(app_ctx: AppContext, failed: list[FailedAccount], *, planned: int) -> None:
    """Name each account that could not authenticate, with its fix; exit 7 (partial)."""
    from socialseed.redact import scrub
    from socialseed.report.terminal import clean

    app_ctx.err.print(
        f"Error: {len(failed)} account(s) could not authenticate and were not planned; "
        f"the plan covers the other {planned}:",
        markup=False,
    )
    for item in failed:
        hint = f"\n    fix: {item.error.hint}" if item.error.hint else ""
        app_ctx.err.print(
            clean(scrub(f"  {item.account}: {item.error.message}{hint}")), markup=False
        )
    raise typer.Exit(EXIT_PARTIAL)


def _list(app_ctx: AppContext, fmt: Format) -> None:
    import json

    from socialseed.report.plan_list import render_rows
    from socialseed.state.plans import saved_plans

    rows = saved_plans(app_ctx.db)
    if fmt is Format.json:
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    for line in render_rows(rows):
        app_ctx.out.print(line, markup=False)

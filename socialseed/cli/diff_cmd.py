"""``socialseed diff BASE HEAD``: what a config change does to the plan (the PR comment).

Reads two plans (files, or saved plan ids), renders the actions added, removed and changed;
``--failure CODE --log FILE`` renders the comment that replaces a plan when the run failed.
Reads only: a plan file is not recorded in the state.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.plan_cmd import Format
from socialseed.errors import PlanFileError, SocialSeedError

if TYPE_CHECKING:
    from socialseed.cli.context import AppContext
    from socialseed.model.plan import Plan
    from socialseed.report.diff_markdown import Where

EMPTY = "none"  # BASE when there is no base plan (the config is new in this change)


def diff(
    ctx: typer.Context,
    base: Annotated[
        str | None,
        typer.Argument(
            help=f"The base plan: a plan file or a saved plan id ('{EMPTY}': no base plan).",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(help="The head plan: a plan file or a saved plan id.", show_default=False),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text, json, or markdown (the PR comment).")
    ] = Format.text,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Same as --format markdown.")
    ] = False,
    sha: Annotated[
        str | None,
        typer.Option("--sha", help="The head commit (default: GITHUB_SHA).", show_default=False),
    ] = None,
    artifact: Annotated[
        str, typer.Option("--artifact", help="The name of the artifact that holds the plan.")
    ] = "socialseed-plan",
    artifact_url: Annotated[
        str | None,
        typer.Option(
            "--artifact-url",
            help="A link to the plan artifact (default: the run's artifacts).",
            show_default=False,
        ),
    ] = None,
    failure: Annotated[
        int | None,
        typer.Option(
            "--failure",
            metavar="EXIT_CODE",
            help="Render the failure comment for a plan that exited with this code.",
            show_default=False,
        ),
    ] = None,
    log: Annotated[
        Path | None,
        typer.Option("--log", help="The failed run's log (its end is shown).", show_default=False),
    ] = None,
) -> None:
    """Compare two plans: actions added, removed and changed per account, verb and risk."""
    app_ctx = context.get(ctx)
    chosen = Format.json if as_json else Format.markdown if as_markdown else fmt
    where = _where(app_ctx, sha, artifact, artifact_url, head)
    if failure is not None:
        _failure(failure, log, where)
        return
    if base is None or head is None:
        raise SocialSeedError(
            "diff needs two plans: BASE and HEAD (or --failure EXIT_CODE --log FILE)",
            hint=f"for example: socialseed diff base.json head.json (BASE '{EMPTY}' when the "
            "base has no plan)",
        )
    from socialseed.model.plan_diff import diff_plans

    head_plan = _load(app_ctx, head)
    base_plan = _empty_like(head_plan) if base == EMPTY else _load(app_ctx, base)
    made = diff_plans(base_plan, head_plan)
    if chosen is Format.json:
        from socialseed.report.diff_render import render_diff_json

        typer.echo(render_diff_json(made), nl=False)
    elif chosen is Format.markdown:
        from socialseed.report.diff_markdown import render_diff_markdown

        typer.echo(render_diff_markdown(made, where), nl=False)
    else:
        from socialseed.report.diff_render import render_diff_text

        for line in render_diff_text(made):
            app_ctx.out.print(line, markup=False, highlight=False)


def _where(
    app_ctx: AppContext, sha: str | None, artifact: str, artifact_url: str | None, head: str | None
) -> Where:
    """The commit, run and artifact, from the flags or GitHub Actions' variables."""
    from socialseed.report.diff_markdown import Where

    env = app_ctx.env
    server, repo, run_id = (
        env.get("GITHUB_SERVER_URL", ""),
        env.get("GITHUB_REPOSITORY", ""),
        env.get("GITHUB_RUN_ID", ""),
    )
    run_url = f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else ""
    plan_file = Path(head).name if head and Path(head).is_file() else ""
    return Where(
        sha=sha if sha is not None else env.get("GITHUB_SHA", ""),
        run_url=run_url,
        run_id=run_id,
        repository=repo,
        artifact=artifact,
        artifact_url=artifact_url or "",
        plan_file=plan_file,
    )


def _failure(code: int, log: Path | None, where: Where) -> None:
    from socialseed.report.diff_markdown import render_failure_markdown

    text = ""
    if log is not None:
        try:
            text = log.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise SocialSeedError(
                f"cannot read the log {log}: {exc.strerror}",
                hint="pass the file the failed step wrote its output to with --log",
            ) from exc
    typer.echo(render_failure_markdown(code, text, where), nl=False)


def _load(app_ctx: AppContext, ref: str) -> Plan:
    """A plan file, or a saved plan id (a unique prefix will do). Nothing is written."""
    from socialseed.model.plan import Plan

    path = Path(ref)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PlanFileError(f"{ref}: cannot read it ({exc.strerror})") from exc
        return Plan.from_json(text, source=ref)
    if "/" in ref or ref.endswith(".json"):
        raise PlanFileError(
            f"{ref}: no such plan file", hint="make one with 'socialseed plan -o FILE'"
        )
    from socialseed.state.plans import load_plan

    return load_plan(app_ctx.db, ref)


def _empty_like(head: Plan) -> Plan:
    from socialseed.model.plan import Plan

    return Plan(
        [],
        created_at=head.created_at,
        expires_at=head.expires_at,
        config_sha256="",
        accounts=[],
    )


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)

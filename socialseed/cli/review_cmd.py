"""``socialseed review``: a person decides on each proposed action; every decision is kept.

Thin: parse, build a ``ReviewSession`` (socialseed.review), call it, render, map errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_ERROR, EXIT_INTERRUPTED, ApprovalError, ConfigError

if TYPE_CHECKING:
    from rich.console import Console

    from socialseed.auth.signing import Signer
    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Config
    from socialseed.model import Decision, Risk
    from socialseed.model.plan import Plan
    from socialseed.review import BulkResult, Card, ReviewSession

PlanArg = Annotated[
    str | None,
    typer.Argument(
        help="A plan file, or a saved plan id (a unique prefix will do). Default: the latest plan.",
        metavar="PLAN",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command("review")(review)


def review(
    ctx: typer.Context,
    plan: PlanArg = None,
    config: ConfigOpt = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who decides (default: SOCIALSEED_REVIEWER, else git user.email)."),
    ] = None,
    approve: Annotated[
        list[str] | None,
        typer.Option(
            "--approve",
            metavar="ID",
            help="Approve actions by id (repeat, or ID,ID).",
            show_default=False,
        ),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option(
            "--reject",
            metavar="ID",
            help="Reject actions by id (repeat, or ID,ID).",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Why: recorded with each decision; required to override.")
    ] = None,
    override: Annotated[
        bool, typer.Option("--override", help="Allow approving red actions (needs --reason).")
    ] = False,
    approve_risk: Annotated[
        str | None,
        typer.Option(
            "--approve-risk",
            metavar="LEVEL",
            help="Approve pending actions at this risk or lower (green|yellow), where the "
            "platform's pack allows bulk approval; requires_human verbs are refused.",
        ),
    ] = None,
    choice: Annotated[
        int | None,
        typer.Option(
            "--choice",
            metavar="N",
            help="With --approve of one reply: approve its alternative N (default 1).",
            show_default=False,
        ),
    ] = None,
    text_file: Annotated[
        Path | None,
        typer.Option(
            "--text-file",
            metavar="FILE",
            help="With --approve of one reply: approve the text in FILE instead ('-' reads "
            "stdin); it must pass the rule set's guards and is recorded as an edit of "
            "--choice (default 1).",
            show_default=False,
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the pending actions.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    rejected: Annotated[
        bool,
        typer.Option(
            "--rejected",
            help="List the standing rejections (per account: verb, target, who, when, why).",
        ),
    ] = False,
    sign_with: Annotated[
        Path | None,
        typer.Option(
            "--sign-with",
            metavar="KEY",
            help="Sign each decision with this Ed25519 private key (e.g. ~/.ssh/id_ed25519); "
            "required for reviewers listed with a key in policy.reviewers. A passphrase comes "
            "from SOCIALSEED_SIGN_PASSPHRASE.",
            show_default=False,
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            metavar="FILE",
            help="Record the decisions in a decisions file (YAML; see docs/review.md), each "
            "checked and its signature verified; all or nothing.",
            show_default=False,
        ),
    ] = None,
    from_github_event: Annotated[
        str | None,
        typer.Option(
            "--from-github-event",
            metavar="PATH",
            help="Record the decisions of a pull request comment or review (a GitHub "
            "issue_comment or pull_request_review event payload; an empty PATH reads "
            "$GITHUB_EVENT_PATH): '/socialseed approve ID...' and '/socialseed reject ID... "
            "reason' lines, by the commenter's GitHub login; all or nothing.",
            show_default=False,
        ),
    ] = None,
    lift: Annotated[
        tuple[str, str, str] | None,
        typer.Option(
            "--lift",
            metavar="ACCOUNT VERB TARGET",
            help="Lift a standing rejection (needs --reason; audited): later plans may "
            "propose it again.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Decide on each proposed action of a plan: interactively, or by id with flags.

    Keys: a approve, r reject, s skip, b back, d details, g approve remaining green (where
    allowed), q quit, ? help; on a reply, 1/2/3 pick an alternative and e edits the chosen text
    ($EDITOR, else a prompt). Decisions are recorded at once; run again to resume.
    """
    from socialseed import review as core

    app_ctx = context.get(ctx)
    if rejected or lift:
        _rejections(app_ctx, lift, reason=reason, reviewer=reviewer, json_=json_)
        return
    the_plan = core.open_plan(app_ctx.db, plan)
    if from_file is not None:
        from socialseed.cli.decisions_file import record_file

        session = _session(app_ctx, the_plan, config, None)
        record_file(app_ctx, session, app_ctx.load_config(config), from_file, json_=json_)
        return
    if from_github_event is not None:
        from socialseed.cli.decisions_file import record_event

        event_path = _event_path(app_ctx, from_github_event)
        session = _session(app_ctx, the_plan, config, None)
        record_event(app_ctx, session, app_ctx.load_config(config), event_path, json_=json_)
        return
    approve_ids, reject_ids = core.split_ids(approve), core.split_ids(reject)
    deciding = bool(approve_ids or reject_ids or approve_risk)
    if (choice is not None or text_file is not None) and not approve_ids:
        raise ApprovalError(
            "--choice and --text-file go with --approve of one reply",
            hint="e.g. socialseed review PLAN --approve ID --choice 2",
        )
    if list_ and deciding:
        raise ApprovalError(
            "--list cannot be combined with --approve, --reject or --approve-risk",
            hint="list first, then decide in a second command",
        )
    if list_ or (not deciding and not app_ctx.interactive):
        _list(app_ctx, the_plan, config, json_=json_, explicit=list_)
        return
    session = _session(app_ctx, the_plan, config, reviewer, sign_with)
    if deciding:
        reply = _ReplyFlags(choice, _read_text(text_file) if text_file else None)
        _decide_flags(
            app_ctx, session, approve_ids, reject_ids, reason, override, approve_risk, json_, reply
        )
    else:
        _interactive(app_ctx, session, override=override, reason=reason or "")


def _event_path(app_ctx: AppContext, given: str) -> Path:
    path = given or app_ctx.env.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise ApprovalError(
            "--from-github-event has no PATH and GITHUB_EVENT_PATH is not set",
            hint="give the event payload file: --from-github-event event.json",
        )
    return Path(path)


# -- building the session ----------------------------------------------------------------------
def _session(
    app_ctx: AppContext,
    plan: Plan,
    config_path: Path | None,
    reviewer: str | None,
    sign_with: Path | None = None,
) -> ReviewSession:
    from socialseed import review as core
    from socialseed.auth.approvals import Team
    from socialseed.config.digest import config_digest
    from socialseed.config.schema import parse_duration
    from socialseed.conversations.caps import author_cap
    from socialseed.conversations.guards import text_guard

    config = app_ctx.load_config(config_path)
    check = core.freshness_guard(app_ctx.db, plan, config_sha256=config_digest(config))
    check(app_ctx.clock.now())
    return core.ReviewSession(
        app_ctx.db,
        plan,
        clock=app_ctx.clock,
        reviewer=app_ctx.reviewer(reviewer),
        approval_ttl=timedelta(seconds=parse_duration(config.policy.approval_ttl)),
        gate=core.platform_gates(config),
        check=check,
        reply_guard=text_guard(config),
        reply_cap=author_cap(config, app_ctx.db, app_ctx.clock, approved=True),
        team=Team.of(config),
        signer=_signer(app_ctx, sign_with),
    )


def _signer(app_ctx: AppContext, path: Path | None) -> Signer | None:
    if path is None:
        return None
    from socialseed.auth.signing import load_signer

    return load_signer(path, app_ctx.env.get("SOCIALSEED_SIGN_PASSPHRASE"), app_ctx.env)


def _optional_config(app_ctx: AppContext, given: Path | None) -> Config | None:
    """The config for a listing: required when named, else used only when found."""
    if given is None and not app_ctx.config_path(None).exists():
        return None
    try:
        return app_ctx.load_config(given)
    except ConfigError:
        if given is not None:
            raise
        return None


# -- listing -----------------------------------------------------------------------------------
def _list(
    app_ctx: AppContext, plan: Plan, config_path: Path | None, *, json_: bool, explicit: bool
) -> None:
    from socialseed import review as core
    from socialseed.auth.approvals import Team
    from socialseed.config.digest import config_digest
    from socialseed.report import review_card
    from socialseed.report.terminal import json_text

    config = _optional_config(app_ctx, config_path)
    now = app_ctx.clock.now()
    digest = config_digest(config) if config is not None else None
    stale = core.stale_reasons(app_ctx.db, plan, now=now, config_sha256=digest)
    session = core.ReviewSession(
        app_ctx.db,
        plan,
        clock=app_ctx.clock,
        reviewer="",
        approval_ttl=timedelta(0),
        gate=core.platform_gates(config),
        team=Team.of(config),  # an action awaiting a second reviewer is pending
    )
    pending, progress = session.pending(), session.progress()
    rejected = _plan_rejections(app_ctx, plan)
    if json_:
        data = _list_data(plan, session, stale) | {"rejections": rejected}  # remote text
        typer.echo(json_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)))
    elif pending:
        app_ctx.out.print(review_card.pending_table(pending, session.gate))
    err = app_ctx.err
    err.print(f"plan {plan.id}: {progress}", markup=False)
    if rejected and not json_:
        err.print(
            f"standing rejections of this plan's accounts ({len(rejected)}), left out of every "
            "plan until lifted with 'socialseed review --lift ACCOUNT VERB TARGET --reason R':",
            markup=False,
        )
        for line in review_card.rejection_lines(rejected):
            err.print(line, markup=False)
    for problem in stale:
        err.print(f"warning: the plan is stale: {problem}; decisions will be refused", markup=False)
    if explicit or not pending:
        return
    err.print(
        "not a terminal (or --no-input), so nothing was decided.\n"
        f"  hint: decide by id with 'socialseed review {plan.id} --approve ID' or "
        "'--reject ID --reason R', or run 'socialseed review' in a terminal",
        markup=False,
    )
    raise typer.Exit(EXIT_ERROR)


def _plan_rejections(app_ctx: AppContext, plan: Plan) -> list[dict[str, object]]:
    from socialseed.review.lifting import standing

    accounts = {a.account for a in plan.accounts} | {a.account for a in plan.actions}
    return [r.to_data() for r in standing(app_ctx.db) if r.account in accounts]


def _list_data(plan: Plan, session: ReviewSession, stale: list[str]) -> dict[str, Any]:
    from socialseed.clock import iso

    pending = []
    for action in session.pending():
        gate = session.gate(action)
        item = action.to_data()
        item["needs_person"] = gate.requires_human
        item["bulk_ok"] = gate.bulk_ok
        pending.append(item)
    return {
        "plan": session.plan_id,
        "expires_at": iso(plan.expires_at),
        "stale": stale,
        "progress": session.progress().to_data(),
        "pending": pending,
    }


# -- standing rejections ----------------------------------------------------------------------
def _rejections(
    app_ctx: AppContext,
    lift: tuple[str, str, str] | None,
    *,
    reason: str | None,
    reviewer: str | None,
    json_: bool,
) -> None:
    """``--rejected`` lists the standing rejections; ``--lift`` lifts one."""
    from socialseed.review.lifting import lift_rejection, standing

    if lift is None:
        rows = [r.to_data() for r in standing(app_ctx.db)]
        if json_:
            typer.echo(json.dumps({"rejections": rows}, indent=2, sort_keys=True))
        else:
            from socialseed.report.review_card import rejection_lines

            for line in rejection_lines(rows):
                app_ctx.out.print(line, markup=False)
        app_ctx.err.print(
            f"{len(rows)} standing rejection(s); lift one with 'socialseed review --lift "
            "ACCOUNT VERB TARGET --reason R'",
            markup=False,
        )
        return
    account, verb, target = lift
    by = app_ctx.reviewer(reviewer)
    now = app_ctx.clock.now()
    found = lift_rejection(app_ctx.db, account, verb, target, by=by, reason=reason or "", now=now)
    from socialseed.clock import iso
    from socialseed.report.terminal import one_line

    if json_:
        lifted = {"lifted_at": iso(now), "lifted_by": by, "lift_reason": (reason or "").strip()}
        typer.echo(json.dumps(found.to_data() | lifted, indent=2, sort_keys=True))
    app_ctx.err.print(
        f"lifted the rejection of {found.verb} @{one_line(found.target_handle.lstrip('@'))} "
        f"for {one_line(found.account)} ({one_line(found.describe())}); the next plan may "
        "propose it again",
        markup=False,
    )


# -- deciding with flags -----------------------------------------------------------------------
def _decide_flags(
    app_ctx: AppContext,
    session: ReviewSession,
    approve_ids: list[str],
    reject_ids: list[str],
    reason: str | None,
    override: bool,
    approve_risk: str | None,
    json_: bool,
    reply: _ReplyFlags,
) -> None:
    from socialseed import review as core
    from socialseed.report import review_card
    from socialseed.report.terminal import json_text

    level = _risk_level(approve_risk) if approve_risk else None
    decided = session.decide(
        approve=approve_ids,
        reject=reject_ids,
        reason=reason or "",
        override=override,
        choice=reply.choice,
        text=reply.text,
    )
    bulk = session.approve_up_to(level) if level is not None else core.BulkResult()
    decided.extend(bulk.approved)
    plan = session.plan
    if json_:
        data = _decided_data(session, decided, bulk)
        typer.echo(json_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)))
    else:
        for decision in decided:
            line = review_card.decision_line(plan.action(decision.action_id), decision)
            app_ctx.out.print(line, markup=False)
    for refusal in bulk.refused:
        app_ctx.err.print(f"refused {refusal.action.id}: {refusal.rule}", markup=False)
    for note in session.notes:
        app_ctx.err.print(note, markup=False)
    app_ctx.err.print(f"plan {plan.id}: {session.progress()}", markup=False)
    if bulk.refused:
        app_ctx.err.print(
            f"Error: {len(bulk.refused)} action(s) were not approved in bulk (see above); "
            f"the other decisions were recorded.\n  hint: approve each by id, e.g. "
            f"'socialseed review {plan.id} --approve {bulk.refused[0].action.id}'",
            markup=False,
        )
        raise typer.Exit(EXIT_ERROR)


@dataclass(frozen=True)
class _ReplyFlags:
    choice: int | None
    text: str | None


def _read_text(path: Path) -> str:
    """A reply text from a file, or stdin for '-'."""
    import sys

    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ApprovalError(
            f"--text-file {path}: cannot read it ({exc})",
            hint="give a UTF-8 text file holding the reply exactly as it is to be sent",
        ) from exc


def _risk_level(value: str) -> Risk:
    from socialseed.model import Risk

    try:
        return Risk(value.strip().lower())
    except ValueError:
        raise ApprovalError(
            f"--approve-risk {value!r} is not a risk level", hint="use green or yellow"
        ) from None


def _decided_data(
    session: ReviewSession, decided: list[Decision], bulk: BulkResult
) -> dict[str, Any]:
    from socialseed.clock import iso

    return {
        "plan": session.plan.id,
        "decided": [
            {
                "action_id": d.action_id,
                "verdict": d.verdict,
                "reviewer": d.reviewer,
                "decided_at": iso(d.decided_at),
                "expires_at": iso(d.expires_at) if d.expires_at else None,
                "reason": d.reason,
                "override": d.override,
                **(
                    {"text": d.text, "choice": d.choice, "edited": d.edited}
                    if d.text is not None
                    else {}
                ),
            }
            for d in decided
        ],
        "refused": [{"action_id": r.action.id, "rule": r.rule} for r in bulk.refused],
        "progress": session.progress().to_data(),
    }


# -- interactive -------------------------------------------------------------------------------
class TerminalPrompter:
    """The person at a terminal: cards to stdout, messages to stderr, one key per decision."""

    def __init__(self, out: Console, err: Console, editor: str | None = None) -> None:
        self.out = out
        self.err = err
        self.editor = editor  # $VISUAL or $EDITOR; None: replies are edited at a prompt

    def show(self, card: Card) -> None:
        from socialseed.report import review_card

        self.out.print(review_card.card(card), soft_wrap=False)

    def details(self, card: Card) -> None:
        from socialseed.report import review_card

        self.out.print(review_card.details(card), soft_wrap=False)

    def key(self, prompt: str) -> str:
        import click

        self.out.print(prompt, end="", markup=False)
        char = click.getchar()
        self.out.print(char if char.isprintable() else "", markup=False)
        return char

    def reason(self, prompt: str) -> str:
        return self.out.input(prompt, markup=False)

    def edit(self, text: str) -> str:
        """``$VISUAL``/``$EDITOR`` on the text; without one, a prompt (Enter keeps it)."""
        import click

        editor = self.editor
        if editor:
            try:
                edited = click.edit(text, editor=editor, extension=".txt", require_save=False)
            except click.ClickException as exc:
                self.say(f"the editor failed ({exc.message}); nothing changed")
                return text
            return text if edited is None else edited
        self.out.print("no $EDITOR set: type the reply on one line (Enter keeps it)", markup=False)
        answer = self.out.input("reply text: ", markup=False)
        return answer if answer.strip() else text

    def say(self, text: str) -> None:
        from socialseed.report.terminal import clean

        self.err.print(clean(text), markup=False)


def _interactive(
    app_ctx: AppContext, session: ReviewSession, *, override: bool, reason: str
) -> None:
    from socialseed import review as core

    plan, err = session.plan, app_ctx.err
    pending = len(session.pending())
    if not pending:
        err.print(f"plan {plan.id}: nothing to review ({session.progress()})", markup=False)
        return
    err.print(
        f"Reviewing plan {plan.id} as {session.reviewer}: {pending} pending; press ? for help.",
        markup=False,
    )
    editor = app_ctx.env.get("VISUAL") or app_ctx.env.get("EDITOR") or None
    result = core.walk(
        session,
        TerminalPrompter(app_ctx.out, err, editor),
        override=override,
        override_reason=reason,
    )
    for note in session.notes:
        err.print(note, markup=False)
    err.print(f"Recorded {result.recorded} decision(s). {result.progress}.", markup=False)
    if result.progress.pending:
        err.print(f"Resume with 'socialseed review {plan.id}'.", markup=False)
    if result.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)

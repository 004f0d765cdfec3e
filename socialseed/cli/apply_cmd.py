"""``socialseed apply`` and ``socialseed force-unlock``: thin; the executor is ``apply.executor``.

Progress goes to stderr (a line per event; ``--json`` streams JSON lines to stdout instead);
the final table goes to stdout: on a terminal, counts per account, verb and outcome and a row
for every failed or skipped action (every action with ``-v``); piped, a row for every action.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.cli.worker_cmd import QueueUrlOpt
from socialseed.cli.worker_cmd import queue_url as queue_url_of
from socialseed.errors import ApprovalError, SocialSeedError, StalePlanError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from socialseed.apply.context import Event, EventSink, PlatformFactory
    from socialseed.apply.executor import AccountReport, Applier, Prepared, Report
    from socialseed.cli.context import AppContext
    from socialseed.clock import Clock
    from socialseed.config.schema import Config
    from socialseed.model.plan import Plan

PlanArg = Annotated[
    str, typer.Argument(help="A plan file, or a saved plan id (a unique prefix will do).")
]
OnlyOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar="ID", show_default=False, help="Run only these actions (repeat, or ID,ID)."
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(metavar="ID", show_default=False, help="Leave these actions for later."),
]
QUIET_EVENTS = frozenset({"action_started"})
FINAL_EVENTS = frozenset({"action_done", "action_failed", "skipped"})
WIDE = 220


def register(app: typer.Typer) -> None:
    app.command("apply")(apply)
    app.command("force-unlock")(force_unlock)


def apply(
    ctx: typer.Context,
    plan: PlanArg,
    config: ConfigOpt = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do it without asking.")] = False,
    only: OnlyOpt = None,
    exclude: ExcludeOpt = None,
    account: Annotated[str | None, typer.Option(help="Only this account's actions.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would run and the waits; change nothing.")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Stream JSON events to stdout.")] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="A row per action on a terminal too (not only failures)."
        ),
    ] = False,
    lock_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for an account another apply holds.", min=0)
    ] = 0.0,
    max_wait: Annotated[
        str, typer.Option(help="Longest pacing wait; later actions are skipped (e.g. 30m, 6h).")
    ] = "6h",
    replan_if_stale: Annotated[
        bool,
        typer.Option(
            "--replan-if-stale",
            help="If the plan is stale, plan again and run only the approved actions in both "
            "plans, unchanged; print and record each one dropped and why (apply on merge).",
        ),
    ] = False,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue", help="Do not run here: queue one job per account for 'socialseed worker'."
        ),
    ] = False,
    queue_url: QueueUrlOpt = None,
) -> None:
    """Execute a plan's approved actions: paced, journalled, stopping at the first block.

    Only actions with an unexpired approval run; --only/--exclude take ids (repeat, or ID,ID).
    """
    from socialseed.apply.context import Options
    from socialseed.review import open_plan, split_ids

    app_ctx = context.get(ctx)
    the_plan = open_plan(app_ctx.db, plan)
    cfg = app_ctx.load_config(config)
    options = Options(
        only=frozenset(split_ids(only)),
        exclude=frozenset(split_ids(exclude)),
        account=account,
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        max_wait=float(_duration(max_wait)),
    )
    view = View(app_ctx, the_plan, json_=json_, verbose=verbose)
    clock = _run_clock(app_ctx)
    keep_time = app_ctx.simulated and not dry_run
    on_event = _keeping_time(app_ctx, view.event) if keep_time else view.event
    applier = _applier(app_ctx, the_plan, cfg, options, on_event, clock)
    if queue and dry_run:
        raise SocialSeedError(
            "--queue and --dry-run do not go together: a dry run changes nothing",
            hint="run the dry run here, then queue the plan with --queue (without --dry-run)",
        )
    if queue and replan_if_stale:
        raise SocialSeedError(
            "--queue and --replan-if-stale do not go together: workers run the plan as reviewed",
            hint="apply with --replan-if-stale here, or queue a plan that is not stale",
        )
    url = queue_url_of(app_ctx, queue_url) if queue else None
    try:
        prepared = applier.prepare()
    except StalePlanError as stale:
        if not replan_if_stale:
            raise
        from socialseed.cli.replan import replanned

        options = replanned(app_ctx, the_plan, cfg, options, stale)
        applier = _applier(app_ctx, the_plan, cfg, options, on_event, clock)
        prepared = applier.prepare()
    if not dry_run and not yes:
        _confirm(app_ctx, the_plan, prepared)
    if url is not None:
        _enqueue(app_ctx, the_plan, prepared, url)
        return
    if not dry_run:
        app_ctx.checkpoint("before-apply")  # whole file checked, then a copy to go back to
    view.start(prepared)
    try:
        report = _run(applier, prepared, clock)
    finally:
        view.stop()
        if keep_time:
            _record_time(app_ctx, clock)
    view.finish(report)
    if not dry_run:
        from socialseed.cli.notify_cmd import after_command

        after_command(app_ctx, cfg)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def force_unlock(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account whose apply lock to remove.")],
) -> None:
    """Remove an account's apply lock (after a crashed run); recorded in the audit log."""
    from socialseed.state import locks

    app_ctx = context.get(ctx)
    removed = locks.force_unlock(
        app_ctx.db, account, actor=app_ctx.reviewer(None), now=app_ctx.clock.now()
    )
    if removed is None:
        app_ctx.err.print(f"{account} was not locked; nothing to do.")
        return
    app_ctx.err.print(f"Removed the apply lock of {account}, held by {removed.describe()}.")


# -- helpers -----------------------------------------------------------------------------------
def _enqueue(app_ctx: AppContext, plan: Plan, prepared: Prepared, url: str) -> None:
    """One job per account with actions left to run; workers apply them (docs/workers.md)."""
    import asyncio

    from socialseed.apply.queue import enqueue, shown

    counts = {name: n for name, n in prepared.to_run().items() if n}
    if not counts:
        app_ctx.err.print(f"Plan {plan.id}: nothing left to run; nothing was queued.")
        return
    result = asyncio.run(enqueue(url, plan.id, sorted(counts)))
    for name in result.queued:
        typer.echo(f"queued\t{plan.id}\t{name}\t{counts[name]}")
    for name in result.already:
        typer.echo(f"already-queued\t{plan.id}\t{name}\t{counts[name]}")
    total = sum(counts[name] for name in result.queued)
    waiting = f"; {len(result.already)} were queued already" if result.already else ""
    app_ctx.err.print(
        f"Queued {len(result.queued)} accounts ({total} approved actions) of plan {plan.id} "
        f"on {shown(url)}{waiting}. Run 'socialseed worker' to apply them.",
        markup=False,
    )


def _duration(text: str) -> int:
    from socialseed.config.schema import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise SocialSeedError(f"--max-wait: {exc}", hint="for example --max-wait 30m") from exc


def _run_clock(app_ctx: AppContext) -> Clock:
    """Real time, or under SOCIALSEED_NOW simulated time that parallel accounts share."""
    from socialseed.clock import FakeClock, SimClock

    clock = app_ctx.clock
    return SimClock(clock.now()) if isinstance(clock, FakeClock) else clock


def _keeping_time(app_ctx: AppContext, sink: EventSink) -> EventSink:
    """Under simulated time: each finished action records how far time got (for a resume)."""

    def on_event(event: Event) -> None:
        sink(event)
        if event.kind in FINAL_EVENTS:
            from socialseed.state.simclock import advance

            advance(app_ctx.db, event.at)

    return on_event


def _record_time(app_ctx: AppContext, clock: Clock) -> None:
    from socialseed.state.simclock import advance

    advance(app_ctx.db, clock.now())


def _applier(
    app_ctx: AppContext, plan: Plan, cfg: Config, options: Any, on_event: EventSink, clock: Clock
) -> Applier:
    import os
    import random
    import socket

    from socialseed.apply.executor import Applier
    from socialseed.cli.platform_deps import capabilities
    from socialseed.conversations.caps import author_cap
    from socialseed.conversations.guards import text_guard
    from socialseed.state.locks import Me

    who = app_ctx.reviewer(None)
    return Applier(
        app_ctx.db,
        plan,
        cfg,
        clock=clock,
        rng=random.Random(),
        platform_for=_builder(app_ctx, cfg, clock),
        capabilities_for=capabilities,
        me=Me(owner=f"{who} applying {plan.id}", host=socket.gethostname(), pid=os.getpid()),
        on_event=on_event,
        options=options,
        reply_guard=text_guard(cfg),
        reply_cap=author_cap(cfg, app_ctx.db, clock, approved=False),
    )


def _builder(app_ctx: AppContext, cfg: Config, clock: Clock) -> PlatformFactory:
    """The shared platform builder, on the run's clock."""
    from socialseed.cli.platform_deps import platform_factory

    return platform_factory(app_ctx, cfg, clock)


def _confirm(app_ctx: AppContext, plan: Plan, prepared: Prepared) -> None:
    counts = prepared.to_run()
    total = sum(counts.values())
    if total == 0:
        return  # nothing left to change: no question to ask
    if not app_ctx.interactive:
        raise ApprovalError(
            f"apply would run {total} approved actions of plan {plan.id} and needs a "
            "confirmation, but there is no terminal to ask on",
            hint="pass --yes to go ahead, or --dry-run to see what would run",
        )
    per = ", ".join(f"{name}: {n}" for name, n in counts.items())
    app_ctx.err.print(f"Plan {plan.id}: {total} approved actions to run ({per}).")
    if not typer.confirm("Run them now?", default=False, err=True):
        raise ApprovalError("cancelled: nothing was applied", hint="run apply again when ready")


def _run(applier: Applier, prepared: Prepared, clock: Clock) -> Report:
    import asyncio

    from socialseed.clock import SimClock

    async def driven(sim: SimClock) -> Report:
        main = asyncio.ensure_future(applier.run(prepared))
        await sim.drive(main)
        return main.result()

    if isinstance(clock, SimClock):
        return asyncio.run(driven(clock))
    return asyncio.run(applier.run(prepared))


# -- rendering ---------------------------------------------------------------------------------
class View:
    """Renders events as they come, and the final table."""

    def __init__(
        self, app_ctx: AppContext, plan: Plan, *, json_: bool, verbose: bool = False
    ) -> None:
        self.app_ctx = app_ctx
        self.plan = plan
        self.json = json_
        self.verbose = verbose
        self.progress: Progress | None = None
        self.bars: dict[str, TaskID] = {}

    def start(self, prepared: Prepared) -> None:
        """On a terminal: one progress bar per account (else one line per event)."""
        if self.json or not self.app_ctx.err.is_terminal or not prepared.to_run():
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.app_ctx.err,
            transient=True,
        )
        for name, total in prepared.to_run().items():
            self.bars[name] = self.progress.add_task(name, total=total)
        self.progress.start()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()

    def event(self, event: Event) -> None:
        from socialseed.redact import scrub
        from socialseed.report.terminal import clean

        if self.json:
            typer.echo(scrub(json.dumps(event.to_data(), sort_keys=True)))
            return
        if self.app_ctx.json_log:
            from socialseed.cli.jsonlog import emit

            emit(event.to_data())
            return
        if self.progress is not None and event.account in self.bars:
            if event.kind in FINAL_EVENTS:
                self.progress.advance(self.bars[event.account])
            if event.kind in ("action_done", "action_started"):
                return
        if event.kind in QUIET_EVENTS:
            return
        self.app_ctx.err.print(clean(scrub(_event_line(event))), markup=False)

    def finish(self, report: Report) -> None:
        from socialseed.redact import scrub
        from socialseed.report.terminal import clean

        for acc in report.accounts:
            if acc.error is not None:
                self.app_ctx.err.print(clean(scrub(f"Error: {acc.error}")), markup=False)
        if self.json:
            summary = _summary(report)
            typer.echo(json.dumps(summary, sort_keys=True))
            return
        if self.app_ctx.json_log:
            from socialseed.cli.jsonlog import emit

            emit(_summary(report))
        if report.dry_run:
            self._dry_table(report)
        else:
            self._table(report)
        if not self.app_ctx.json_log:
            self.app_ctx.err.print(_summary_line(report), markup=False)

    def _table(self, report: Report) -> None:
        """A row per action; on a terminal (without ``-v``) counts, then what did not go."""
        from rich.table import Table

        from socialseed.report.terminal import plain

        every = self.verbose or not self.app_ctx.out.is_terminal
        if not every:
            self._counts(report)
        table = Table("account", "action", "verb", "target", "status", "why", box=None)
        for r in report.results:
            if r.earlier or r.unstarted:  # an unstarted account's error is printed once
                continue
            if not every and r.status in ("done", "already"):
                continue
            a = r.action
            why = "" if r.status in ("done", "already") else r.detail
            cells = (a.account, a.id, a.verb.value, a.target.handle, r.status, why)
            table.add_row(*(plain(c) for c in cells))
        if table.row_count:
            self._print(table)

    def _counts(self, report: Report) -> None:
        """How many actions of each verb ended how, per account (a terminal's summary)."""
        from collections import Counter

        from rich.table import Table

        from socialseed.report.terminal import plain

        counts = Counter(
            (r.action.account, r.action.verb.value, r.status)
            for r in report.results
            if not (r.earlier or r.unstarted)
        )
        table = Table("account", "verb", "status", "actions", box=None)
        for (account, verb, status), n in sorted(counts.items()):
            table.add_row(plain(account), plain(verb), status, str(n))
        if table.row_count:
            self._print(table)

    def _print(self, table: Table) -> None:
        out = self.app_ctx.out
        if not out.is_terminal:
            out.width = max(out.width, WIDE)  # piped: never cut ids or times
        out.print(table)

    def _dry_table(self, report: Report) -> None:
        from rich.table import Table

        from socialseed.clock import iso
        from socialseed.report.terminal import plain

        table = Table("account", "#", "action", "verb", "target", "at", "wait", "note", box=None)
        for acc in report.accounts:
            for n, slot in enumerate(acc.slots, 1):
                at = iso(slot.at) if slot.at else "-"
                note = _dry_note(acc, slot.action_id, slot.reason)
                handle = self.plan.action(slot.action_id).target.handle
                cells = (acc.account, str(n), slot.action_id, slot.verb, handle, at)
                table.add_row(*(plain(c) for c in (*cells, _seconds(slot.wait), note)))
        self._print(table)


def _dry_note(acc: AccountReport, action_id: str, reason: str) -> str:
    notes = [reason] if reason else []
    if action_id in acc.verify_first:
        notes.append("an earlier attempt was interrupted: checked with the platform first")
    if acc.error is not None:
        notes.append(acc.error.message)
    return "; ".join(notes)


def _seconds(seconds: float) -> str:
    if seconds <= 0:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _event_line(event: Event) -> str:
    what = f"{event.verb} {event.target}" if event.verb else ""
    if event.kind == "waiting":
        return (
            f"{event.account}: waiting {_seconds(event.wait_seconds or 0)} before {what} "
            f"({event.detail})"
        )
    status = event.status or event.kind.replace("_", " ")
    echo = event.kind == "action_done" and event.detail == what  # the platform's own echo
    detail = f" ({event.detail})" if event.detail and not echo else ""
    return f"{event.account}: {what} {status}{detail}"


def _summary(report: Report) -> dict[str, Any]:
    from socialseed.clock import iso

    data: dict[str, Any] = {
        "event": "summary",
        "plan_id": report.plan_id,
        "dry_run": report.dry_run,
        "not_approved": report.not_approved,
        "exit_code": report.exit_code,
        **report.counts(),
        "accounts": {
            acc.account: {"error": acc.error.message if acc.error else None, "ok": acc.ok}
            for acc in report.accounts
        },
    }
    if report.dry_run:
        data["schedule"] = [
            {
                "account": acc.account,
                "action_id": s.action_id,
                "verb": s.verb,
                "at": iso(s.at) if s.at else None,
                "wait_seconds": s.wait,
                "note": s.reason,
            }
            for acc in report.accounts
            for s in acc.slots
        ]
    return data


def _summary_line(report: Report) -> str:
    c = report.counts()
    if report.dry_run:
        slots = sum(len(a.slots) for a in report.accounts)
        return f"Dry run of {report.plan_id}: {slots} actions would run; nothing was changed."
    extra = f", {report.not_approved} not approved" if report.not_approved else ""
    earlier = f" ({c['done_earlier']} by an earlier run)" if c["done_earlier"] else ""
    return (
        f"Applied {report.plan_id}: {c['done']} done{earlier}, {c['already']} already in "
        f"effect, {c['failed']} failed, {c['skipped']} skipped{extra}."
    )

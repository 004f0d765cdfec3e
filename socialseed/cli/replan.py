"""``apply PLAN --replan-if-stale``: re-plan a stale reviewed plan, run only what both share.

Thin: the fresh plan is made and recorded as ``plan`` does it (``plan_cmd.make_and_record``);
the split is ``apply.replan.intersect`` (pure); each dropped action is printed with its reason
and recorded in the audit log (kind ``replan_dropped``, ``socialseed log`` shows it). The run
stays the reviewed plan's (its decisions, its journal), restricted to the kept ids.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from socialseed.errors import StalePlanError

if TYPE_CHECKING:
    from socialseed.apply.context import Options
    from socialseed.apply.replan import Intersection
    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Config
    from socialseed.model.plan import Plan
    from socialseed.plan.run import PlanRun

DROPPED = "replan_dropped"


def replanned(
    app_ctx: AppContext, reviewed: Plan, cfg: Config, options: Options, stale: StalePlanError
) -> Options:
    """The options that run the intersection; ``StalePlanError`` when nothing is left."""
    from socialseed.apply.replan import intersect
    from socialseed.redact import scrub
    from socialseed.state.decisions import latest_decisions
    from socialseed.state.journal import finished_elsewhere

    app_ctx.err.print(
        f"{stale.message}\n--replan-if-stale: planning again against the current config and "
        "state; only actions in both plans, unchanged and still approved, will run",
        markup=False,
    )
    run = _fresh_plan(app_ctx, reviewed, cfg)
    fresh = run.plan
    now = app_ctx.clock.now()
    decisions = latest_decisions(app_ctx.db, reviewed.id)
    done = finished_elsewhere(app_ctx.db, sorted(decisions), reviewed.id)
    unplanned = {f.account: scrub(f.error.message) for f in run.failed}  # shown and audited
    found = intersect(reviewed, fresh, decisions, now, frozenset(done), unplanned)
    _show(app_ctx, reviewed, fresh, found)
    if not options.dry_run:
        _record(app_ctx, reviewed, fresh, found)
    keep = frozenset(found.keep) & options.only if options.only else frozenset(found.keep)
    if not keep:
        raise StalePlanError(
            f"plan {reviewed.id} is stale and none of its approved actions is in the fresh plan "
            f"{fresh.id} unchanged and still approved; nothing was applied",
            hint=f"review the fresh plan ('socialseed review {fresh.id}'), then apply it",
        )
    return dataclasses.replace(options, only=keep, revalidated=True)


def _fresh_plan(app_ctx: AppContext, reviewed: Plan, cfg: Config) -> PlanRun:
    from socialseed.cli.plan_cmd import make_and_record
    from socialseed.plan.run import PlanOptions

    known = {a.id for a in cfg.accounts}
    accounts = tuple(sorted({s.account for s in reviewed.accounts} & known))
    options = PlanOptions(
        accounts=accounts,
        author=app_ctx.reviewer(None) if cfg.policy.reviewers else None,
    )
    run, _approved = make_and_record(app_ctx, cfg, options, path=None)
    return run


def _show(app_ctx: AppContext, reviewed: Plan, fresh: Plan, found: Intersection) -> None:
    from socialseed.report.terminal import clean

    say = app_ctx.err.print
    say(
        f"replan: reviewed plan {reviewed.id}, fresh plan {fresh.id}: {len(found.keep)} "
        f"approved action(s) still in both will run, {len(found.dropped)} dropped",
        markup=False,
    )
    for item in found.dropped:
        line = f"  dropped {item.action_id} {item.account} {item.verb} {item.target}: {item.reason}"
        say(clean(line), markup=False)
    if found.not_reviewed:
        say(
            f"  not run: {len(found.not_reviewed)} action(s) new in the fresh plan, never "
            f"reviewed (see 'socialseed show {fresh.id}')",
            markup=False,
        )


def _record(app_ctx: AppContext, reviewed: Plan, fresh: Plan, found: Intersection) -> None:
    from socialseed.state.accounts import audit

    now = app_ctx.clock.now()
    with app_ctx.db.conn:
        for item in found.dropped:
            detail: dict[str, object] = {
                "plan_id": reviewed.id,
                "fresh_plan_id": fresh.id,
                **item.to_data(),
            }
            audit(
                app_ctx.db,
                account=item.account,
                kind=DROPPED,
                actor="socialseed apply --replan-if-stale",
                now=now,
                detail=detail,
            )

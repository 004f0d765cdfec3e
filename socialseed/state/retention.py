"""Retention: delete third-party data (profiles, their posts, cached scores, old plans) past
its age.

People's profiles and posts are personal data: SocialSeed keeps them only as long as planning
needs them. The audit trail (journal, decisions, audit lines, the state-serial history) is kept
unless ``include_audit``; action rows that the trail still points at are kept with it. Every
prune that deletes is itself recorded in the audit log, with its cutoff and counts; the newest
``include_audit`` cutoff is the *audit horizon*, before which reports have no trail to count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.state.accounts import ALL, audit
from socialseed.state.handle import StateDB

# table -> the column holding the row's age
THIRD_PARTY = {
    "candidates": "fetched_at",
    "candidate_posts": "fetched_at",
    "source_fetches": "fetched_at",
    "scores": "created_at",
}
AUDIT = {"journal": "at", "decisions": "decided_at", "audit": "at", "serial_log": "at"}
PRUNED = "prune"  # the audit line's kind
_REFERENCED = (
    "exists (select 1 from decisions d where d.plan_id = actions.plan_id "
    "and d.action_id = actions.action_id) or exists (select 1 from journal j "
    "where j.plan_id = actions.plan_id and j.action_id = actions.action_id)"
)


@dataclass(frozen=True)
class PruneResult:
    cutoff: datetime
    counts: dict[str, int]  # table -> rows deleted (or that would be, in a dry run)
    dry_run: bool
    include_audit: bool = False

    @property
    def audit_counts(self) -> dict[str, int]:
        """Rows of the audit trail deleted (only with ``include_audit``)."""
        return {t: n for t, n in self.counts.items() if t in AUDIT}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_data(self) -> dict[str, object]:
        return {
            "cutoff": iso(self.cutoff),
            "dry_run": self.dry_run,
            "deleted": dict(sorted(self.counts.items())),
            "include_audit": self.include_audit,
            "audit_deleted": dict(sorted(self.audit_counts.items())),
            "total": self.total,
        }


def _statements(cutoff: str, include_audit: bool) -> list[tuple[str, str, list[str]]]:
    """(table, where clause, args) for every delete, in a safe order."""
    old_plan = "plan_id in (select id from plans where created_at < ?)"
    stmts = [(table, f"{col} < ?", [cutoff]) for table, col in THIRD_PARTY.items()]
    if include_audit:
        stmts += [(table, f"{col} < ?", [cutoff]) for table, col in AUDIT.items()]
        stmts.append(("actions", old_plan, [cutoff]))
    else:
        stmts.append(("actions", f"{old_plan} and not ({_REFERENCED})", [cutoff]))
    stmts.append(("plans", "created_at < ?", [cutoff]))
    return stmts


def prune(
    db: StateDB,
    *,
    cutoff: datetime,
    include_audit: bool = False,
    dry_run: bool = False,
    actor: str = "socialseed",
    now: datetime | None = None,
) -> PruneResult:
    """Delete rows older than ``cutoff``; with ``dry_run`` only count them.

    A prune that deletes anything is recorded in the audit log (``now``, default the cutoff).
    """
    counts: dict[str, int] = {}
    stamp = iso(cutoff)
    with db.conn:
        for table, where, args in _statements(stamp, include_audit):
            verb = "select count(*) from" if dry_run else "delete from"
            cursor = db.conn.execute(f"{verb} {table} where {where}", args)
            counts[table] = counts.get(table, 0) + (
                int(cursor.fetchone()[0]) if dry_run else max(cursor.rowcount, 0)
            )
        if not dry_run:  # a candidate's copy of a cached score goes with either
            db.conn.execute(
                "delete from candidate_scores where candidate not in (select rowid from "
                "candidates) or score_key not in (select key from scores)"
            )
    result = PruneResult(cutoff=cutoff, counts=counts, dry_run=dry_run, include_audit=include_audit)
    if not dry_run and any(counts.values()):
        detail: dict[str, object] = {
            "cutoff": stamp,
            "include_audit": include_audit,
            "deleted": {t: n for t, n in sorted(counts.items()) if n},
        }
        audit(db, account=ALL, kind=PRUNED, actor=actor, now=now or cutoff, detail=detail)
        db.conn.execute("VACUUM")  # deleted personal data must leave the file too
    return result


def audit_horizon(db: StateDB) -> datetime | None:
    """The newest cutoff of a ``prune --include-audit``: no trail is left before it."""
    newest: datetime | None = None
    for row in db.execute("select detail from audit where kind = ?", [PRUNED]):
        try:
            detail = json.loads(str(row[0]))
            if not detail.get("include_audit"):
                continue
            cutoff = parse_instant(str(detail["cutoff"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        newest = cutoff if newest is None or cutoff > newest else newest
    return newest

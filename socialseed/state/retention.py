"""Retention: delete third-party data (profiles, cached scores, old plans) past its age.

People's profiles are personal data: SocialSeed keeps them only as long as planning needs
them. The audit trail (journal, decisions, audit lines) is kept unless ``include_audit``;
action rows that the trail still points at are kept with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from socialseed.clock import iso

# table -> the column holding the row's age
THIRD_PARTY = {"candidates": "fetched_at", "source_fetches": "fetched_at", "scores": "created_at"}
AUDIT = {"journal": "at", "decisions": "decided_at", "audit": "at", "serial_log": "at"}
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

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_data(self) -> dict[str, object]:
        return {
            "cutoff": iso(self.cutoff),
            "dry_run": self.dry_run,
            "deleted": dict(sorted(self.counts.items())),
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
    db: Database, *, cutoff: datetime, include_audit: bool = False, dry_run: bool = False
) -> PruneResult:
    """Delete rows older than ``cutoff``; with ``dry_run`` only count them."""
    counts: dict[str, int] = {}
    stamp = iso(cutoff)
    with db.conn:
        for table, where, args in _statements(stamp, include_audit):
            verb = "select count(*) from" if dry_run else "delete from"
            cursor = db.conn.execute(f"{verb} {table} where {where}", args)
            counts[table] = counts.get(table, 0) + (
                int(cursor.fetchone()[0]) if dry_run else max(cursor.rowcount, 0)
            )
    if not dry_run and any(counts.values()):
        db.conn.execute("VACUUM")  # deleted personal data must leave the file too
    return PruneResult(cutoff=cutoff, counts=counts, dry_run=dry_run)

"""What a change to the config does to the plan: actions added, removed and changed.

Action ids are stable (the same account, verb and target give the same id), so two plans are
compared by id: an id only in the head plan is added, only in the base plan removed, in both
with other content (risk, reason, score, approval...) changed. The order is the plan's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from socialseed.model import Action, Risk, Verb
from socialseed.model.plan import Plan

RISK_ORDER = (Risk.RED, Risk.YELLOW, Risk.GREEN)  # how a reviewer reads: the riskiest first
_IGNORED = frozenset({"seq"})  # the position in the plan is not a change of the action


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class ActionChange:
    """One action that the change adds, removes or alters (``before`` only when altered)."""

    change: Change
    action: Action  # the head's action; the base's for a removed one
    before: Action | None = None
    fields: tuple[str, ...] = ()  # what differs, for a changed action

    @property
    def risk(self) -> Risk:
        """The risk a reviewer weighs: the higher of before and after for a changed action."""
        if self.before is None:
            return self.action.risk
        return min(self.action.risk, self.before.risk, key=RISK_ORDER.index)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "change": self.change.value,
            "risk": self.risk.value,
            "action": self.action.to_data(),
        }
        if self.before is not None:
            data["before"] = self.before.to_data()
            data["fields"] = list(self.fields)
        return data


@dataclass(frozen=True)
class GroupCount:
    """How many actions of one account, verb and risk were added, removed and changed."""

    account: str
    verb: Verb
    risk: Risk
    added: int
    removed: int
    changed: int

    def to_data(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "verb": self.verb.value,
            "risk": self.risk.value,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class PlanDiff:
    base: Plan
    head: Plan
    changes: tuple[ActionChange, ...]  # red first, then yellow, then green; plan order within
    unchanged: int

    def count(self, change: Change) -> int:
        return sum(1 for c in self.changes if c.change is change)

    def by_risk(self) -> dict[Risk, int]:
        risks = Counter(c.risk for c in self.changes)
        return {risk: risks[risk] for risk in RISK_ORDER}

    def groups(self) -> list[GroupCount]:
        """Counts per account, verb and risk (the summary table), in plan order."""
        counts: dict[tuple[str, Verb, Risk], Counter[Change]] = {}
        for c in self.changes:
            counts.setdefault((c.action.account, c.action.verb, c.risk), Counter())[c.change] += 1
        keys = sorted(counts, key=lambda k: (k[0], list(Verb).index(k[1]), RISK_ORDER.index(k[2])))
        return [
            GroupCount(
                account,
                verb,
                risk,
                added=counts[account, verb, risk][Change.ADDED],
                removed=counts[account, verb, risk][Change.REMOVED],
                changed=counts[account, verb, risk][Change.CHANGED],
            )
            for account, verb, risk in keys
        ]

    def to_data(self) -> dict[str, Any]:
        return {
            "base": self.base.id,
            "head": self.head.id,
            "summary": {
                "added": self.count(Change.ADDED),
                "removed": self.count(Change.REMOVED),
                "changed": self.count(Change.CHANGED),
                "unchanged": self.unchanged,
                "by_risk": {risk.value: n for risk, n in self.by_risk().items()},
            },
            "groups": [g.to_data() for g in self.groups()],
            "changes": [c.to_data() for c in self.changes],
        }


def diff_plans(base: Plan, head: Plan) -> PlanDiff:
    """The actions ``head`` adds, removes and changes compared with ``base``."""
    found: list[ActionChange] = []
    unchanged = 0
    for action in head.actions:
        if not base.has(action.id):
            found.append(ActionChange(Change.ADDED, action))
            continue
        before = base.action(action.id)
        fields = changed_fields(before, action)
        if fields:
            found.append(ActionChange(Change.CHANGED, action, before, fields))
        else:
            unchanged += 1
    found += [ActionChange(Change.REMOVED, a) for a in base.actions if not head.has(a.id)]
    found.sort(key=_reading_order)
    return PlanDiff(base, head, tuple(found), unchanged)


def changed_fields(before: Action, after: Action) -> tuple[str, ...]:
    """The names of the plan fields that differ (``seq``, the position, does not count)."""
    old, new = before.to_data(), after.to_data()
    return tuple(
        sorted(k for k in old.keys() | new.keys() if k not in _IGNORED and old.get(k) != new.get(k))
    )


def _reading_order(c: ActionChange) -> tuple[int, str, int, int, str]:
    return (
        RISK_ORDER.index(c.risk),
        c.action.account,
        list(Change).index(c.change),
        c.action.seq,
        c.action.id,
    )

"""What may stop an approved action at the last moment, kept in memory for a run.

Before each call apply must know the action's newest decision (a revoke or a rejection since
the run began), whether a person's standing rejection names its target, and whether its
account (or every account) is paused. They are read once when the run begins and again only
when the state changed (``before_call.Watch``); without a watch (PostgreSQL) one statement per
call asks, and only what it flags is read in full.
"""

from __future__ import annotations

from collections.abc import Collection

from socialseed.model import Action, Decision
from socialseed.state import before_call
from socialseed.state.accounts import ALL
from socialseed.state.decisions import decisions_after, latest_decision, newest_decisions
from socialseed.state.handle import StateDB


class Standing:
    """The run's view of decisions, rejections and pauses, caught up whenever state changed."""

    def __init__(self, db: StateDB, plan_id: str) -> None:
        self.db, self.plan_id = db, plan_id
        self.watch = before_call.Watch(db)
        self.watch.mark()
        newest = newest_decisions(db, plan_id)
        self.decisions = {action_id: d for action_id, (_, d) in newest.items()}
        self.ids = {action_id: row_id for action_id, (row_id, _) in newest.items()}
        self.seen = max(self.ids.values(), default=0)  # decisions up to this row id are read
        self.accounts: frozenset[str] = frozenset()
        self.rejected: set[str] = set()  # action ids a standing rejection names
        self.paused: set[str] = set()  # accounts (and ``*``) with a pause set

    def watch_accounts(self, accounts: Collection[str]) -> None:
        """The run's accounts: their rejections and pauses are read now and kept."""
        self.accounts = frozenset(accounts)
        self.refresh()

    def refresh(self) -> None:
        """Read again what may have changed (the decisions only from the last one read)."""
        self.watch.mark()
        for row_id, decision in decisions_after(self.db, self.seen):
            self.seen = max(self.seen, row_id)
            if decision.plan_id == self.plan_id:
                self.decisions[decision.action_id] = decision
                self.ids[decision.action_id] = row_id
        if self.watch.works:  # else: ``check`` asks the state per call
            self.rejected = before_call.rejected_among(self.db, self.accounts)
            self.paused = before_call.paused_among(self.db, self.accounts)

    def check(self, action: Action) -> tuple[Decision | None, bool, bool]:
        """``(newest decision, a rejection names it, a pause is set)`` for ``action``, now.

        A set pause may have run out and a flagged rejection is read in full by the caller."""
        if not self.watch.works:
            newest, rejected, paused = before_call.probe(
                self.db, self.plan_id, action.id, action.account
            )
            return self._decision(action.id, newest), rejected, paused
        if not self.watch.unchanged():
            self.refresh()
        paused = ALL in self.paused or action.account in self.paused
        return self.decisions.get(action.id), action.id in self.rejected, paused

    def _decision(self, action_id: str, newest: int | None) -> Decision | None:
        if newest is None:
            return None
        if newest == self.ids.get(action_id):
            return self.decisions[action_id]
        return latest_decision(self.db, self.plan_id, action_id)

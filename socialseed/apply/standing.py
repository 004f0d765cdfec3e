"""What may stop an approved action at the last moment, kept in memory for a run.

Before each call apply must know the action's newest decision (a revoke or a rejection since
the run began), whether a person's standing rejection names its target, and whether its
account (or every account) is paused. They are read once when the run begins and kept; the
intent's own statement then writes the intent only if what was kept still holds
(``journal.intent_if_standing``: the newest decision's id, no rejection, no pause, the lock),
so no statement is spent on asking first. When it does not hold, or when memory says an
action may not run, the action's rows are read again (``confirm``) before anything is decided.
"""

from __future__ import annotations

from collections.abc import Collection

from socialseed.model import Action, Decision
from socialseed.state import before_call
from socialseed.state.accounts import ALL
from socialseed.state.decisions import decisions_after, latest_decision, newest_decisions
from socialseed.state.handle import StateDB


class Standing:
    """The run's view of decisions, rejections and pauses."""

    def __init__(self, db: StateDB, plan_id: str) -> None:
        self.db, self.plan_id = db, plan_id
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
        for row_id, decision in decisions_after(self.db, self.seen):
            self.seen = max(self.seen, row_id)
            if decision.plan_id == self.plan_id:
                self.decisions[decision.action_id] = decision
                self.ids[decision.action_id] = row_id
        self.rejected = before_call.rejected_among(self.db, self.accounts)
        self.paused = before_call.paused_among(self.db, self.accounts)

    def known(self, action: Action) -> tuple[Decision | None, bool, bool]:
        """``(newest decision, a rejection names it, a pause is set)`` as kept in memory."""
        paused = ALL in self.paused or action.account in self.paused
        return self.decisions.get(action.id), action.id in self.rejected, paused

    def confirm(self, action: Action) -> tuple[Decision | None, bool, bool]:
        """The same, read from the state now (one statement; a newer decision in full), and
        kept. A set pause may have run out, and a rejection is read in full by the caller."""
        newest, rejected, paused = before_call.probe(
            self.db, self.plan_id, action.id, action.account
        )
        if newest is not None and newest != self.ids.get(action.id):
            decision = latest_decision(self.db, self.plan_id, action.id)
            if decision is not None:
                self.decisions[action.id], self.ids[action.id] = decision, newest
        if newest is None:
            self.decisions.pop(action.id, None)
            self.ids.pop(action.id, None)
        (self.rejected.add if rejected else self.rejected.discard)(action.id)
        if paused:
            self.paused.add(action.account)
        else:
            self.paused -= {ALL, action.account}
        return self.known(action)

    def decision_id(self, action: Action) -> int | None:
        """The row id of the decision kept for ``action`` (the intent checks it is the newest)."""
        return self.ids.get(action.id)

"""The replies-per-author-per-day guard at review and apply, across plans: counted from the
state (replies sent today in the journal; at review also the live approvals made today)."""

from __future__ import annotations

from collections.abc import Callable

from socialseed.clock import Clock
from socialseed.config.schema import Config
from socialseed.conversations.guards import guards_for
from socialseed.model import Action
from socialseed.state import inbox as inbox_store
from socialseed.state.handle import StateDB


def author_cap(
    config: Config, db: StateDB, clock: Clock, *, approved: bool
) -> Callable[[Action], str | None]:
    """Why one more reply to this author today would break
    ``guards.max_replies_per_author_per_day`` (None: it would not). Review counts replies done
    and live approvals made today in any plan (``approved``); apply counts the replies done."""

    def check_cap(action: Action) -> str | None:
        cap = guards_for(config, action.account).max_replies_per_author_per_day
        count = inbox_store.replies_to_author(
            db, action.account, action.target.id, clock.now(), exclude=action.id, approved=approved
        )
        if count < cap:
            return None
        what = "approved or sent" if approved else "sent"
        return (
            f"@{action.target.handle} already has {count} repl{'y' if count == 1 else 'ies'} "
            f"{what} today (guards.max_replies_per_author_per_day: {cap})"
        )

    return check_cap

"""The inbox: messages read per account, how triage sorted them, and the read cursors.

Each read starts where the last stopped: the platform's cursor is kept per account and source.
A message is answered when the journal holds a reply to it that was done (or found in effect),
hidden likewise for ``hide_comment``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.state.tx import atomic

if TYPE_CHECKING:
    from socialseed.model.conversations import InboxItem, Triage
    from socialseed.state.handle import StateDB, StateReads

INBOX = "inbox"


@dataclass(frozen=True)
class Received:
    """One stored message, its triage (rule, outcomes) and what became of it."""

    item: InboxItem
    received_at: datetime
    rule: str | None
    outcomes: tuple[str, ...]
    question: bool
    answered_at: datetime | None = None
    hidden_at: datetime | None = None

    @property
    def unanswered(self) -> bool:
        return self.answered_at is None and self.hidden_at is None


def cursor(db: StateDB, account: str, source: str = INBOX) -> str | None:
    row = db.execute(
        "select cursor from inbox_cursors where account = ? and source = ?", [account, source]
    ).fetchone()
    return str(row[0]) if row and row[0] is not None else None


def store_read(
    db: StateDB,
    account: str,
    items: Iterable[InboxItem],
    new_cursor: str | None,
    now: datetime,
    source: str = INBOX,
) -> int:
    """Keep the messages (new ones only) and move the cursor, in one transaction."""
    added = 0
    with atomic(db) as conn:
        for item in items:
            message = item.message
            inserted = conn.execute(
                "insert or ignore into inbox (account, message_id, platform, source, author_id, "
                "author_handle, created_at, received_at, question, rule, outcomes, data) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, 0, null, '[]', ?)",
                (
                    account,
                    message.id,
                    message.platform,
                    message.source.value,
                    message.author.id,
                    message.author.handle,
                    iso(message.created_at),
                    iso(now),
                    json.dumps(item.to_data(), sort_keys=True, ensure_ascii=False),
                ),
            )
            added += inserted.rowcount
        if new_cursor is not None:
            conn.execute(
                "insert into inbox_cursors (account, source, cursor, read_at) values (?, ?, ?, ?) "
                "on conflict (account, source) do update set cursor = excluded.cursor, "
                "read_at = excluded.read_at",
                (account, source, new_cursor, iso(now)),
            )
    return added


def record_triage(db: StateDB, account: str, triaged: Iterable[Triage]) -> None:
    with atomic(db) as conn:
        conn.executemany(
            "update inbox set rule = ?, outcomes = ?, question = ? "
            "where account = ? and message_id = ?",
            [
                (t.rule, json.dumps(list(t.outcomes)), int(t.question), account, t.message.id)
                for t in triaged
            ],
        )


_SELECT = (
    "select i.data, i.received_at, i.rule, i.outcomes, i.question, "
    "(select min(j.at) from journal j where j.account = i.account and j.verb = 'reply' "
    " and j.kind = 'outcome' and j.status in ('done', 'already') "
    " and json_extract(j.target, '$.post_id') = i.message_id) as answered_at, "
    "(select min(j.at) from journal j where j.account = i.account and j.verb = 'hide_comment' "
    " and j.kind = 'outcome' and j.status in ('done', 'already') "
    " and json_extract(j.target, '$.post_id') = i.message_id) as hidden_at "
    "from inbox i"
)


def received(db: StateReads, account: str | None = None) -> list[Received]:
    """Stored messages, oldest first (of one account, or of all)."""
    where, params = ("where i.account = ?", [account]) if account else ("", [])
    rows = db.conn.execute(f"{_SELECT} {where} order by i.created_at, i.message_id", params)
    return [_received(row) for row in rows.fetchall()]


def _received(row: tuple[object, ...]) -> Received:
    from socialseed.model.conversations import InboxItem

    data, received_at, rule, outcomes, question, answered_at, hidden_at = row
    return Received(
        item=InboxItem.from_data(json.loads(str(data))),
        received_at=parse_instant(str(received_at)),
        rule=str(rule) if rule is not None else None,
        outcomes=tuple(json.loads(str(outcomes or "[]"))),
        question=bool(question),
        answered_at=parse_instant(str(answered_at)) if answered_at else None,
        hidden_at=parse_instant(str(hidden_at)) if hidden_at else None,
    )


def unanswered_count(db: StateReads, account: str) -> int:
    """Messages the rules want answered (a reply, or a person) that have no reply yet: as
    ``received`` has them (``Received.unanswered``), without decoding each message."""
    wanted = {"reply", "needs_person"}
    rows = db.conn.execute(
        f"select outcomes, answered_at, hidden_at from ({_SELECT} where i.account = ?) as r",
        [account],
    )
    return sum(
        1
        for outcomes, answered_at, hidden_at in rows.fetchall()
        if not answered_at and not hidden_at and wanted & set(json.loads(str(outcomes or "[]")))
    )


def replies_today(db: StateDB, account: str, now: datetime) -> dict[str, int]:
    """Replies done today per author id (the guard ``max_replies_per_author_per_day``)."""
    start = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
    rows = db.execute(
        "select json_extract(target, '$.id'), count(distinct action_id) from journal "
        "where account = ? and verb = 'reply' and kind = 'outcome' "
        "and status in ('done', 'already') and at >= ? group by 1",
        [account, start],
    )
    return {str(author): int(n) for author, n in rows.fetchall()}


def replies_to_author(
    db: StateDB,
    account: str,
    author_id: str,
    now: datetime,
    *,
    exclude: str,
    approved: bool,
) -> int:
    """Distinct replies to ``author_id`` today: done (journal), and with ``approved`` also those
    whose newest decision, made today in any plan, is a live approval; ``exclude`` (the reply
    being judged) is not counted."""
    start = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
    done = db.execute(
        "select distinct action_id from journal where account = ? and verb = 'reply' "
        "and kind = 'outcome' and status in ('done', 'already') and at >= ? "
        "and json_extract(target, '$.id') = ?",
        [account, start, author_id],
    )
    counted = {str(row[0]) for row in done.fetchall()}
    if approved:
        counted |= _approved_today(db, account, author_id, start, now)
    counted.discard(exclude)
    return len(counted)


def _approved_today(
    db: StateDB, account: str, author_id: str, start: str, now: datetime
) -> set[str]:
    rows = db.execute(
        "select d.plan_id, d.action_id, d.verdict, d.expires_at from decisions d "
        "join actions a on a.plan_id = d.plan_id and a.action_id = d.action_id "
        "where a.account = ? and a.verb = 'reply' and json_extract(a.data, '$.target.id') = ? "
        "and d.decided_at >= ? order by d.id",
        [account, author_id, start],
    )
    newest: dict[tuple[str, str], tuple[str, object]] = {}
    for plan_id, action_id, verdict, expires in rows.fetchall():
        newest[(str(plan_id), str(action_id))] = (str(verdict), expires)
    live = iso(now)
    return {
        action_id
        for (_, action_id), (verdict, expires) in newest.items()
        if verdict == "approve" and (expires is None or str(expires) > live)
    }

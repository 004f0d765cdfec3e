"""``status`` counts the messages the rules want answered and nobody answered or hid, in SQL
(without decoding each stored message), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from socialseed.state.inbox import unanswered_count

AT = "2026-12-01T09:00:00Z"


def _message(db: Any, account: str, message_id: str, outcomes: list[str]) -> None:
    db.conn.execute(
        "insert into inbox (account, message_id, platform, source, author_id, author_handle, "
        "created_at, received_at, question, rule, outcomes, data) "
        "values (?, ?, 'sandbox', 'mention', 'a1', 'someone', ?, ?, 0, 'r', ?, '{}')",
        [account, message_id, AT, AT, json.dumps(outcomes)],
    )


def _outcome(db: Any, account: str, verb: str, post_id: str, status: str) -> None:
    db.conn.execute(
        "insert into journal (plan_id, action_id, account, verb, target, kind, attempt, at, "
        "status) values ('p1', ?, ?, ?, ?, 'outcome', 1, ?, ?)",
        [f"{verb}-{post_id}", account, verb, json.dumps({"post_id": post_id}), AT, status],
    )


def test_unanswered_counts_what_the_rules_want_answered_and_nobody_did(state_db: Any) -> None:
    _message(state_db, "studio", "m1", ["reply"])  # waiting: counted
    _message(state_db, "studio", "m2", ["reply"])
    _outcome(state_db, "studio", "reply", "m2", "done")  # answered
    _message(state_db, "studio", "m3", ["needs_person"])
    _outcome(state_db, "studio", "hide_comment", "m3", "already")  # hidden
    _message(state_db, "studio", "m4", ["ignore"])  # the rules want nothing
    _message(state_db, "studio", "m5", ["needs_person", "like"])
    _outcome(state_db, "studio", "reply", "m5", "failed")  # tried, not answered: counted
    _message(state_db, "cafe", "m6", ["reply"])  # another account's
    _outcome(state_db, "studio", "reply", "m6", "done")  # (studio's reply is not cafe's)
    state_db.conn.commit()

    assert unanswered_count(state_db, "studio") == 2
    assert unanswered_count(state_db, "cafe") == 1
    assert unanswered_count(state_db, "nobody") == 0

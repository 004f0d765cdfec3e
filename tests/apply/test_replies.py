"""Apply sends a reply's approved text exactly, refuses a text its approval cannot explain,
and answers each message once (an answer already in the thread is not repeated)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from socialseed.apply.executor import Applier, Report
from socialseed.config.schema import Account
from socialseed.conversations.guards import text_guard
from socialseed.errors import ApprovalError, Transient
from socialseed.model import Action, Decision, Outcome
from socialseed.state.decisions import record_decision
from socialseed.state.plans import record_plan
from tests.review.factory import DRAFTS, reply_action

from .fakes import CAPS, ME, NOW, FakePlatform, Harness, Landed, config, plan_for, state


class Sender(FakePlatform):
    """Records the text of every reply it is asked to send."""

    sent: list[str]

    async def execute(self, action: Action) -> Outcome:
        self.sent.append(action.target.text or "")
        return await super().execute(action)


@dataclass
class ReplyHarness(Harness):
    sent: list[str] = field(default_factory=list)

    def factory(self, account: Account) -> FakePlatform:
        platform = Sender(account, self.world, self.scripts.get(account.id))
        platform.sent = self.sent
        self.platforms[account.id] = platform
        return platform

    async def run_guarded(self) -> Report:
        import random

        applier = Applier(
            self.db,
            self.plan,
            self.cfg,
            clock=self.clock,
            rng=random.Random(7),
            platform_for=self.factory,
            me=ME,
            on_event=self.events.append,
            capabilities_for=lambda account: CAPS,
            alive=lambda pid: pid == ME.pid,
            reply_guard=text_guard(self.cfg),
        )
        return await applier.run()


def harness(tmp_path: Path, **decision: object) -> tuple[ReplyHarness, Action]:
    cfg = config(("alpha",), daily={"reply": 20})
    reply = reply_action(account="alpha", platform="sandbox")
    plan = plan_for(cfg, [reply])
    db = state(tmp_path)
    record_plan(db, plan)
    fields: dict[str, object] = {"text": DRAFTS[0], "choice": 1, "edited": False} | decision
    record_decision(
        db,
        Decision(
            plan.id, reply.id, "approve", "person@example.com", NOW,
            expires_at=NOW + timedelta(hours=2), **fields,  # type: ignore[arg-type]
        ),
    )  # fmt: skip
    return ReplyHarness(db, cfg, plan), reply


def journal_texts(h: Harness, kind: str) -> list[str]:
    rows = h.db["journal"].rows_where("kind = ?", [kind], order_by="id")
    return [json.loads(str(r["target"])).get("text") for r in rows]


@pytest.mark.parametrize(
    ("decision", "sent"),
    [
        ({"text": DRAFTS[1], "choice": 2}, DRAFTS[1]),
        (
            {"text": "Thank you, Ada! Pure luck.", "choice": 3, "edited": True},
            "Thank you, Ada! Pure luck.",
        ),
    ],
)
async def test_the_approved_text_is_sent_exactly_and_journalled(
    tmp_path: Path, decision: dict[str, object], sent: str
) -> None:
    h, _ = harness(tmp_path, **decision)
    report = await h.run_guarded()
    assert report.exit_code == 0
    assert h.sent == [sent]
    assert journal_texts(h, "intent") == [sent]
    assert [r.status for r in report.results] == ["done"]


@pytest.mark.parametrize(
    ("decision", "why"),
    [
        ({"text": "Buy now!", "choice": 1}, "the approved text differs from the plan's "
         "alternative 1 and the approval records no edit"),
        ({"text": None, "choice": None}, "its approval records no reply text"),
        ({"text": DRAFTS[0], "choice": 4}, "its approval names alternative 4, which the plan "
         "does not have"),
        ({"text": "see www.spam.example", "choice": 1, "edited": True},
         "the approved text breaks a guard: the reply holds a link (guards.no_links)"),
    ],
)  # fmt: skip
async def test_a_text_the_approval_cannot_explain_is_refused_before_anything_runs(
    tmp_path: Path, decision: dict[str, object], why: str
) -> None:
    h, reply = harness(tmp_path, **decision)
    with pytest.raises(ApprovalError) as err:
        await h.run_guarded()
    assert err.value.exit_code == 1
    assert "refusing to apply: the plan's reply text and its approval do not agree" in str(
        err.value
    )
    assert f"{reply.id} (reply to @ada.film): {why}" in str(err.value)
    assert h.sent == [] and h.db["journal"].count == 0


async def test_a_message_answered_by_other_means_is_skipped_as_already_answered(
    tmp_path: Path,
) -> None:
    h, reply = harness(tmp_path)
    h.world.effects.add((reply.account, reply.verb.value, reply.target.key))  # a hand reply
    report = await h.run_guarded()
    [result] = report.results
    assert (result.status, result.deliberate) == ("skipped", True)
    assert result.detail.startswith("already answered: the account's reply to this message")
    assert h.sent == [] and report.exit_code == 0
    assert journal_texts(h, "intent") == []


async def test_a_reply_that_landed_before_the_answer_was_lost_is_confirmed_not_sent_again(
    tmp_path: Path,
) -> None:
    h, reply = harness(tmp_path)
    h.scripts["alpha"] = {reply.id: [Landed(Transient("sandbox: connection reset"))]}
    report = await h.run_guarded()
    assert h.sent == [DRAFTS[0]]  # one call; the retry looked in the thread first
    assert [(r.status, r.detail) for r in report.results] == [
        ("done", "confirmed by the platform after an interrupted attempt")
    ]
    again = await h.run_guarded()
    assert h.sent == [DRAFTS[0]]
    assert [r.earlier for r in again.results] == [True]


async def test_apply_sends_no_more_replies_to_an_author_than_the_daily_cap(
    tmp_path: Path,
) -> None:
    """Two approved replies to the same person (approved in different sessions, before the
    first was sent): the guard's cap (1 a day by default) holds at apply too."""
    import random

    from socialseed.conversations.caps import author_cap

    cfg = config(("alpha",), daily={"reply": 20})
    first = reply_action(account="alpha", platform="sandbox", message_id="m-1")
    second = reply_action(account="alpha", platform="sandbox", message_id="m-2")
    plan = plan_for(cfg, [first, second])
    db = state(tmp_path)
    record_plan(db, plan)
    for reply in (first, second):
        record_decision(
            db,
            Decision(
                plan.id, reply.id, "approve", "person@example.com", NOW,
                expires_at=NOW + timedelta(hours=2), text=DRAFTS[0], choice=1,
            ),
        )  # fmt: skip
    h = ReplyHarness(db, cfg, plan)
    applier = Applier(
        h.db,
        h.plan,
        h.cfg,
        clock=h.clock,
        rng=random.Random(7),
        platform_for=h.factory,
        me=ME,
        capabilities_for=lambda account: CAPS,
        alive=lambda pid: pid == ME.pid,
        reply_guard=text_guard(h.cfg),
        reply_cap=author_cap(h.cfg, h.db, h.clock, approved=False),
    )
    report = await applier.run()

    assert h.sent == [DRAFTS[0]]
    statuses = sorted((r.status, r.detail) for r in report.results)
    assert statuses == [
        ("done", ""),
        (
            "skipped",
            "not sent: @ada.film already has 1 reply sent today "
            "(guards.max_replies_per_author_per_day: 1)",
        ),
    ]
    assert report.exit_code == 0

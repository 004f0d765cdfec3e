"""The review card shows what a person needs to decide, and nothing is cut from ids."""

from __future__ import annotations

import io
from datetime import timedelta

from rich.console import Console

from socialseed.model import Decision, Risk, Verb
from socialseed.report import review_card
from socialseed.review import Card, Gate, Progress
from tests.review.factory import NOW, action


def render(renderable: object, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, no_color=True, highlight=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def make_card(decision: Decision | None = None, **kwargs: object) -> Card:
    act = action("alice.film", Verb.LIKE, **kwargs)  # type: ignore[arg-type]
    return Card(
        action=act,
        position=3,
        count=48,
        progress=Progress(48, 12, 10, 2, 0),
        decision=decision,
        gate=Gate(requires_human=True, bulk_ok=False, rule="r"),
        now=NOW,
    )


def test_card_shows_target_essentials_score_risk_filters_and_progress() -> None:
    text = render(review_card.card(make_card(risk=Risk.RED)))
    for expected in (
        "3/48 · studio (sandbox)",
        "Alice  @alice.film",
        "alice.film shoots 35mm film and develops at home",
        "followers 420 · following 210 (ratio 0.50) · posts 88 · last active 2d ago",
        "like @alice.film  post post-alice.film",
        "Fresh roll",  # the liked post's text
        "authenticity 0.81 · relevance 0.64 · engage",
        "has avatar",
        "RED  new account, few posts",
        "found via hashtag:filmphotography",
        "followers, ratio",
        "a person decides on each one (requires_human)",
        "12/48 reviewed, 10 approved, 2 rejected, 36 pending",
    ):
        assert expected in text, expected


def test_card_shows_an_earlier_decision_and_its_expiry() -> None:
    old = Decision(
        "p",
        "a",
        "approve",
        "ana@example.com",
        NOW - timedelta(hours=3),
        reason="fine",
        override=True,
        expires_at=NOW - timedelta(hours=1),
    )
    text = render(review_card.card(make_card(old)))
    assert 'approved by ana@example.com 3h ago (red override): "fine"; expired 1h ago' in text


def test_details_and_pending_table_keep_full_ids() -> None:
    card = make_card()
    assert card.action.id in render(review_card.details(card))
    table = render(review_card.pending_table([card.action], lambda a: card.gate), width=60)
    assert card.action.id in table and "@alice.f" in table  # long handles fold, ids never


def test_decision_line_names_overrides_and_reasons() -> None:
    act = action("red.one", risk=Risk.RED)
    decision = Decision(
        "p",
        act.id,
        "approve",
        "me",
        NOW,
        reason="known person",
        override=True,
        expires_at=NOW + timedelta(hours=2),
    )
    assert review_card.decision_line(act, decision) == (
        f'approved {act.id} follow @red.one (studio) (red override): "known person"; '
        "expires 2026-11-25T20:00:00Z"
    )

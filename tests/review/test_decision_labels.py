"""Labels that `show` and reports use to display decisions, overrides included."""

from __future__ import annotations

from datetime import timedelta

from socialseed.model import Decision
from socialseed.state.db import open_state
from socialseed.state.decisions import decision_labels, record_decision
from tests.review.factory import NOW


def test_labels_name_the_newest_decision_its_override_and_expiry() -> None:
    db = open_state(None)
    later = NOW + timedelta(hours=1)
    record_decision(db, Decision("p_1", "a_1", "reject", "ana", NOW, expires_at=later))
    record_decision(
        db,
        Decision(
            "p_1", "a_1", "approve", "lee", NOW, reason="known", override=True, expires_at=later
        ),
    )
    record_decision(db, Decision("p_1", "a_2", "approve", "ana", NOW, expires_at=NOW))
    assert decision_labels(db, "p_1", NOW) == {
        "a_1": 'approved by lee (red override): "known"',
        "a_2": "approved by ana (expired 2026-11-25T18:00:00Z)",
    }

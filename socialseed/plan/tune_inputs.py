"""What ``tune`` reads from the state: each judged follow with its source, outcome, the
features the ranker saw and the targeting's keywords its (still cached) profile mentions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from socialseed.config.schema import Config
from socialseed.plan.tune import Judged
from socialseed.scoring.base import Topic
from socialseed.scoring.heuristic import keyword_hits, topic_terms
from socialseed.state import growth as growth_store
from socialseed.state.candidates import cached_profiles
from socialseed.state.handle import StateDB


def judged_follows(
    db: StateDB, config: Config, accounts: Sequence[str], now: datetime
) -> list[Judged]:
    """The follows of ``accounts`` old enough to judge (made ``MATURE_DAYS`` ago or more)."""
    made_before = now - timedelta(days=growth_store.MATURE_DAYS)
    out: list[Judged] = []
    for account in accounts:
        rows = growth_store.labelled(db, account, made_before=made_before)
        profiles = cached_profiles(db, account, [r.target_id for r in rows])
        terms = {
            name: topic_terms(Topic("", tuple(t.keywords), ()))
            for name, t in config.targeting.items()
        }
        for r in rows:
            profile = profiles.get(r.target_id)
            words = None
            if profile is not None and r.targeting in terms:
                words = frozenset(keyword_hits(profile, terms[r.targeting])[1])
            out.append(Judged(r.targeting, r.source, r.followed_back, r.features, words))
    return out

"""Rules every real platform's data must keep (DESIGN §9)."""

from __future__ import annotations

import pytest

from socialseed.config.schema import Account
from socialseed.model import OUTBOUND_VERBS, OWN_SPACE_VERBS, Capabilities, Verb
from socialseed.platforms import registry

REAL = ["bluesky", "mastodon", "x", "instagram", "tiktok"]


def every_variant() -> list[Capabilities]:
    caps = [registry.capabilities(name) for name in REAL]
    for tier in ("pay_per_use", "basic", "pro", "enterprise"):
        account = Account(id="t", platform="x", handle="t", phases="p", access_tier=tier)
        caps.append(registry.capabilities("x", account))
    return caps


@pytest.mark.parametrize("caps", every_variant(), ids=lambda c: c.platform)
def test_outbound_needs_a_person_and_own_space_does_not(caps: Capabilities) -> None:
    assert caps.pack.requires_human >= OUTBOUND_VERBS
    assert not OWN_SPACE_VERBS & caps.pack.requires_human
    assert caps.pack.bulk_approve is False


@pytest.mark.parametrize("caps", every_variant(), ids=lambda c: c.platform)
def test_every_missing_verb_has_a_reason_with_a_source(caps: Capabilities) -> None:
    for verb in set(Verb) - caps.supports:
        reason = caps.unsupported_reasons[verb]
        assert "https://" in reason, (caps.platform, verb)
    assert caps.rate_limit_model and caps.auth_method
    for cap in caps.hard_caps:
        assert cap.source and cap.verb in caps.supports
    for shared in caps.budgets:
        assert shared.source and set(shared.costs) & caps.supports, (caps.platform, shared.name)

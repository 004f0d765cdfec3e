"""A platform module like the real ones: outbound verbs need a person; bulk only for the rest."""

from __future__ import annotations

from typing import Any

from socialseed.model import OUTBOUND_VERBS, Capabilities, PolicyPack, SourceKind, Verb


def capabilities(account: Any) -> Capabilities:
    return Capabilities(
        platform="bluesky",
        supports=frozenset(Verb),
        sources=frozenset(SourceKind),
        pack=PolicyPack(requires_human=frozenset(OUTBOUND_VERBS), bulk_approve=True),
    )


def build(account: Any, deps: Any) -> Any:
    raise NotImplementedError

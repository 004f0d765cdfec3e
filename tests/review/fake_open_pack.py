"""A platform module whose pack allows bulk approval and needs a person for nothing."""

from __future__ import annotations

from typing import Any

from socialseed.model import Capabilities, PolicyPack, SourceKind, Verb


def capabilities(account: Any) -> Capabilities:
    return Capabilities(
        platform="sandbox",
        supports=frozenset(Verb),
        sources=frozenset(SourceKind),
        pack=PolicyPack(requires_human=frozenset(), bulk_approve=True),
    )


def build(account: Any, deps: Any) -> Any:
    raise NotImplementedError

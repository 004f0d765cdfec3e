"""Widening a targeting beyond its sources (``expand:``), through the platform's own reads.

- ``followers_of_followbacks``: followers of the newest accounts that followed back (a
  ``followers_of`` read per account);
- ``engaged_with_our_posts``: people who commented on the account's own posts (``commenters``);
- ``related_hashtags``: the hashtags most used in the bios and recent posts of the profiles the
  targeting's own sources found, not a source yet (a ``hashtag`` read per tag).

Each is read only where the platform's official API offers that read; otherwise validate and
plan say so (``unoffered``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from socialseed.config.schema import Account, Targeting
from socialseed.model import Source, SourceKind
from socialseed.state import sources as source_store
from socialseed.state.handle import StateDB

READS = {
    "followers_of_followbacks": SourceKind.FOLLOWERS_OF,
    "engaged_with_our_posts": SourceKind.COMMENTERS,
    "related_hashtags": SourceKind.HASHTAG,
}
TAG = re.compile(r"#(\w{2,60})")
TAG_ROWS = 2000  # pool rows whose hashtags are counted


@dataclass(frozen=True)
class Planned:
    """A source a plan reads for a targeting: configured, or added by an expansion."""

    targeting: str
    source: Source
    limit: int
    max_pages: int
    origin: str = "source"


def unoffered(
    account: Account, name: str, targeting: Targeting, offered: Collection[SourceKind]
) -> list[str]:
    """One sentence per expansion the platform offers no read for."""
    return [
        f"{account.id}: targeting '{name}' expand.{kind} is not read: {account.platform} "
        f"offers no {READS[kind].value} read through its official API "
        f"(remove expand.{kind} from targeting '{name}')"
        for kind, _ in targeting.expand.chosen()
        if READS[kind] not in offered
    ]


def expansions(
    db: StateDB,
    account: Account,
    targetings: Mapping[str, Targeting],
    offered: Collection[SourceKind] | None,
    taken: Collection[str],
) -> list[Planned]:
    """The sources the account's targetings widen to today, in config order; a source key
    already read (``taken``) is not read twice."""
    out: list[Planned] = []
    keys = set(taken)
    for name in account.targeting:
        targeting = targetings[name]
        for kind, widen in targeting.expand.chosen():
            if offered is not None and READS[kind] not in offered:
                continue
            for value in _values(db, account, name, targeting, kind):
                source = Source(READS[kind], value)
                if source.key not in keys:
                    keys.add(source.key)
                    out.append(Planned(name, source, widen.limit, widen.max_pages, kind))
    return out


def _values(db: StateDB, account: Account, name: str, targeting: Targeting, kind: str) -> list[str]:
    expand = targeting.expand
    if kind == "followers_of_followbacks" and expand.followers_of_followbacks:
        count = expand.followers_of_followbacks.accounts
        return source_store.followback_handles(db, account.id, count)
    if kind == "related_hashtags" and expand.related_hashtags:
        own = {s.value.lower() for s in targeting.sources if s.kind == "hashtag"}
        skip = own | {m.lstrip("#").lower() for m in targeting.filters.opt_out_markers}
        keys = [Source(SourceKind(s.kind), s.value).key for s in targeting.sources]
        return related_tags(db, account.id, keys, skip, expand.related_hashtags.tags)
    return ["own"]  # engaged_with_our_posts: commenters on the account's own posts


def related_tags(
    db: StateDB, account: str, sources: Sequence[str], skip: Collection[str], count: int
) -> list[str]:
    """The ``count`` hashtags used most by the profiles the targeting's own ``sources`` found
    (bios and recent posts; a profile counts a tag once), ties by name, leaving out ``skip``.
    Only the configured sources count, so that a re-plan on the same day picks the same tags."""
    seen: Counter[str] = Counter()
    for bio, posts in source_store.pool_texts(db, account, sources, TAG_ROWS):
        texts = [bio, *(str(p.get("text") or "") for p in json.loads(posts or "[]"))]
        seen.update({t.lower() for text in texts for t in TAG.findall(text)})
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
    return [tag for tag, _ in ranked if tag not in skip][:count]

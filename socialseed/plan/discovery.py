"""Discovery: run an account's targeting sources through its platform, with a cache in state.

A source read within its targeting's ``cache_ttl`` is served from the state file and makes no
network call; ``refresh=True`` reads it again. Pages are followed until the source's ``limit``.
A profile found by several sources is kept once, under the first (in config order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from socialseed.config.schema import Account, Targeting, parse_duration
from socialseed.config.schema import Source as SourceConfig
from socialseed.model import Candidate, Profile, Source, SourceKind
from socialseed.platforms.base import Platform
from socialseed.state import candidates as store
from socialseed.state.handle import StateDB

MAX_EMPTY_PAGES = 3  # a source that keeps answering empty pages with a cursor is cut off


@dataclass
class Discovered:
    """An account's candidates (one per profile) and how each source was served."""

    candidates: list[Candidate] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # profile id -> digest
    fetched: list[str] = field(default_factory=list)  # sources read from the platform
    cached: list[str] = field(default_factory=list)  # sources served from the cache

    def add(self, found: list[tuple[Candidate, str]]) -> None:
        for candidate, digest in found:
            pid = candidate.profile.id
            if pid not in self.digests:
                self.digests[pid] = digest
                self.candidates.append(candidate)


def to_source(config: SourceConfig) -> Source:
    return Source(kind=SourceKind(config.kind), value=config.value)


async def read_source(platform: Platform, source: Source, limit: int) -> list[Profile]:
    """Up to ``limit`` profiles from ``source``, following the platform's cursors."""
    profiles: list[Profile] = []
    cursor: str | None = None
    empty = 0
    while len(profiles) < limit:
        page = await platform.discover(source, cursor)
        profiles += page.profiles
        empty = 0 if page.profiles else empty + 1
        if page.cursor is None or page.cursor == cursor or empty >= MAX_EMPTY_PAGES:
            break
        cursor = page.cursor
    return _unique(profiles)[:limit]


def _unique(profiles: list[Profile]) -> list[Profile]:
    seen: dict[str, Profile] = {}
    for profile in profiles:
        seen.setdefault(profile.id, profile)
    return list(seen.values())


def planned_sources(
    account: Account, targetings: Mapping[str, Targeting]
) -> list[tuple[str, Targeting, SourceConfig]]:
    """(targeting name, targeting, source) in config order, each source key once."""
    out: list[tuple[str, Targeting, SourceConfig]] = []
    keys: set[str] = set()
    for name in account.targeting:
        targeting = targetings[name]
        for source in targeting.sources:
            key = to_source(source).key
            if key not in keys:
                keys.add(key)
                out.append((name, targeting, source))
    return out


async def read_stale_sources(
    platform: Platform,
    account: Account,
    targetings: Mapping[str, Targeting],
    db: StateDB,
    *,
    now: datetime,
    refresh: bool = False,
) -> list[tuple[str, str, bool]]:
    """Read from the platform (into the cache) every source not read within its ``cache_ttl``;
    (targeting name, source key, read now) in config order."""
    served: list[tuple[str, str, bool]] = []
    for name, targeting, config in planned_sources(account, targetings):
        source = to_source(config)
        ttl = parse_duration(targeting.cache_ttl)
        fresh = store.is_fresh(db, account.id, source.key, now=now, ttl_seconds=ttl)
        if refresh or not fresh:
            profiles = await read_source(platform, source, config.limit)
            found = [Candidate(p, source.key, name) for p in profiles]
            store.store_candidates(db, account.id, source.key, found, now=now)
        served.append((name, source.key, refresh or not fresh))
    return served


async def discover_account(
    platform: Platform,
    account: Account,
    targetings: Mapping[str, Targeting],
    db: StateDB,
    *,
    now: datetime,
    refresh: bool = False,
) -> Discovered:
    """Every candidate of the account's targetings, from the cache or the platform."""
    result = Discovered()
    served = await read_stale_sources(platform, account, targetings, db, now=now, refresh=refresh)
    for name, key, fetched in served:
        (result.fetched if fetched else result.cached).append(key)
        loaded = store.load_candidates(db, account.id, key)
        result.add([(Candidate(c.profile, c.source, name), d) for c, d in loaded])
    return result

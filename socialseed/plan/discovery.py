"""Discovery: run an account's targeting sources through its platform, with a cache in state.

A source read within its targeting's ``cache_ttl`` is served from the state file and makes no
network call; ``refresh=True`` reads it again. Each read starts where the last one stopped (the
cursor is kept per account and source) and pages on until the source's ``limit`` of *new*
profiles (not followed or requested before, not rejected, not in a pending plan, not already
in the pool), its ``max_pages`` or its end; a source read to its end starts over from the top
after the targeting's ``restart_after``. What each read found is added to the pool, so
candidates not yet chosen stay for later plans. A targeting's ``expand:`` adds sources of its
own (see ``plan.expand``). A profile found by several sources is kept once, under the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialseed.config.schema import Account, Targeting, parse_duration
from socialseed.config.schema import Source as SourceConfig
from socialseed.model import Candidate, Profile, Source, SourceKind
from socialseed.plan.expand import Planned, expansions
from socialseed.platforms.base import Platform
from socialseed.state import candidates as store
from socialseed.state import sources as source_store
from socialseed.state.handle import StateDB

MAX_EMPTY_PAGES = 3  # a source that keeps answering empty pages with a cursor is cut off


@dataclass
class SourceRead:
    """One source of an account in this plan: read now or served from the cache, and how its
    paging went."""

    targeting: str
    key: str
    origin: str = "source"  # or the expand kind that added it
    fetched: bool = False  # read from the platform now (else served from the pool)
    limit: int = 0
    last: source_store.LastRead | None = None  # its last read (now or before; None: never)
    ended: bool = False  # the last page was reached (now or before)
    restart_on: datetime | None = None  # when a source at its end starts over


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


@dataclass
class Paging:
    """A read in progress: where it starts, what it may take, what it has found."""

    cursor: str | None
    limit: int
    max_pages: int
    known: set[str]
    profiles: dict[str, Profile] = field(default_factory=dict)
    new: int = 0
    pages: int = 0
    ended: bool = False


async def read_pages(platform: Platform, source: Source, paging: Paging) -> Paging:
    """Page through ``source`` from ``paging.cursor`` until ``paging.limit`` new profiles,
    ``paging.max_pages`` pages or the end; ``paging.cursor`` is left at the next page. The
    whole of the last page joins the pool (the cursor moves past it), so a read may bring in
    up to a page more than ``limit``."""
    empty = 0
    while paging.new < paging.limit and paging.pages < paging.max_pages:
        page = await platform.discover(source, paging.cursor)
        paging.pages += 1
        for profile in page.profiles:
            if profile.id in paging.profiles:
                continue
            paging.profiles[profile.id] = profile
            if profile.id not in paging.known:
                paging.new += 1
                paging.known.add(profile.id)
        empty = 0 if page.profiles else empty + 1
        if page.cursor is None or page.cursor == paging.cursor or empty >= MAX_EMPTY_PAGES:
            paging.cursor, paging.ended = None, True
            break
        paging.cursor = page.cursor
    return paging


async def read_source(platform: Platform, source: Source, limit: int) -> list[Profile]:
    """Up to ``limit`` profiles from the top of ``source`` (no state: for one-off reads)."""
    paging = await read_pages(platform, source, Paging(None, limit, 10**6, set()))
    return list(paging.profiles.values())[:limit]


def planned_sources(account: Account, targetings: Mapping[str, Targeting]) -> list[Planned]:
    """The account's configured sources in config order, each source key once."""
    out: list[Planned] = []
    keys: set[str] = set()
    for name in account.targeting:
        targeting = targetings[name]
        for source in targeting.sources:
            key = to_source(source).key
            if key not in keys:
                keys.add(key)
                out.append(Planned(name, to_source(source), source.limit, source.max_pages))
    return out


async def read_stale_sources(
    platform: Platform,
    account: Account,
    targetings: Mapping[str, Targeting],
    db: StateDB,
    *,
    now: datetime,
    refresh: bool = False,
    offered: frozenset[SourceKind] | None = None,
) -> list[SourceRead]:
    """Read from the platform (into the pool) every source not read within its ``cache_ttl``,
    then the targetings' expansions; one ``SourceRead`` per source, in config order."""
    reader = SourceReader(platform, account, targetings, db, None, now, refresh)
    planned = planned_sources(account, targetings)
    served = [await reader.serve(p) for p in planned]
    keys = {p.source.key for p in planned}
    for extra in expansions(db, account, targetings, offered, keys):
        served.append(await reader.serve(extra))
    return served


@dataclass
class SourceReader:
    """Serves an account's sources in one plan: from the pool, or read deeper."""

    platform: Platform
    account: Account
    targetings: Mapping[str, Targeting]
    db: StateDB
    # profiles not new to the account (grows as sources are read); read from state at the
    # first read (nothing this plan does before changes it): a plan served from the cache
    # does not need it
    known: set[str] | None
    now: datetime
    refresh: bool

    async def serve(self, planned: Planned) -> SourceRead:
        targeting = self.targetings[planned.targeting]
        key = planned.source.key
        read = SourceRead(planned.targeting, key, planned.origin, limit=planned.limit)
        read.last = source_store.last_read(self.db, self.account.id, key)
        at = source_store.position(self.db, self.account.id, key)
        wait = timedelta(seconds=parse_duration(targeting.restart_after))
        if at.ended_at is not None and at.cursor is None and not self.refresh:
            restart_on = at.ended_at + wait
            if self.now < restart_on:  # at its end, not yet due to start over
                read.ended, read.restart_on = True, restart_on
                return read
        ttl = parse_duration(targeting.cache_ttl)
        if not self.refresh and store.is_fresh(
            self.db, self.account.id, key, now=self.now, ttl_seconds=ttl
        ):
            return read
        await self._read(planned, read, at, wait)
        return read

    async def _read(
        self, planned: Planned, read: SourceRead, at: source_store.Position, wait: timedelta
    ) -> None:
        """Read the next pages into the pool; keep the cursor and the yield."""
        if self.known is None:
            self.known = source_store.known_targets(self.db, self.account.id, now=self.now)
        paging = Paging(at.cursor, planned.limit, planned.max_pages, self.known)
        await read_pages(self.platform, planned.source, paging)
        found = [Candidate(p, read.key, read.targeting) for p in paging.profiles.values()]
        store.add_candidates(self.db, self.account.id, read.key, found, now=self.now)
        restarted = at.cursor is None and at.pages > 0
        read.last = source_store.LastRead(self.now, paging.pages, len(found), paging.new, restarted)
        read.fetched, read.ended = True, paging.ended
        read.restart_on = self.now + wait if paging.ended else None
        pages = paging.pages + (0 if restarted else at.pages)
        position = source_store.Position(paging.cursor, pages, self.now if paging.ended else None)
        source_store.save_position(
            self.db, self.account.id, read.key, position, now=self.now, restarted=restarted
        )
        source_store.add_read(
            self.db,
            self.account.id,
            read.key,
            read.last,
            targeting=read.targeting,
            origin=read.origin,
        )


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
    for read in served:
        (result.fetched if read.fetched else result.cached).append(read.key)
        loaded = store.load_candidates(db, account.id, read.key)
        result.add([(Candidate(c.profile, c.source, read.targeting), d) for c, d in loaded])
    return result

"""Plan orchestration: discovery, filters, scoring and state reads, then the pure planner.

This is where plan-time I/O happens (through the injected platforms and the state database);
``planner.build_plan`` stays pure. Every plan made is recorded; auto-approved actions get
their policy decision recorded at once.
"""

from __future__ import annotations

import asyncio
import gc
import math
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np

from socialseed.clock import Clock, iso, parse_instant
from socialseed.config.schema import Account, Config, Targeting, TargetScoring, parse_duration
from socialseed.errors import AuthExpired, ConfigError, SecretError, SocialSeedError
from socialseed.limits import phases as phase_rules
from socialseed.model import Action, Candidate, Capabilities, Decision, Post, Profile, Score, Verb
from socialseed.model.plan import AICost, Plan
from socialseed.plan import filters as filter_rules
from socialseed.plan import policy, ranking
from socialseed.plan.discovery import SourceRead, read_stale_sources
from socialseed.plan.expand import unoffered
from socialseed.plan.filter_sql import filter_query, relationship_verdicts
from socialseed.plan.filters import FilterContext, Relationship
from socialseed.plan.funnel import Stage, funnel_notes
from socialseed.plan.planner import AccountPart, Existing, Scored, assemble_plan, plan_account
from socialseed.plan.pool import Part, Pool
from socialseed.plan.reads import Reads, read_relationships
from socialseed.plan.scoring import (
    HEURISTIC_LABEL,
    ScoreBook,
    score_join,
    score_pool,
    select_scorer,
    topic_of,
)
from socialseed.plan.topk import RankColumns, Shortlist, best_indices
from socialseed.platforms.base import Platform
from socialseed.platforms.lazy import LazyPlatform
from socialseed.redact import scrub
from socialseed.scoring.base import Scorer, ScoringReport
from socialseed.scoring.budget import SpendMeter
from socialseed.state import accounts as account_store
from socialseed.state import candidates as candidate_store
from socialseed.state import growth as growth_store
from socialseed.state import rejections as rejection_store
from socialseed.state import sources as source_store
from socialseed.state import usage
from socialseed.state.decisions import POLICY_REVIEWER, latest_decisions, record_decision
from socialseed.state.handle import StateDB

POST_FETCH_CONCURRENCY = 8
RUNWAY_DAYS = re.compile(r"about ([0-9]+(?:\.[0-9]+)?) more day")
POSTS_PER_CANDIDATE = 5


@dataclass(frozen=True)
class PlanOptions:
    accounts: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    refresh: bool = False
    force: bool = False
    author: str | None = None  # who makes the plan (recorded when policy.reviewers is set)


# The inbox's conversation actions (unfitted), notes and AI-draft report (or None) for one
# account: injected by the CLI (``conversations.propose``), so the plan flow does not depend on
# the conversations flow. The meter is the plan's AI budget, shared with scoring.
ConversationsFor = Callable[
    [Account, Capabilities, Platform, datetime, SpendMeter | None],
    Awaitable[tuple[list[Action], list[str], ScoringReport | None]],
]


@dataclass
class Runtime:
    """What planning needs from outside (built by the CLI, faked in tests)."""

    db: StateDB
    clock: Clock
    platform_for: Callable[[Account], Platform]
    capabilities_for: Callable[[Account], Capabilities]
    env: Mapping[str, str] = field(default_factory=dict)
    conversations_for: ConversationsFor | None = None
    # the checks building an account's platform makes (a sandbox's world file), run when the
    # account is planned; the platform itself is built on its first read (``LazyPlatform``)
    prepare_platform: Callable[[Account], None] | None = None


@dataclass(frozen=True)
class FailedAccount:
    """An account left out of the plan because it could not authenticate."""

    account: str
    error: SocialSeedError

    def note(self) -> str:
        """For the plan's notes: scrubbed, as an error's text may quote what was sent."""
        return scrub(f"account {self.account} was not planned: {self.error.message}")


@dataclass
class PlanRun:
    plan: Plan
    messages: list[str] = field(default_factory=list)  # for stderr: cache use, scoring notes
    failed: list[FailedAccount] = field(default_factory=list)  # planned without these


# -- accounts -----------------------------------------------------------------------------------
def select_accounts(config: Config, options: PlanOptions) -> list[Account]:
    known = [a.id for a in config.accounts]
    for given in (*options.accounts, *options.exclude):
        if given not in known:
            raise ConfigError(
                [f"--account/--exclude-account: no account {given!r} in the config"],
                hint=f"accounts in the config: {', '.join(known)}",
            )
    chosen = [a for a in config.accounts if a.enabled and a.id not in options.exclude]
    if options.accounts:
        chosen = [a for a in chosen if a.id in options.accounts]
    return chosen


def targetings_of(config: Config, account: Account) -> dict[str, Targeting]:
    return {name: config.targeting[name] for name in account.targeting}


# -- one account --------------------------------------------------------------------------------
class AccountRun:
    """Gathers one account's inputs for the planner."""

    def __init__(
        self,
        config: Config,
        account: Account,
        rt: Runtime,
        options: PlanOptions,
        now: datetime,
        meter: SpendMeter | None = None,
    ) -> None:
        self.config = config
        self.account = account
        self.rt = rt
        self.options = options
        self.now = now
        self.meter = meter  # the plan's AI budget, shared by every account and targeting
        self.caps = rt.capabilities_for(account)
        self.targetings = targetings_of(config, account)
        self.messages: list[str] = []
        self.ai: list[tuple[str, ScoringReport]] = []  # (targeting, report) of AI scorers
        self.growth_notes: list[str] = []
        self._pool = Pool.of([])  # what passed the filters, scored (for learning)
        self._ranks = ranking.Ranks.none()  # their ranks
        self._reads: list[SourceRead] = []  # how each source was read or served
        self._stages: dict[str, Stage] = {name: Stage() for name in self.targetings}
        self._now_us = candidate_store.micros(now)

    @property
    def db(self) -> StateDB:
        return self.rt.db

    async def part(self) -> AccountPart:
        """This account's share of the plan (its candidates are let go as soon as it is made)."""
        paused = self._paused()
        if paused:  # apply would refuse every action: no reads, no proposals, say why
            existing = Existing(
                state_serial=account_store.state_serial(self.db, self.account.id),
                paused=paused,
                first_plan_on=self._first_plan_on(),
            )
            return plan_account(self.config, self.account, self.caps, [], existing, self.now)
        scored, existing = await self.gather()
        part = plan_account(self.config, self.account, self.caps, scored, existing, self.now)
        kept = self._keep_proposals(part.actions)
        self._pool, self._ranks = Pool.of([]), ranking.Ranks.none()  # let the candidates go
        part = self._with_funnel(part, kept)
        return part

    def _paused(self) -> str:
        account_store.ensure_account(
            self.db, self.account.id, self.account.platform, self.account.handle
        )
        found = account_store.active_pause(self.db, self.account.id, self.now)
        if found is None:
            return ""
        until = f"until {iso(found.until)}" if found.until else "until resumed"
        return f"{until} ({found.reason or 'no reason given'})"

    def _first_plan_on(self) -> date | None:
        """Day 1 when the config names no start_date: the first day this account was planned."""
        if self.account.start_date is not None:
            return None
        return account_store.note_first_plan(self.db, self.account.id, self.now.date())

    async def gather(self) -> tuple[Shortlist[Scored], Existing]:
        account_store.ensure_account(
            self.db, self.account.id, self.account.platform, self.account.handle
        )
        if self.rt.prepare_platform is not None:
            self.rt.prepare_platform(self.account)
        platform = LazyPlatform(self.account, self.caps, self.rt.platform_for)  # built on use
        try:
            return await self._gather(platform)
        finally:
            await platform.aclose()

    async def _gather(self, platform: Platform) -> tuple[Shortlist[Scored], Existing]:
        served = await read_stale_sources(
            platform,
            self.account,
            self.targetings,
            self.db,
            now=self.now,
            refresh=self.options.refresh,
            offered=self.caps.sources,
        )
        self._reads = served
        self._note_sources([r.key for r in served if not r.fetched])
        for name, targeting in self.targetings.items():
            self.growth_notes += unoffered(self.account, name, targeting, self.caps.sources)
        relationships = self._relationships()
        reads = await read_relationships(
            platform,
            self.db,
            self.account.id,
            wanted=self._wants_unfollows(),
            relationships=relationships,
            max_shrink_pct=self.config.policy.thresholds.max_shrink_pct,
            force=self.options.force,
        )
        contexts = self._contexts(reads.relationships or relationships)
        passed, dropped = self._filter(served, reads.relationships or relationships, contexts)
        shortlist = await self._shortlist(platform, passed, contexts)
        existing = self._existing(relationships, reads, dropped)
        existing = replace(existing, notes=(*existing.notes, *self.growth_notes))
        if self.rt.conversations_for is not None:
            talk, notes, drafted = await self.rt.conversations_for(
                self.account, self.caps, platform, self.now, self.meter
            )
            if drafted is not None:
                self.ai.append((f"conversations {self.account.conversations}", drafted))
            existing = replace(existing, conversation=tuple(talk), notes=(*existing.notes, *notes))
        return shortlist, existing

    def _note_sources(self, cached: list[str]) -> None:
        if cached:
            self.messages.append(
                f"{self.account.id}: {len(cached)} source(s) served from the cache "
                "(use --refresh to read them again)"
            )

    # -- state reads -----------------------------------------------------------------------
    def _relationships(self) -> dict[str, Relationship]:
        rows = usage.relationships(self.db, self.account.id)
        return {
            str(r["target_id"]): Relationship(
                target_id=str(r["target_id"]),
                handle=str(r["target_handle"] or ""),
                origin=str(r["origin"] or "manual"),
                since=_instant(r["since"]),
                unfollowed_at=_instant(r["unfollowed_at"]),
                followed_back_at=_instant(r["followed_back_at"]),
            )
            for r in rows
        }

    def _wants_unfollows(self) -> bool:
        return any(
            t.actions.unfollow_non_followers_after_days is not None
            for t in self.targetings.values()
        )

    def _override(self) -> tuple[str, datetime] | None:
        found = usage.phase_override(self.db, self.account.id)
        if found is None:
            return None
        return found[0], _instant(found[1]) or self.now

    def _existing(
        self, relationships: dict[str, Relationship], reads: Reads, dropped: Counter[str]
    ) -> Existing:
        override = self._override()
        return Existing(
            state_serial=account_store.state_serial(self.db, self.account.id),
            used_today=usage.used_today(self.db, self.account.id, self.now),
            phase_override=(override[0], override[1].date()) if override else None,
            relationships=reads.relationships or relationships,
            follower_ids=reads.followers,
            following_count=reads.following_count,
            suspect=tuple(reads.suspect),
            dropped=dict(dropped),
            notes=tuple(reads.notes),
            done_action_ids=usage.done_action_ids(self.db, self.account.id, ("like", "repost")),
            rejected_ids=rejection_store.rejected_ids(self.db, self.account.id),
            first_plan_on=self._first_plan_on(),
        )

    # -- filters, scores, posts ------------------------------------------------------------
    def _contexts(self, relationships: dict[str, Relationship]) -> dict[str, FilterContext]:
        return {name: self._context(t, relationships) for name, t in self.targetings.items()}

    def _filter(
        self,
        served: list[SourceRead],
        relationships: Mapping[str, Relationship],
        contexts: Mapping[str, FilterContext],
    ) -> tuple[Pool, Counter[str]]:
        """The cached candidates that pass their targeting's filters, as columns (filtered in
        SQL: no profile or reason text is made here), and how many each filter dropped."""
        candidate_store.set_relationship_verdicts(
            self.db,
            self.account.id,
            relationship_verdicts(relationships, self.account.allow_manual),
        )
        ours = self._managed_handles()
        queries = {
            name: filter_query(t.filters, contexts[name], ours)
            for name, t in self.targetings.items()
        }
        parts: dict[str, list[Part]] = {name: [] for name in self.targetings}
        dropped: Counter[str] = Counter()
        earlier: list[str] = []
        for read in served:
            name, key = read.targeting, read.key
            query = queries[name]
            join = score_join(self.targetings[name])
            counts, rows = candidate_store.filter_source(
                self.db, self.account.id, key, earlier, query, join
            )
            dropped.update(counts)
            parts[name].append(Part(name, key, rows, HEURISTIC_LABEL if join else ""))
            stage = self._stages[name]
            stage.scored += len(rows)
            for reason, n in counts.items():
                stage.dropped[reason] = stage.dropped.get(reason, 0) + n
            earlier.append(key)
        return Pool.of([part for name in self.targetings for part in parts[name]]), dropped

    def _managed_handles(self) -> frozenset[str]:
        """Handles of every account this config manages on this platform (ours, not targets)."""
        return frozenset(
            a.handle.lstrip("@").lower()
            for a in self.config.accounts
            if a.platform == self.account.platform
        )

    def _context(self, targeting: Targeting, rels: dict[str, Relationship]) -> FilterContext:
        pol = self.config.policy
        return FilterContext(
            now=self.now,
            blocklist=(*pol.blocklist, *targeting.filters.blocklist),
            allowlist=(*pol.allowlist, *targeting.filters.allowlist),
            relationships=rels,
            allow_manual=self.account.allow_manual,
        )

    async def _shortlist(
        self,
        platform: Platform,
        pool: Pool,
        contexts: Mapping[str, FilterContext],
    ) -> Shortlist[Scored]:
        """Score what passed, rank it by expected follow-back, fetch recent posts for the top,
        and build the candidates lazily, best first."""
        books = await self._score(pool)
        ranks = self._rank(pool)
        self._pool, self._ranks = pool, ranks
        columns = pool.rank_columns(ranks.place)
        posts = await self._posts(platform, pool, columns)
        maker = CandidateMaker(self.db, self.targetings, contexts, pool, books, posts, ranks)
        return Shortlist.of_columns(columns, self._scoring, maker.build, pool.scorers())

    def _scoring(self, targeting: str) -> TargetScoring:
        return self.targetings[targeting].scoring

    async def _score(self, pool: Pool) -> dict[str, ScoreBook]:
        """Fill in every candidate's score numbers (targeting by targeting); the books that
        give the full scores."""
        books: dict[str, ScoreBook] = {}
        for name, targeting in self.targetings.items():
            group = pool.of_targeting(name)
            if not group:
                continue
            scorer = select_scorer(
                targeting.scoring.provider,
                self.config,
                now=self.now,
                clock=self.rt.clock,
                env=self.rt.env,
                db=self.db,
                meter=self.meter,
            )
            books[name] = await score_pool(
                scorer,
                pool,
                group,
                topic_of(targeting),
                self.db,
                self.now,
                score_join(targeting),
                lambda indices: self._candidates(pool, indices),
            )
            self._note_scorer(name, scorer)
        return books

    def _candidates(self, pool: Pool, indices: Sequence[int]) -> list[tuple[Candidate, str]]:
        """Candidates (with their digests) built from the cache, for a scorer."""
        profiles = candidate_store.load_profiles(self.db, [pool.rowid[i] for i in indices])
        made = [(profiles[pool.rowid[i]], i) for i in indices]
        return [(Candidate(p, pool.source[i], pool.targeting[i]), d) for (p, d), i in made]

    # -- ranking by expected follow-back --------------------------------------------------
    def _rank(self, pool: Pool) -> ranking.Ranks:
        """Each candidate's expected follow-back, learned from this account's own outcomes,
        and its place in its targeting's order (with its control group), from the numbers."""
        if not len(pool):
            return ranking.Ranks.none()
        ranker = ranking.Ranker(self._outcomes())
        self.growth_notes.append(f"ranking by expected follow-back: {ranker.describe()}")
        expected = ranker.expected_columns(pool.known(), self._now_us)
        return ranking.rank_columns(
            pool.profile_id,
            pool.targeting,
            expected,
            control_pct={n: t.experiment.control_pct for n, t in self.targetings.items()},
            seed_of={n: self._seed(n) for n in self.targetings},
        )

    def _seed(self, targeting: str) -> str:
        return f"{self.account.id}:{targeting}:{self.now.date().isoformat()}"

    def _outcomes(self) -> list[ranking.Outcome]:
        """Follows old enough to judge (made ``MATURE_DAYS`` ago or more), as training rows."""
        made_before = self.now - timedelta(days=growth_store.MATURE_DAYS)
        rows = growth_store.labelled(self.db, self.account.id, made_before=made_before)
        return [ranking.Outcome(r.features, r.followed_back) for r in rows]

    def _with_funnel(self, part: AccountPart, kept: Sequence[growth_store.Proposal]) -> AccountPart:
        """The part with each targeting's funnel in its notes; each source's chosen follows
        added to its yield."""
        chosen: Counter[str] = Counter()
        for proposal in kept:
            self._stages[proposal.targeting].chosen += 1
            chosen[proposal.source] += 1
        source_store.add_chosen(self.db, self.account.id, chosen)
        notes = funnel_notes(list(self.targetings), self._stages, self._reads)
        return replace(part, summary=replace(part.summary, notes=(*part.summary.notes, *notes)))

    def _keep_proposals(self, actions: Sequence[Action]) -> list[growth_store.Proposal]:
        """Record each proposed follow's arm, expectation and features (for learning); the
        candidate behind a follow is the one of its profile whose rank the follow carries."""
        follows = {
            a.target.id: a
            for a in actions
            if a.verb is Verb.FOLLOW and a.expected_followback is not None
        }
        kept: dict[str, growth_store.Proposal] = {}
        pool, ranks = self._pool, self._ranks
        for i in [i for i, pid in enumerate(pool.profile_id) if pid in follows]:
            pid = pool.profile_id[i]
            action, rank = follows[pid], ranks.of(i)
            if pid in kept or (rank.expected, rank.arm) != (action.expected_followback, action.arm):
                continue  # the profile's row in another targeting
            kept[pid] = growth_store.Proposal(
                target_id=pid,
                targeting=pool.targeting[i],
                source=pool.source[i],
                arm=action.arm or "chosen",
                expected=rank.expected,
                features=ranking.features_of(pool.known_of(i), self._now_us),
            )
        growth_store.record_proposals(self.db, self.account.id, list(kept.values()), now=self.now)
        return list(kept.values())

    def _note_scorer(self, targeting: str, scorer: Scorer) -> None:
        report = getattr(scorer, "report", None)
        if isinstance(report, ScoringReport):
            self.ai.append((targeting, report))
        for note in getattr(report, "notes", []) or []:
            self.messages.append(f"{self.account.id}: {note}")

    async def _posts(
        self, platform: Platform, pool: Pool, columns: RankColumns
    ) -> dict[str, tuple[Post, ...]]:
        """Recent posts for the top candidates that need them for likes or reposts."""
        wanted = self._post_candidates(pool, columns)
        if not wanted:
            return {}
        ttl = min(parse_duration(t.cache_ttl) for t in self.targetings.values())
        posts = candidate_store.cached_posts(
            self.db, self.account.id, wanted, now=self.now, ttl_seconds=ttl
        )
        missing = [pid for pid in wanted if self.options.refresh or pid not in posts]
        fetched = await _fetch_posts(platform, missing)
        candidate_store.store_posts(self.db, self.account.id, fetched, now=self.now)
        posts.update({pid: tuple(items) for pid, items in fetched.items()})
        return posts

    def _post_candidates(self, pool: Pool, columns: RankColumns) -> list[str]:
        """The best ``_post_need`` candidates of targetings that like or repost (whatever
        their relevance) whose cached profile holds no recent posts."""
        need = self._post_need()
        if need == 0:
            return []
        wants = {name for name in self.targetings if self._wants_posts(name)}
        wanting = np.array([t in wants for t in pool.targeting], dtype=bool)
        if not wanting.any() or bool((pool.post_count[wanting] > 0).all()):
            return []
        order, _ = best_indices(columns, self._scoring)
        best = order[wanting[order]][:need].tolist()
        return [pool.profile_id[i] for i in best if not pool.post_count[i]]

    def _post_need(self) -> int:
        """How many top candidates may get likes/reposts today (twice that, for spares)."""
        phase = phase_rules.current_phase(
            self.config.phases[self.account.phases],
            start=self.account.start_date or self._first_plan_on(),
            today=self.now.date(),
        )
        need = 0
        for targeting in self.targetings.values():
            acts = targeting.actions
            for verb, count in (("like", acts.like_recent), ("repost", acts.repost_recent)):
                if count:
                    need = max(need, math.ceil(phase.daily.get(verb, 0) / count))
        return 2 * need

    def _wants_posts(self, targeting: str) -> bool:
        acts = self.targetings[targeting].actions
        return bool(acts.like_recent or acts.repost_recent)


@dataclass(frozen=True)
class CandidateMaker:
    """Builds the few candidates a plan walks through: profile, filter texts, full score."""

    db: StateDB
    targetings: Mapping[str, Targeting]
    contexts: Mapping[str, FilterContext]
    pool: Pool
    books: Mapping[str, ScoreBook]
    posts: Mapping[str, tuple[Post, ...]]
    ranks: ranking.Ranks

    def build(self, indices: list[int]) -> list[Scored]:
        pool = self.pool
        profiles = candidate_store.load_profiles(self.db, [pool.rowid[i] for i in indices])
        scores = self._scores(indices, {r: p for r, (p, _) in profiles.items()})
        out: list[Scored] = []
        for index in indices:
            profile = profiles[pool.rowid[index]][0]
            name = pool.targeting[index]
            targeting = self.targetings[name]
            result = filter_rules.apply_filters(profile, targeting.filters, self.contexts[name])
            rank = self.ranks.of(index)
            made = Scored(
                Candidate(profile, pool.source[index], name),
                result,
                scores[pool.rowid[index]],
                expected=rank.expected,
                arm=rank.arm,
                place=rank.place,
            )
            out.append(_attach(made, self.posts.get(profile.id)))
        return out

    def _scores(self, indices: Sequence[int], profiles: Mapping[int, Profile]) -> dict[int, Score]:
        """Full scores by rowid, a targeting's book at a time."""
        found: dict[int, Score] = {}
        for name, book in self.books.items():
            rowids = [self.pool.rowid[i] for i in indices if self.pool.targeting[i] == name]
            if rowids:
                found.update(zip(rowids, book.full(self.db, rowids, profiles), strict=True))
        return found


def _instant(value: str | None) -> datetime | None:
    return parse_instant(value) if value else None


async def _fetch_posts(platform: Platform, ids: Sequence[str]) -> dict[str, list[Post]]:
    gate = asyncio.Semaphore(POST_FETCH_CONCURRENCY)

    async def one(pid: str) -> tuple[str, list[Post]]:
        async with gate:
            return pid, await platform.recent_posts(pid, POSTS_PER_CANDIDATE)

    return dict(await asyncio.gather(*(one(pid) for pid in ids)))


def _attach(item: Scored, posts: tuple[Post, ...] | None) -> Scored:
    if not posts or item.candidate.profile.recent_posts:
        return item
    profile = replace(item.candidate.profile, recent_posts=posts)
    return replace(item, candidate=replace(item.candidate, profile=profile))


# -- the whole plan -----------------------------------------------------------------------------
@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while candidates are loaded and scored.

    Planning allocates a great many small acyclic objects (profiles, scores); with the
    collector on, its full passes over them made a 100,000-candidate plan twice as slow.
    Reference counting still frees everything; cycles are collected when this ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def make_plan(config: Config, rt: Runtime, options: PlanOptions) -> PlanRun:
    """Gather every selected account's inputs and plan it; the pure planner does the deciding.

    Accounts run side by side on one event loop (their network reads overlap); each account's
    candidates are planned as soon as they are gathered, so memory holds one account's
    candidates at a time when they come from the cache.
    """
    now = rt.clock.now()
    chosen = select_accounts(config, options)
    meter = SpendMeter(cap=config.scoring.max_cost_usd)  # one budget for the whole plan
    runs = [AccountRun(config, account, rt, options, now, meter) for account in chosen]
    for run in runs:  # every account's platform rules, before any network call
        policy.check_account(run.account, run.targetings, run.caps)
    with bulk_allocation():
        outcomes = await asyncio.gather(*(_part_or_failure(run) for run in runs))
        parts = [o for o in outcomes if isinstance(o, AccountPart)]
        failed = [o for o in outcomes if isinstance(o, FailedAccount)]
        if failed and not parts:
            raise failed[0].error  # nothing planned: the error itself (exit 4)
        notes = [f.note() for f in failed]
        plan = assemble_plan(
            config,
            parts,
            now,
            force=options.force,
            notes=notes,
            ai=ai_cost(config, runs),
            author=options.author,
        )
    messages = [m for run in runs for m in run.messages]
    return PlanRun(plan=plan, messages=messages, failed=failed)


async def _part_or_failure(run: AccountRun) -> AccountPart | FailedAccount:
    """The account's part, or why it could not authenticate: one account's missing or expired
    credentials do not stop the others from being planned."""
    try:
        return await run.part()
    except (AuthExpired, SecretError) as exc:
        return FailedAccount(run.account.id, exc)


def ai_cost(config: Config, runs: Sequence[AccountRun]) -> AICost | None:
    """The plan's AI section: every estimate made before scoring, and what was spent."""
    reports = [(run.account.id, name, report) for run in runs for name, report in run.ai]
    if not reports:
        return None
    estimates = [
        replace(e, step=f"{account}/{targeting}")
        for account, targeting, report in reports
        for e in report.estimates
    ]
    return AICost(
        estimates=tuple(estimates),
        spent_usd=sum(report.cost_usd for _, _, report in reports),
        max_cost_usd=config.scoring.max_cost_usd,
    )


def runway_days(note: str) -> float | None:
    """The days in a runway note ('... fills about 2.5 more day(s) ...'), if it says."""
    found = RUNWAY_DAYS.search(note)
    return float(found.group(1)) if found else None


def record(db: StateDB, plan: Plan, config: Config, *, now: datetime, path: str | None) -> int:
    """Record the plan and the policy's auto-approvals; return how many were approved now."""
    from socialseed.state.plans import record_plan

    record_plan(db, plan, path=path)
    for summary in plan.accounts:
        for note in summary.notes:
            if note.startswith("runway"):
                growth_store.record_runway(db, summary.account, note, now=now)
                source_store.record_runway_days(db, summary.account, runway_days(note))
    expires = now + timedelta(seconds=parse_duration(config.policy.approval_ttl))
    known = latest_decisions(db, plan.id)
    count = 0
    sensitive = {a.id for a in config.accounts if a.sensitive}  # two persons decide each one
    for action in plan.actions:
        if not action.auto_approved or action.id in known or action.account in sensitive:
            continue
        if rejection_store.active_rejection(db, action.id) is not None:
            continue  # a person said no to this target: the policy never overrules that
        record_decision(
            db,
            Decision(
                plan_id=plan.id,
                action_id=action.id,
                verdict="approve",
                reviewer=POLICY_REVIEWER,
                decided_at=now,
                reason=f"policy.auto_approve: {action.risk.value}",
                expires_at=expires,
            ),
        )
        count += 1
    return count

"""The planner: a pure function from config, scored candidates and existing state to a Plan.

No network, no disk, no clock: ``now`` is handed in. The same inputs give the same plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config, Targeting, parse_duration
from socialseed.limits import phases as phase_rules
from socialseed.model import Action, Candidate, Post, Risk, Score, Target, Verb, action_id
from socialseed.model.frozen import without_init
from socialseed.model.plan import AccountPlan, AICost, Plan
from socialseed.plan import policy
from socialseed.plan.filters import FilterResult, Relationship
from socialseed.plan.topk import RankInput, Shortlist

if TYPE_CHECKING:
    from socialseed.model import Capabilities


@dataclass(frozen=True)
class Scored:
    """A candidate that passed the filters, with its score."""

    candidate: Candidate
    filters: FilterResult
    score: Score
    expected: float | None = None  # expected follow-back (plan.ranking)
    arm: str = ""  # chosen | control (the targeting's experiment)
    place: int | None = None  # position in plan.ranking's order (lower is better)


@dataclass(frozen=True)
class Existing:
    """What state (and the fresh reads) say about one account, as plain data."""

    state_serial: int = 0
    used_today: Mapping[str, int] = field(default_factory=dict)
    phase_override: tuple[str, date] | None = None
    relationships: Mapping[str, Relationship] = field(default_factory=dict)
    follower_ids: frozenset[str] | None = None  # None: not read
    following_count: int | None = None
    suspect: tuple[str, ...] = ()  # suspect reads: no unfollows from them
    dropped: Mapping[str, int] = field(default_factory=dict)  # filter name -> candidates
    notes: tuple[str, ...] = ()
    done_action_ids: frozenset[str] = frozenset()  # likes/reposts already in effect
    rejected_ids: frozenset[str] = frozenset()  # a person said no to these: never again
    paused: str = ""  # why the account is paused now (then nothing is proposed)
    first_plan_on: date | None = None  # day 1 when the config names no start_date
    conversation: tuple[Action, ...] = ()  # replies, hides, likes the inbox asks for (unfitted)


@dataclass(frozen=True)
class AccountPart:
    """One account's share of a plan: its actions, its summary, who scored how many."""

    actions: list[Action]
    summary: AccountPlan
    scorers: Mapping[str, int]
    following_count: int | None


def plan_account(
    config: Config,
    account: Account,
    caps: Capabilities,
    items: Sequence[Scored] | Shortlist[Scored],
    state: Existing,
    now: datetime,
) -> AccountPart:
    """Propose, rank and fit one account's actions (pure, given a shortlist's builder)."""
    pool = items if isinstance(items, Shortlist) else shortlist_of(config, items)
    actions, summary = AccountPlanner(config, account, caps, state, now).plan(pool)
    return AccountPart(actions, summary, dict(pool.scorers), state.following_count)


def rank_input(item: Scored) -> RankInput:
    """What ranking reads of a scored candidate."""
    score = item.score
    return RankInput(
        item.candidate.profile.id,
        item.candidate.targeting,
        score.authenticity,
        score.relevance,
        score.recommendation,
        bool(item.filters.unknown),
    )


def shortlist_of(config: Config, items: Sequence[Scored]) -> Shortlist[Scored]:
    """A shortlist over candidates already built."""
    return Shortlist(
        [rank_input(item) for item in items],
        lambda name: config.targeting[name].scoring,
        lambda indices: [items[i] for i in indices],
        Counter(f"{s.score.scorer}@{s.score.version}" for s in items),
        [item.place for item in items],
    )


def assemble_plan(
    config: Config,
    parts: Sequence[AccountPart],
    now: datetime,
    *,
    force: bool = False,
    notes: Sequence[str] = (),
    ai: AICost | None = None,
    author: str | None = None,
) -> Plan:
    """The plan made of the accounts' parts; refuse an unsafe one unless ``force``.
    ``notes`` say what the plan leaves out (an account that could not authenticate)."""
    actions = [a for part in parts for a in part.actions]
    following = {part.summary.account: part.following_count for part in parts}
    problems = policy.threshold_problems(actions, following, config.policy.thresholds)
    policy.raise_if_unsafe(problems, force=force)
    scorers: Counter[str] = Counter()
    for part in parts:
        scorers.update(part.scorers)
    low = [
        f"{part.summary.account}: {n}"
        for part in parts
        for n in part.summary.notes
        if n.startswith(RUNWAY_LOW)
    ]
    return Plan(
        actions,
        created_at=now,
        expires_at=now + timedelta(seconds=parse_duration(config.policy.plan_ttl)),
        config_sha256=config_digest(config),
        accounts=[part.summary for part in parts],
        scorers=dict(scorers),
        notes=[*notes, *(f"forced past: {p}" for p in problems), *low],
        ai=ai,
        author=author if config.policy.reviewers else None,
    )


def build_plan(
    config: Config,
    scored: Mapping[str, Sequence[Scored]],
    existing: Mapping[str, Existing],
    capabilities: Mapping[str, Capabilities],
    now: datetime,
    *,
    force: bool = False,
) -> Plan:
    """Propose, rank and fit actions per account; refuse an unsafe plan unless ``force``."""
    parts = [
        plan_account(
            config,
            account,
            capabilities[account.id],
            scored.get(account.id, ()),
            existing.get(account.id, Existing()),
            now,
        )
        for account in config.accounts
        if account.id in capabilities
    ]
    return assemble_plan(config, parts, now, force=force)


FOLLOW = Verb.FOLLOW.value
RUNWAY_LOW_DAYS = 3
# filters a user may loosen to widen the pool (not: already followed, opted out, blocklisted)
LOOSENABLE = frozenset(
    {"followers", "following", "ratio", "min_posts", "active", "avatar", "bio_include", "language"}
)
RUNWAY_LOW = "runway low"  # the start of the note (and of the plan's note) when it is short


def rank_key(item: Scored, risk: Risk) -> tuple[int, float, str]:
    """Best first: lower risk, then the ranker's order (expected follow-back, seeded ties,
    the control group spread through it); unranked items by score, then a stable id."""
    if item.place is not None:
        return (risk.rank, float(item.place), "")
    combined = round(item.score.authenticity + item.score.relevance, 6)
    return (risk.rank, -combined, item.candidate.profile.id)


class AccountPlanner:
    """One account's part of the plan: phase, budget, proposals, fitting."""

    def __init__(
        self,
        config: Config,
        account: Account,
        caps: Capabilities,
        state: Existing,
        now: datetime,
    ) -> None:
        self.config = config
        self.account = account
        self.caps = caps
        self.state = state
        self.now = now
        self.phase = phase_rules.current_phase(
            config.phases[account.phases],
            start=account.start_date or state.first_plan_on,
            today=now.date(),
            override=state.phase_override,
        )
        standing = {} if state.following_count is None else {"follow": state.following_count}
        self.budget = phase_rules.budget(
            self.phase, state.used_today, caps.hard_caps, standing, caps.budgets
        )
        self.left = {verb: self.budget.remaining(verb) for verb in self.budget.caps}
        self.over: Counter[str] = Counter()
        self.low_relevance = 0
        self.left_out = 0  # candidates ranked below the point where today's budget ran out
        self.rejected = 0  # actions left out because a person rejected them before
        self.unsummoned: list[str] = []  # replies left out: the author did not summon us
        self._proposed: Sequence[Action] = ()
        self._auto: dict[tuple[Risk, Verb], bool] = {}  # policy.auto_approvable, made once

    def targeting(self, name: str) -> Targeting:
        return self.config.targeting[name]

    def plan(self, pool: Shortlist[Scored]) -> tuple[list[Action], AccountPlan]:
        if self.state.paused:
            return [], self._summary([])  # apply would refuse every action: propose none
        taken = self._conversation()  # answering people comes before finding new ones
        self.low_relevance = pool.low_relevance
        wanted = self._wanted_verbs()
        per = self._per_candidate()
        walk = pool.best_first(lambda: self._need(per))
        for index in range(len(pool)):
            if not any(self.left.get(verb, 0) for verb in wanted):
                self.left_out = len(pool) - index  # the budget is used: stop here
                break
            item = next(walk)
            risk, reasons = self._assess(item)
            taken += self._take(item, risk, reasons)
        taken += self._unfollows()
        taken, self.unsummoned = policy.summoned_replies(taken, self.account, self.caps)
        numbered = [_numbered(a, i + 1) for i, a in enumerate(taken)]
        self._proposed = numbered
        return numbered, self._summary(numbered)

    # -- conversations -------------------------------------------------------------------------
    def _conversation(self) -> list[Action]:
        """The inbox's actions that fit today's budgets, oldest message first.

        Policy may approve a hide or a like (by risk, as for other verbs), never a reply.
        """
        out: list[Action] = []
        for action in self.state.conversation:
            if action.id in self.state.rejected_ids:
                self.rejected += 1
                continue
            if action.id in self.state.done_action_ids or not self._spend(action.verb, 1):
                continue
            auto = action.verb is not Verb.REPLY and policy.auto_approvable(
                action.risk, action.verb, self.caps, self.config.policy
            )
            out.append(replace(action, auto_approved=auto))
        return out

    # -- outbound proposals --------------------------------------------------------------------
    def _assess(self, item: Scored) -> tuple[Risk, tuple[str, ...]]:
        """The candidate's risk and its reasons (only for candidates the walk reaches)."""
        settings = self.targeting(item.candidate.targeting).scoring
        return policy.assess(Verb.FOLLOW, item.score, item.filters, settings)

    def _wanted_verbs(self) -> set[str]:
        """The outbound verbs the account's targetings ask for."""
        wanted: set[str] = set()
        for name in self.account.targeting:
            wanted |= {v.value for v in policy.requested_verbs(self.targeting(name))}
        return wanted - {Verb.UNFOLLOW.value, Verb.HIDE_COMMENT.value}

    def _per_candidate(self) -> dict[str, int]:
        """The most actions of each outbound verb one candidate can get (its targetings')."""
        most: Counter[str] = Counter()
        for name in self.account.targeting:
            acts = self.targeting(name).actions
            for verb, count in (
                (Verb.FOLLOW, int(acts.follow)),
                (Verb.LIKE, acts.like_recent),
                (Verb.REPOST, acts.repost_recent),
            ):
                most[verb.value] = max(most[verb.value], count)
        return {verb: count for verb, count in most.items() if count}

    def _need(self, per: Mapping[str, int]) -> int:
        """How many more candidates the walk uses at the least: the most any verb needs to
        use what is left of its budget (each candidate gives ``per`` of it at the most)."""
        return max((-(-self.left.get(verb, 0) // n) for verb, n in per.items()), default=1)

    def _spend(self, verb: Verb, wanted: int) -> int:
        """Take up to ``wanted`` from today's budget for ``verb``; count the rest as left out."""
        key = verb._value_  # ``verb.value`` without the enum's descriptor (a walk asks often)
        left = self.left.get(key, 0)
        granted = min(left, wanted)
        if granted:
            self.left[key] = left - granted
        if wanted > granted:
            self.over[key] += wanted - granted
        return granted

    def _take(self, item: Scored, risk: Risk, reasons: tuple[str, ...]) -> list[Action]:
        """The candidate's actions that fit today's budget (built only when they fit)."""
        acts = self.targeting(item.candidate.targeting).actions
        profile = item.candidate.profile
        out: list[Action] = []
        target = _target("account", profile.id, profile.handle)
        facts = _Facts(item, risk, reasons)
        if acts.follow:
            made = action_id(self.account.id, FOLLOW, target)
            if self._allowed_id(made) and self._spend(Verb.FOLLOW, 1):
                out.append(self._action(Verb.FOLLOW, target, facts, "", made))
        if not (acts.like_recent or acts.repost_recent):
            return out
        posts = newest(profile.recent_posts)
        done = self.state.done_action_ids
        for verb, count in ((Verb.LIKE, acts.like_recent), (Verb.REPOST, acts.repost_recent)):
            if not count and not self.state.rejected_ids:
                continue  # none wanted, and no rejection of one to count
            key = verb._value_
            fresh = [
                (post, target, made)
                for post in posts
                if (target := _post_target(profile.id, profile.handle, post))
                and (made := action_id(self.account.id, key, target)) not in done
                and self._allowed_id(made)
            ]
            for post, target, made in fresh[: self._spend(verb, min(count, len(fresh)))]:
                out.append(self._action(verb, target, facts, _post_words(post), made))
        return out

    def _allowed(self, verb: Verb, target: Target) -> bool:
        """False (and counted) when a person rejected this verb on this target before."""
        return self._allowed_id(action_id(self.account.id, verb.value, target))

    def _allowed_id(self, made: str) -> bool:
        """``_allowed`` by the action's id."""
        if made in self.state.rejected_ids:
            self.rejected += 1
            return False
        return True

    def _action(self, verb: Verb, target: Target, facts: _Facts, what: str, made: str) -> Action:
        """An action on a walked candidate (``facts``: what its actions share)."""
        item = facts.item
        reason = f"{what}{facts.reason}"
        if verb is Verb.FOLLOW and item.expected is not None:
            reason += f"; expected follow-back {item.expected:.0%}"
            if item.arm == "control":
                reason += " (control group: a random pick from the filtered pool)"
            return self._make(
                verb,
                target,
                reason,
                facts.risk,
                facts.reasons,
                facts,
                made,
                item.expected,
                item.arm,
            )
        return self._make(verb, target, reason, facts.risk, facts.reasons, facts, made)

    def _make(
        self,
        verb: Verb,
        target: Target,
        reason: str,
        risk: Risk,
        risk_reasons: tuple[str, ...],
        facts: _Facts | None,
        made: str | None = None,
        expected: float | None = None,
        arm: str = "",
    ) -> Action:
        auto = self._auto.get((risk, verb))
        if auto is None:
            auto = policy.auto_approvable(risk, verb, self.caps, self.config.policy)
            self._auto[(risk, verb)] = auto
        return without_init(  # ``Action(...)`` without a frozen setattr per field
            Action,
            {
                "id": made or action_id(self.account.id, verb.value, target),
                "account": self.account.id,
                "platform": self.account.platform,
                "verb": verb,
                "target": target,
                "reason": reason,
                "risk": risk,
                "risk_reasons": risk_reasons,
                "requires_human": verb in self.caps.pack.requires_human,
                "auto_approved": auto,
                "filters_matched": facts.matched if facts else (),
                "score": facts.item.score if facts else None,
                "cost_usd": self.caps.cost_usd.get(verb),
                "profile": facts.item.candidate.profile if facts else None,
                "seq": 0,
                "conversation": None,
                "expected_followback": expected,
                "arm": arm,
            },
        )

    # -- unfollows -----------------------------------------------------------------------------
    def _unfollow_days(self) -> int | None:
        days = [
            self.targeting(n).actions.unfollow_non_followers_after_days
            for n in self.account.targeting
            if n in self.config.targeting
        ]
        known = [d for d in days if d is not None]
        return min(known) if known else None

    def _unfollows(self) -> list[Action]:
        days = self._unfollow_days()
        if days is None or not self.caps.pack.unfollow_non_followers or self.state.suspect:
            return []
        if self.state.follower_ids is None:
            return []
        out: list[Action] = []
        for rel in self._stale_follows(days):
            if self.left.get(Verb.UNFOLLOW.value, 0) <= 0:
                self.over[Verb.UNFOLLOW.value] += 1
                continue
            target = Target(kind="account", id=rel.target_id, handle=rel.handle)
            if not self._allowed(Verb.UNFOLLOW, target):
                continue
            self.left[Verb.UNFOLLOW.value] -= 1
            since = rel.since.date().isoformat() if rel.since else "an unknown day"
            reason = f"followed by SocialSeed on {since}; no follow-back after {days} days"
            out.append(self._make(Verb.UNFOLLOW, target, reason, Risk.GREEN, (), None))
        return out

    def _stale_follows(self, days: int) -> list[Relationship]:
        cutoff = self.now - timedelta(days=days)
        followers = self.state.follower_ids or frozenset()
        stale = [
            rel
            for rel in self.state.relationships.values()
            if rel.active
            and rel.origin == "socialseed"
            and rel.since is not None
            and rel.since <= cutoff
            and rel.followed_back_at is None
            and rel.target_id not in followers
        ]
        return sorted(stale, key=lambda r: (r.since or self.now, r.target_id))

    # -- the account's summary -----------------------------------------------------------------
    def _summary(self, actions: Sequence[Action]) -> AccountPlan:
        proposed = Counter(a.verb._value_ for a in actions)
        remaining = {
            verb: max(self.budget.remaining(verb) - proposed[verb], 0)
            for verb in self.budget.caps
            if Verb(verb) in self.caps.supports
        }
        return AccountPlan(
            account=self.account.id,
            platform=self.account.platform,
            phase=self.phase.name,
            phase_day=self.phase.day,
            phase_days=self.phase.days,
            state_serial=self.state.state_serial,
            remaining=remaining,
            used_today=dict(self.budget.used),
            notes=tuple(self._notes()),
            cost_usd=sum(a.cost_usd or 0.0 for a in actions),
        )

    def _runway_note(self) -> list[str]:
        """How many more days of follows the filtered pool holds at today's cap; under
        ``RUNWAY_LOW_DAYS`` a warning with the config change that would widen it."""
        cap = self.budget.caps.get(Verb.FOLLOW.value, 0)
        if not cap or Verb.FOLLOW.value not in self._wanted_verbs():
            return []
        days = self.left_out / cap
        text = (
            f"the filtered pool fills about {days:.1f} more day(s) of follows at today's cap "
            f"({cap} a day)"
        )
        if days >= RUNWAY_LOW_DAYS:
            return [f"runway: {text}"]
        loosenable = {k: v for k, v in self.state.dropped.items() if k in LOOSENABLE}
        dropped = max(loosenable.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        loosen = f" or loosen filters.{dropped[0]} (dropped {dropped[1]})" if dropped else ""
        narrow = [n for n in self.account.targeting if not self.config.targeting[n].expand.chosen()]
        expand = (
            ", set expand: (followers_of_followbacks, engaged_with_our_posts, related_hashtags)"
            if narrow
            else ""
        )
        return [
            f"{RUNWAY_LOW}: {text}; to widen it raise the sources' limit, add a source "
            f"(e.g. followers_of: an account that followed back){expand}{loosen} in targeting "
            f"{', '.join(self.account.targeting)}"
        ]

    def _expected_note(self) -> list[str]:
        follows = [a for a in self._proposed if a.expected_followback is not None]
        if not follows:
            return []
        total = sum(a.expected_followback or 0.0 for a in follows)
        control = sum(1 for a in follows if a.arm == "control")
        return [
            f"expected follow-backs from this plan's {len(follows)} follow(s): {total:.1f}"
            + (f" ({control} in the control group)" if control else "")
        ]

    def _why_none(self, verb: str) -> str:
        if self.budget.caps.get(verb, 0) == 0:
            return f"phase {self.phase.name} allows no {verb}"
        return f"today's {verb} budget is used"

    def _notes(self) -> list[str]:
        notes = list(self.state.notes)
        if self.state.paused:
            return [
                *notes,
                f"paused {self.state.paused}: no actions proposed, apply would refuse them; "
                f"'socialseed resume {self.account.id}' lifts the pause",
            ]
        if self.rejected:
            notes.append(
                f"left out {self.rejected} action(s) a person rejected before "
                "(see 'socialseed review --rejected'; lift one with 'socialseed review --lift')"
            )
        notes += self.unsummoned
        if self.phase.overridden:
            notes.append(f"phase moved back to {self.phase.name} by a health regression")
        for verb, why in sorted(self.budget.limited_by.items()):
            if why.startswith("platform"):
                notes.append(f"{verb} limited to {self.budget.caps[verb]} a day by {why}")
        if self.phase.hourly:
            hourly = ", ".join(f"{v} {n}" for v, n in sorted(self.phase.hourly.items()))
            notes.append(f"hourly caps (apply paces to them): {hourly}")
        for name, count in sorted(self.state.dropped.items()):
            notes.append(f"dropped {count} candidate(s): {name}")
        if self.low_relevance:
            notes.append(f"dropped {self.low_relevance} candidate(s): relevance below minimum")
        for verb, count in sorted(self.over.items()):
            notes.append(f"{count} more {verb} action(s) left out: {self._why_none(verb)}")
        notes += self._expected_note()
        notes += self._runway_note()
        if self.left_out:
            notes.append(
                f"{self.left_out} more candidate(s) left out: today's budget is used "
                "(they may be proposed on a later day)"
            )
        notes += [f"no unfollows: {s}" for s in self.state.suspect]
        if self._unfollow_days() is not None and self.state.follower_ids is None:
            notes.append("no unfollows: the followers list could not be read")
        return notes


class _Facts:
    """What every action on one walked candidate shares, made once for them all."""

    __slots__ = ("item", "matched", "reason", "reasons", "risk")

    def __init__(self, item: Scored, risk: Risk, reasons: tuple[str, ...]) -> None:
        score = item.score
        self.item = item
        self.risk = risk
        self.reasons = reasons
        self.matched = item.filters.matched
        self.reason = (
            f"found via {item.candidate.source} ({item.candidate.targeting}); "
            f"authenticity {score.authenticity:.2f}, relevance {score.relevance:.2f}"
        )


def _numbered(action: Action, seq: int) -> Action:
    """``action.with_seq(seq)``: a copy of the action with its place in the plan (its fields
    copied at once: ``replace`` passes each through ``__init__``, a tenth of a long walk)."""
    return without_init(Action, {**action.__dict__, "seq": seq})


def newest(posts: Sequence[Post]) -> list[Post]:
    """Posts newest first (undated last), ties by id; replies are skipped."""
    own = [p for p in posts if p.reply_to is None]
    return sorted(own, key=lambda p: (p.created_at is None, _neg_ts(p), p.id))


def _neg_ts(post: Post) -> float:
    return -post.created_at.timestamp() if post.created_at else 0.0


POST_TEXT_CHARS = 500  # of a liked or reposted post, kept in the plan for the reviewer


def _post_target(author_id: str, handle: str, post: Post) -> Target:
    """The post to like or repost, with its text so that a reviewer sees what is liked."""
    text = post.text[:POST_TEXT_CHARS] if post.text else None
    return _target("post", author_id, handle, post.id, dict(post.ref), text)


def _target(
    kind: str,
    id_: str,
    handle: str,
    post_id: str | None = None,
    ref: dict[str, str] | None = None,
    post_text: str | None = None,
) -> Target:
    """``Target(...)`` without the frozen dataclass's setattr per field (every field set)."""
    return without_init(
        Target,
        {
            "kind": kind,
            "id": id_,
            "handle": handle,
            "post_id": post_id,
            "ref": {} if ref is None else ref,
            "text": None,
            "post_text": post_text,
        },
    )


def _post_words(post: Post) -> str:
    day = post.created_at.date().isoformat() if post.created_at else "undated"
    return f"post {post.id} ({day}); "

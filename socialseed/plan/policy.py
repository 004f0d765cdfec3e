"""The safety rules applied at plan time. Pure: data in, verdicts or errors out.

- what a platform offers (``Capabilities.supports``, at the account's access tier) and what its
  policy pack forbids: plan-time ``PolicyError`` naming the platform, the rule and what it offers;
- the traffic light of each action (green / yellow / red, with reasons);
- auto-approval (only verbs the pack does not mark ``requires_human``);
- thresholds (``UnsafePlanError`` unless ``--force``) and suspect reads of followers/following.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialseed.config.schema import Account, Policy, Targeting, TargetScoring, Thresholds
from socialseed.errors import PolicyError, UnsafePlanError
from socialseed.model import Action, Risk, Score, SourceKind, Verb
from socialseed.model.values import summoned
from socialseed.plan.filters import FilterResult

if TYPE_CHECKING:
    from socialseed.model import Capabilities, ForbiddenPattern

BORDERLINE = 0.1  # an authenticity within this of the minimum is yellow
SEARCH_SOURCES = frozenset({"hashtag", "search"})


def platform_label(account: Account, caps: Capabilities) -> str:
    tier = f" ({account.access_tier} tier)" if account.access_tier else ""
    return f"{caps.platform}{tier}"


# -- what the config asks for -------------------------------------------------------------------
def requested_verbs(targeting: Targeting) -> dict[Verb, str]:
    """Verb -> the config key that asks for it."""
    acts = targeting.actions
    wanted: dict[Verb, str] = {}
    if acts.follow:
        wanted[Verb.FOLLOW] = "actions.follow"
    if acts.like_recent:
        wanted[Verb.LIKE] = "actions.like_recent"
    if acts.repost_recent:
        wanted[Verb.REPOST] = "actions.repost_recent"
    if acts.unfollow_non_followers_after_days is not None:
        wanted[Verb.UNFOLLOW] = "actions.unfollow_non_followers_after_days"
    if acts.hide_spam_comments:
        wanted[Verb.HIDE_COMMENT] = "actions.hide_spam_comments"
    return wanted


@dataclass(frozen=True)
class Refusal:
    """Something a platform or its pack does not allow, and the config path that asks for it."""

    message: str
    hint: str
    loc: tuple[str | int, ...]


def account_refusals(
    account: Account, targetings: Mapping[str, Targeting], caps: Capabilities
) -> list[Refusal]:
    """Everything the account's targeting asks for that its platform refuses (no network)."""
    found: list[Refusal] = []
    for name, targeting in targetings.items():
        found += source_refusals(account, name, targeting, caps)
        found += verb_refusals(account, name, targeting, caps)
        found += forbidden_refusals(account, name, targeting, caps)
    return found


def check_account(
    account: Account, targetings: Mapping[str, Targeting], caps: Capabilities
) -> None:
    """Refuse, before any network call, what the platform or its pack does not allow."""
    for refusal in account_refusals(account, targetings, caps)[:1]:
        raise PolicyError(refusal.message, hint=refusal.hint)


def summoned_replies(
    actions: Sequence[Action], account: Account, caps: Capabilities
) -> tuple[list[Action], list[str]]:
    """Leave out replies the platform would refuse because the author did not summon us.

    Only where the post's data says so (its mentions were read and it quotes nothing); a reply
    the data cannot decide is kept, and the platform checks it again before sending.
    """
    if not caps.summoned_replies_only:
        return list(actions), []
    kept: list[Action] = []
    notes: list[str] = []
    for action in actions:
        target = action.target
        if action.verb is Verb.REPLY and summoned(target.ref, account.handle) is False:
            notes.append(
                f"left out reply {action.id} to post {target.post_id or target.id} by "
                f"@{target.handle}: the post neither mentions nor quotes "
                f"@{account.handle.lstrip('@')}; {caps.summoned_replies_only}"
            )
            continue
        kept.append(action)
    return kept, notes


def source_refusals(
    account: Account, name: str, targeting: Targeting, caps: Capabilities
) -> list[Refusal]:
    offered = ", ".join(sorted(k.value for k in caps.sources)) or "none"
    return [
        Refusal(
            f"{account.id}: {platform_label(account, caps)} offers no {source.kind} "
            f"discovery (targeting '{name}'); it offers {offered}",
            f"remove the {source.kind} source from targeting '{name}' in the config",
            ("targeting", name, "sources", i, source.kind),
        )
        for i, source in enumerate(targeting.sources)
        if SourceKind(source.kind) not in caps.sources
    ]


def verb_refusals(
    account: Account, name: str, targeting: Targeting, caps: Capabilities
) -> list[Refusal]:
    found: list[Refusal] = []
    for verb, key in requested_verbs(targeting).items():
        if verb not in caps.supports:
            why = caps.unsupported_reasons.get(verb, "it is not in the platform's API")
            found.append(
                Refusal(
                    f"{account.id}: {platform_label(account, caps)} does not offer "
                    f"{verb.value}: {why}; it offers {caps.offers()}",
                    f"remove {key} from targeting '{name}' in the config",
                    ("targeting", name, *key.split(".")),
                )
            )
    unfollow = targeting.actions.unfollow_non_followers_after_days
    if unfollow is not None and not caps.pack.unfollow_non_followers:
        found.append(
            Refusal(
                f"{account.id}: {platform_label(account, caps)} does not allow unfollowing "
                "accounts that did not follow back (its policy pack forbids follow/unfollow "
                "churn)",
                f"remove actions.unfollow_non_followers_after_days from targeting '{name}'",
                ("targeting", name, "actions", "unfollow_non_followers_after_days"),
            )
        )
    return found


def forbidden_use(pattern: ForbiddenPattern, targeting: Targeting) -> str | None:
    """What in ``targeting`` matches a forbidden pattern (by the pattern's name), if anything."""
    match = _forbidden_match(pattern, targeting)
    return None if match is None else match[0]


def _forbidden_match(
    pattern: ForbiddenPattern, targeting: Targeting
) -> tuple[str, tuple[str, ...]] | None:
    """The use that matches, and the ``actions`` key that asks for it."""
    acts = targeting.actions
    name = pattern.name.lower()
    searched = [s.kind for s in targeting.sources if s.kind in SEARCH_SOURCES]
    if "churn" in name and acts.follow and acts.unfollow_non_followers_after_days is not None:
        return (
            "follow together with actions.unfollow_non_followers_after_days",
            ("actions", "unfollow_non_followers_after_days"),
        )
    if "like" in name and acts.like_recent and searched:
        return f"actions.like_recent on {searched[0]} discovery", ("actions", "like_recent")
    if "repost" in name and acts.repost_recent and searched:
        return f"actions.repost_recent on {searched[0]} discovery", ("actions", "repost_recent")
    if "follow" in name and "churn" not in name and acts.follow and searched:
        return f"actions.follow on {searched[0]} discovery", ("actions", "follow")
    return None


def forbidden_refusals(
    account: Account, name: str, targeting: Targeting, caps: Capabilities
) -> list[Refusal]:
    found: list[Refusal] = []
    for pattern in caps.pack.forbidden:
        match = _forbidden_match(pattern, targeting)
        if match is not None:
            use, key = match
            found.append(
                Refusal(
                    f"{account.id}: {platform_label(account, caps)} forbids {pattern.name}: "
                    f"{pattern.rule} (source: {pattern.source}); targeting '{name}' asks for "
                    f"{use}; it offers {caps.offers()}",
                    f"change targeting '{name}' so it no longer asks for {use}",
                    ("targeting", name, *key),
                )
            )
    return found


# -- the traffic light ----------------------------------------------------------------------------
def assess(
    verb: Verb, score: Score | None, filters: FilterResult | None, settings: TargetScoring
) -> tuple[Risk, tuple[str, ...]]:
    """Green, yellow or red, with the reasons (worst first)."""
    red: list[str] = []
    yellow: list[str] = []
    if score is None:
        yellow.append("not scored")
    else:
        red_, yellow_ = _score_signals(score, settings)
        red += red_
        yellow += yellow_
    if filters is not None:
        yellow += [f"unknown {c.name}: {c.reason}" for c in filters.unknown]
    if red:
        return Risk.RED, (*red, *yellow)
    if yellow:
        return Risk.YELLOW, tuple(yellow)
    return Risk.GREEN, ()


def risk_of(
    authenticity: float, recommendation: str, unknown: bool, settings: TargetScoring
) -> Risk:
    """The risk ``assess`` gives a scored candidate, from the numbers alone (no reasons)."""
    floor = settings.min_authenticity
    if authenticity < floor or recommendation == "avoid":
        return Risk.RED
    if authenticity < floor + BORDERLINE or recommendation == "caution" or unknown:
        return Risk.YELLOW
    return Risk.GREEN


def _score_signals(score: Score, settings: TargetScoring) -> tuple[list[str], list[str]]:
    red: list[str] = []
    yellow: list[str] = []
    floor = settings.min_authenticity
    if score.authenticity < floor:
        red.append(f"bot-like: authenticity {score.authenticity:.2f} is below {floor:.2f}")
    elif score.recommendation == "avoid":
        red.append(f"scorer {score.scorer} says avoid")
    elif score.authenticity < floor + BORDERLINE:
        yellow.append(f"borderline authenticity {score.authenticity:.2f} (minimum {floor:.2f})")
    if not red and score.recommendation == "caution":
        yellow.append(f"scorer {score.scorer} says caution")
    return red, yellow


def auto_approvable(risk: Risk, verb: Verb, caps: Capabilities, policy: Policy) -> bool:
    """May policy approve this action by itself? Never for a verb that needs a person."""
    return risk.value in policy.auto_approve and verb not in caps.pack.requires_human


# -- thresholds and suspect reads ----------------------------------------------------------------
@dataclass(frozen=True)
class ReadCheck:
    """A fresh read of the account's followers/following against what we last knew."""

    account: str
    kind: str  # followers | following
    now: int | None
    before: int | None


def suspect_read(check: ReadCheck, max_shrink_pct: float) -> str | None:
    """Why a read is not to be trusted (empty, or shrunk sharply), else ``None``."""
    if check.now is None or not check.before:
        return None
    if check.now == 0:
        return f"{check.account}: the {check.kind} read came back empty (was {check.before})"
    shrink = 100.0 * (check.before - check.now) / check.before
    if shrink > max_shrink_pct:
        return (
            f"{check.account}: the {check.kind} read shrank {shrink:.1f}% "
            f"({check.before} -> {check.now}), over {max_shrink_pct:g}%"
        )
    return None


def threshold_problems(
    actions: Sequence[Action], following: Mapping[str, int | None], thresholds: Thresholds
) -> list[str]:
    """Each threshold the actions cross, with the numbers."""
    problems: list[str] = []
    if len(actions) > thresholds.max_actions_per_plan:
        problems.append(
            f"the plan has {len(actions)} actions, over max_actions_per_plan "
            f"{thresholds.max_actions_per_plan}"
        )
    for account, count in sorted(_unfollows(actions).items()):
        problems += _unfollow_problem(account, count, following.get(account), thresholds)
    return problems


def _unfollows(actions: Iterable[Action]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for action in actions:
        if action.verb is Verb.UNFOLLOW:
            counts[action.account] = counts.get(action.account, 0) + 1
    return counts


def _unfollow_problem(
    account: str, count: int, following: int | None, thresholds: Thresholds
) -> list[str]:
    limit = thresholds.max_unfollow_pct_of_following
    if not following:
        return [f"{account}: {count} unfollows, but the following count is unknown"]
    pct = 100.0 * count / following
    if pct > limit:
        return [
            f"{account}: {count} unfollows is {pct:.2f}% of {following} following, "
            f"over max_unfollow_pct_of_following {limit:g}%"
        ]
    return []


def raise_if_unsafe(problems: Sequence[str], *, force: bool) -> None:
    if problems and not force:
        raise UnsafePlanError(
            "unsafe plan: " + "; ".join(problems),
            hint="review the config and caps, or rerun with --force if this is intended",
        )

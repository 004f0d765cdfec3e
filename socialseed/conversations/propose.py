"""Conversation actions for the plan: ``↩ reply`` (up to three guarded drafts), ``hide`` for
spam on our own posts, ``like`` where the platform allows it. Unfitted: the planner fits them
into today's budgets like every other verb.

A reply is sent in the account's name: it is yellow and always needs a person's decision
(``requires_human``; the policy never approves it). Remote text is data: it is quoted in the
action, and every draft has passed the guards (those that broke one are listed as dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.config.conversations import RuleSet
from socialseed.config.schema import Account, Config
from socialseed.conversations import guards, inbox
from socialseed.conversations.inbox import OWN_THREAD, Sorted
from socialseed.conversations.triage import AiTexts
from socialseed.errors import PolicyError
from socialseed.model import Action, Capabilities, Risk, Target, Verb, action_id
from socialseed.model.conversations import Conversation
from socialseed.platforms.base import Platform
from socialseed.scoring.base import ScoringReport
from socialseed.scoring.drafts import DraftRequest
from socialseed.state.handle import StateDB

if TYPE_CHECKING:
    from socialseed.scoring.drafter import Drafter  # httpx: loaded only where one drafts

X_DEFAULT_TIER = "pay_per_use"
REPLY_RISK = "a reply is sent in the account's name: a person reads and decides each one"


@dataclass
class Proposals:
    """One account's conversation actions (oldest message first) and what to tell the user."""

    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ai: ScoringReport | None = None  # what the AI drafts cost (estimates, spend), when asked


async def propose(
    db: StateDB,
    config: Config,
    account: Account,
    caps: Capabilities,
    platform: Platform,
    now: datetime,
    drafter: Drafter | None = None,
) -> Proposals:
    """Read the inbox, sort it, draft with AI where a rule asks (through ``drafter``), and
    turn what the rules ask for into actions."""
    rule_set = inbox.rule_set_for(config, account)
    out = Proposals()
    if rule_set is None:
        return out
    if not platform.reads_inbox():  # this adapter reads no inbox yet: say so
        out.notes.append(
            f"inbox: not read: SocialSeed reads no {account.platform} inbox yet, so no reply "
            "or hide is planned (conversations run on sandbox, bluesky, mastodon and x)"
        )
        return out
    done = await inbox.read(db, account, platform, now, rule_set)
    if not done.complete:
        out.notes.append("inbox: the read stopped at its page cap; older messages were skipped")
    if done.without_context:
        out.notes.append(
            f"inbox: {done.without_context} message(s) shown without their thread: at most "
            f"{rule_set.max_context_reads} thread reads per plan (conversations."
            f"{account.conversations or 'RULESET'}.max_context_reads), questions and the newest "
            "first, within the rate window"
        )
    found = [s for s in inbox.sort(db, account, rule_set, now) if s.received.unanswered]
    wanted = [s for s in found if _wants_ai(s, rule_set)]
    if wanted and drafter is None:
        out.notes.append(
            f"inbox: {len(wanted)} message(s) wait for an AI draft, but no AI provider is set up"
        )
    elif wanted and drafter is not None:
        ai = await ai_texts(drafter, wanted, rule_set, account)
        out.ai = drafter.report
        sorted_ = inbox.sort(db, account, rule_set, now, ai)
        found = [s for s in sorted_ if s.received.unanswered]
    for item in found:
        out.actions += actions_for(item, account, caps)
    out.notes += _notes(found, caps)
    return out


def _wants_ai(item: Sorted, rule_set: RuleSet) -> bool:
    """An unanswered message whose rule asks for an AI draft."""
    if "reply" not in item.triage.outcomes or item.triage.answered:
        return False
    rule = next((r for r in rule_set.rules if r.name == item.triage.rule), None)
    return rule is not None and rule.then.reply is not None and rule.then.reply.ai


async def ai_texts(
    drafter: Drafter, wanted: list[Sorted], rule_set: RuleSet, account: Account
) -> dict[str, AiTexts]:
    """The provider's raw texts (or why none came) for each message, in batched requests."""
    requests = [DraftRequest(s.triage.message, s.received.item.thread) for s in wanted]
    result = await drafter.draft(
        requests,
        voice=rule_set.voice,
        alternatives=rule_set.max_drafts,
        limit=guards.limit(account.platform, rule_set.guards),
    )
    fallback = f"ai:{rule_set.ai_provider or 'provider'}"
    return {
        r.message.id: AiTexts(
            result.origin.get(r.message.id, fallback),
            tuple(result.texts.get(r.message.id, ())),
            result.problems.get(r.message.id),
        )
        for r in requests
    }


def actions_for(item: Sorted, account: Account, caps: Capabilities) -> list[Action]:
    """The actions one sorted message asks for, that the platform offers."""
    triage, message = item.triage, item.triage.message
    conversation = Conversation(
        message=message,
        rule=triage.rule or "",
        drafts=triage.drafts,
        dropped=triage.dropped,
        thread=item.received.item.thread,
    )
    author = message.author
    target = Target("post", author.id, author.handle, message.id, dict(message.ref))
    why = f"{message.source.value} from @{author.handle}, rule {triage.rule}"
    out: list[Action] = []
    if "reply" in triage.outcomes and triage.drafts and Verb.REPLY in caps.supports:
        check_summoned(account, item)
        reply = Target(
            "post", author.id, author.handle, message.id, dict(message.ref), triage.drafts[0].text
        )
        out.append(_action(account, caps, Verb.REPLY, reply, why, Risk.YELLOW, conversation))
    hides = "hide" in triage.outcomes and message.source in OWN_THREAD
    if hides and Verb.HIDE_COMMENT in caps.supports:
        out.append(_action(account, caps, Verb.HIDE_COMMENT, target, why, Risk.GREEN, conversation))
    if "like" in triage.outcomes and Verb.LIKE in caps.supports:
        out.append(_action(account, caps, Verb.LIKE, target, why, Risk.GREEN, conversation))
    return out


def check_summoned(account: Account, item: Sorted) -> None:
    """X's self-serve tiers reply only where the author summoned us (mention or quote)."""
    tier = account.access_tier or X_DEFAULT_TIER
    message = item.triage.message
    if account.platform != "x" or tier == "enterprise" or message.ref.get("summoned"):
        return
    raise PolicyError(
        f"{account.id}: x ({tier} tier) may reply programmatically only where the author "
        f"mentioned or quoted the account (since 2026-02-23); rule '{item.triage.rule}' asks "
        f"to reply to {message.source.value} {message.id}, which does not summon it",
        hint=f"limit rule '{item.triage.rule}' to sources: [mentions, quotes] for this account",
    )


def _action(
    account: Account,
    caps: Capabilities,
    verb: Verb,
    target: Target,
    why: str,
    risk: Risk,
    conversation: Conversation,
) -> Action:
    reply = verb is Verb.REPLY
    return Action(
        id=action_id(account.id, verb.value, target),
        account=account.id,
        platform=account.platform,
        verb=verb,
        target=target,
        reason=why,
        risk=risk,
        risk_reasons=(REPLY_RISK,) if reply else (),
        requires_human=reply or verb in caps.pack.requires_human,
        auto_approved=False,  # the planner decides for hide and like; never for a reply
        cost_usd=caps.cost_usd.get(verb),
        conversation=conversation,
    )


def _notes(found: list[Sorted], caps: Capabilities) -> list[str]:
    notes: list[str] = []
    people = sum(1 for s in found if "needs_person" in s.triage.outcomes)
    if people:
        notes.append(f"inbox: {people} message(s) need a person (see 'socialseed inbox')")
    dropped = sum(1 for s in found if s.triage.dropped)
    if dropped:
        notes.append(f"inbox: drafts dropped by a guard on {dropped} message(s), reasons shown")
    spam_elsewhere = sum(
        1
        for s in found
        if "hide" in s.triage.outcomes and s.triage.message.source not in OWN_THREAD
    )
    if spam_elsewhere:
        notes.append(f"inbox: {spam_elsewhere} spam mention(s) not on our posts: nothing to hide")
    if any("hide" in s.triage.outcomes for s in found) and Verb.HIDE_COMMENT not in caps.supports:
        why = caps.unsupported_reasons.get(Verb.HIDE_COMMENT, "the platform offers no hide")
        notes.append(f"inbox: spam not hidden: {why}")
    return notes

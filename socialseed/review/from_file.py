"""Decisions made elsewhere (a pull request, another machine): a YAML file of them, checked
entry by entry (``file:line:col`` for every problem), signatures verified, recorded all or none.

    plan: p_4e58a0ae1e24          # the plan the decisions are about (its id)
    decisions:
      - action: a_748ed5924320    # the full action id
        decision: approve         # approve | reject
        reviewer: ada@example.com
        decided_at: 2026-11-25T18:00:00Z
        expires_at: ...           # optional: decided_at + policy.approval_ttl
        reason: met them          # optional; required with override
        override: false           # a red approval needs true
        choice: 1                 # replies: which alternative (default 1)
        text: Thanks, Ada!        # replies: the approved text (default: the alternative)
        signature: |              # where the reviewer is listed with a key
          -----BEGIN SSH SIGNATURE-----
          ...
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialseed.auth import approvals, signing
from socialseed.clock import parse_instant
from socialseed.config.marks import Document, Loc, Mark
from socialseed.config.parse import parse_text
from socialseed.errors import ApprovalError, ConfigError
from socialseed.model import Action, Decision, Verb
from socialseed.model.plan import Plan
from socialseed.model.review import ReplyText
from socialseed.review import replies
from socialseed.review.session import ReviewSession

FIELDS: dict[str, type | tuple[type, ...]] = {
    "action": str,
    "decision": str,
    "reviewer": str,
    "decided_at": (str, datetime),
    "expires_at": (str, datetime),
    "reason": str,
    "override": bool,
    "choice": int,
    "text": str,
    "signature": str,
}
REQUIRED = ("action", "decision", "reviewer", "decided_at")
_SKEW = timedelta(minutes=5)  # a decision dated later than now (clocks differ a little)


@dataclass(frozen=True)
class Entry:
    """One decision of the file, checked, with where it is."""

    where: str  # file:line:col
    action: Action
    decision: Decision


def where(doc: Document, loc: Loc) -> str:
    mark = doc.marks.get(loc) or doc.marks.get(loc[:-1]) or Mark(doc.file, 1, 1)
    return f"{mark.file}:{mark.line}:{mark.column}"


def read(name: str, text: str, plan: Plan, ttl: timedelta, now: datetime) -> list[Entry]:
    """The file's decisions about ``plan``, each checked for form; ``ConfigError`` lists every
    problem at its ``file:line:col``."""
    doc = parse_text(name, text)
    problems: list[str] = []
    data = doc.data
    for key in sorted(set(data) - {"version", "plan", "decisions"}):
        problems.append(f"{where(doc, (key, '__key__'))}: unknown key {key!r}")
    if data.get("plan") != plan.id:
        problems.append(
            f"{where(doc, ('plan',))}: the file is about plan {data.get('plan')!r}, not "
            f"{plan.id} (write plan: {plan.id})"
        )
    items = data.get("decisions")
    if not isinstance(items, list) or not items:
        problems.append(f"{where(doc, ('decisions',))}: decisions must be a non-empty list")
        items = []
    entries = []
    for n, item in enumerate(items):
        entry = _entry(doc, ("decisions", n), item, plan, ttl, now, problems)
        if entry is not None:
            entries.append(entry)
    if problems:
        raise ConfigError(problems, hint="fix the decisions file (schema: docs/review.md)")
    return entries


def _entry(
    doc: Document,
    loc: Loc,
    item: Any,
    plan: Plan,
    ttl: timedelta,
    now: datetime,
    problems: list[str],
) -> Entry | None:
    at = where(doc, loc)
    if not isinstance(item, dict):
        problems.append(f"{at}: a decision is a mapping (action:, decision:, reviewer:, ...)")
        return None
    found = len(problems)
    for key in item:
        if key not in FIELDS:
            problems.append(f"{where(doc, (*loc, key, '__key__'))}: unknown key {key!r}")
        elif not isinstance(item[key], FIELDS[key]) or (
            FIELDS[key] is int and isinstance(item[key], bool)
        ):
            problems.append(f"{where(doc, (*loc, key))}: {key} has the wrong type")
    for key in REQUIRED:
        if key not in item:
            problems.append(f"{at}: {key} is required")
    if len(problems) > found:
        return None
    if not plan.has(item["action"]):
        at_action = where(doc, (*loc, "action"))
        problems.append(f"{at_action}: no action {item['action']!r} in plan {plan.id}")
        return None
    if item["decision"] not in ("approve", "reject"):
        problems.append(f"{where(doc, (*loc, 'decision'))}: decision is approve or reject")
        return None
    try:
        decided = _instant(item["decided_at"])
        expires = _instant(item["expires_at"]) if "expires_at" in item else decided + ttl
    except ValueError:
        problems.append(f"{at}: decided_at and expires_at are ISO 8601 instants (…T18:00:00Z)")
        return None
    if decided > now + _SKEW:
        problems.append(f"{where(doc, (*loc, 'decided_at'))}: decided_at is in the future")
        return None
    action = plan.action(item["action"])
    reply = _reply(action, item) if item["decision"] == "approve" else None
    decision = approvals.stamp(
        Decision(
            plan_id=plan.id,
            action_id=action.id,
            verdict=item["decision"],
            reviewer=item["reviewer"],
            decided_at=decided,
            reason=str(item.get("reason") or "").strip(),
            override=bool(item.get("override")) and action.risk.value == "red",
            expires_at=expires,
            text=reply.text if reply else None,
            choice=reply.choice if reply else None,
            edited=reply.edited if reply else False,
            signature=str(item["signature"]).strip() if item.get("signature") else None,
        ),
        action,
    )
    return Entry(at, action, decision)


def _reply(action: Action, item: dict[str, Any]) -> ReplyText | None:
    if action.verb is not Verb.REPLY:
        return None
    base = replies.pick(action, int(item.get("choice") or 1))
    return replies.edit(action, base, item["text"]) if "text" in item else base


def _instant(value: object) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("no time zone")
        return value
    return parse_instant(str(value))


def check(session: ReviewSession, entries: list[Entry], team: approvals.Team | None) -> None:
    """Every rule review applies, for each entry, before anything is recorded; the first
    refusal is audited and raised (exit 1) with the entry's ``file:line:col``."""
    for entry in entries:
        d = entry.decision
        try:
            if d.verdict == "approve":
                session.reviewer = d.reviewer  # whose decision it is (audited as theirs)
                session.check_approvable(
                    entry.action, reason=d.reason, override=d.override, team=False
                )
                if d.text is not None:
                    chosen = ReplyText(d.text, d.choice or 1, d.edited)
                    session.reply_text(entry.action, chosen)
                refused = team.check(entry.action, d, session.plan.author) if team else None
                if refused is not None:
                    session.refuse(entry.action, refused)
            elif d.signature and team is not None:
                _verify_reject(team, entry)
        except ApprovalError as exc:
            raise ApprovalError(f"{entry.where}: {exc.message}", hint=exc.hint) from None


def _verify_reject(team: approvals.Team, entry: Entry) -> None:
    listed = team.reviewers.get(entry.decision.reviewer)
    if listed is None or listed.key is None or entry.decision.signature is None:
        return
    key = signing.public_key(listed.key)
    problem = signing.verify(key, signing.payload(entry.decision), entry.decision.signature)
    if problem is not None:
        raise ApprovalError(f"the signature on the rejection does not verify: {problem}")


def record(session: ReviewSession, entries: list[Entry], now: datetime) -> None:
    """Record every entry (rejections are remembered for the target, as in review), after
    the plan's freshness is checked once more."""
    session.check_fresh(now)
    for entry in entries:
        session.write(entry.action, entry.decision)

"""Decisions from a pull request: a GitHub ``issue_comment`` or ``pull_request_review`` event
payload read into decisions, recorded like a decisions file (``review --from-file``).

A comment line ``/socialseed approve ID...`` approves the actions it names (an id or a unique
prefix, as ``review --approve``); ``/socialseed reject ID... reason`` rejects them, the reason
being the words after the last id. A review approves the ids of its ``/socialseed approve``
lines only when its state is ``approved``; nothing is ever approved without its id.

The reviewer is the commenter's GitHub login: the ``policy.reviewers`` entry whose ``github:``
is that login, else ``github:LOGIN``. The pull request's author may not approve
(``self_approval``, unless ``policy.approvals.self_approval``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialseed.auth import approvals
from socialseed.clock import parse_instant
from socialseed.config.schema import Config
from socialseed.errors import ApprovalError
from socialseed.model import Decision, Verb
from socialseed.review import replies
from socialseed.review.from_file import Entry
from socialseed.review.session import ReviewSession

_COMMAND = re.compile(r"^\s*/socialseed\s+(approve|reject)\b(.*)$", re.IGNORECASE)
_ID = re.compile(r"^[\s,]*(a_[0-9a-fA-F]+|[0-9a-fA-F]{4,})(?=[\s,]|$)")
_HINT = (
    "give the event file GitHub writes ($GITHUB_EVENT_PATH) of an issue_comment or "
    "pull_request_review event (see docs/review.md, 'Decisions from the pull request')"
)


@dataclass(frozen=True)
class Command:
    """One ``/socialseed`` line: the verdict, the ids it names, the reason, where it is."""

    verdict: str
    refs: tuple[str, ...]
    reason: str
    where: str


@dataclass(frozen=True)
class Event:
    """What the payload says: who decided, whose pull request, when, and the commands."""

    kind: str  # issue_comment | pull_request_review
    login: str
    author: str
    at: datetime
    commands: tuple[Command, ...]
    ignored: str = ""  # why the payload's commands are not acted on (empty: they are)


def read(name: str, text: str) -> Event:
    """The event in ``text`` (the file ``name``); ``ApprovalError`` names the field at fault."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ApprovalError(f"{name}: not a JSON event payload ({exc})", hint=_HINT) from None
    if not isinstance(data, dict):
        raise ApprovalError(f"{name}: the event payload is not a JSON object", hint=_HINT)
    if "comment" in data and "issue" in data:
        return _comment(name, data)
    if "review" in data and "pull_request" in data:
        return _review(name, data)
    raise ApprovalError(
        f"{name}: not an issue_comment or pull_request_review event (no comment and issue, or "
        "review and pull_request fields)",
        hint=_HINT,
    )


def _comment(name: str, data: dict[str, Any]) -> Event:
    issue = _obj(name, data, "issue")
    if not isinstance(issue.get("pull_request"), dict):
        raise ApprovalError(
            f"{name}: issue.pull_request is missing: the comment is on an issue, not a pull "
            "request",
            hint="run the step only for pull request comments (if: github.event.issue."
            "pull_request)",
        )
    comment = _obj(name, data, "comment")
    body = _str(name, comment, "comment.body", "body")
    event = Event(
        kind="issue_comment",
        login=_login(name, comment, "comment"),
        author=_login(name, issue, "issue"),
        at=_instant(name, comment, "comment.created_at", "created_at"),
        commands=tuple(parse(body, f"{name}: comment.body")),
    )
    action = data.get("action", "created")
    if action != "created":
        return _ignore(event, f"the comment was {action}, not created")
    return event


def _review(name: str, data: dict[str, Any]) -> Event:
    review = _obj(name, data, "review")
    pull = _obj(name, data, "pull_request")
    body = review.get("body") or ""
    if not isinstance(body, str):
        raise ApprovalError(f"{name}: review.body is not a string", hint=_HINT)
    state = _str(name, review, "review.state", "state").lower()
    commands = [c for c in parse(body, f"{name}: review.body") if c.verdict == "approve"]
    event = Event(
        kind="pull_request_review",
        login=_login(name, review, "review"),
        author=_login(name, pull, "pull_request"),
        at=_instant(name, review, "review.submitted_at", "submitted_at"),
        commands=tuple(commands),
    )
    if state != "approved" and commands:
        return _ignore(event, f"the review's state is {state}, not approved")
    return event


def _ignore(event: Event, why: str) -> Event:
    return Event(event.kind, event.login, event.author, event.at, (), why)


def parse(body: str, where: str) -> list[Command]:
    """The ``/socialseed approve|reject`` lines of a comment body."""
    found = []
    for n, line in enumerate(body.splitlines(), start=1):
        match = _COMMAND.match(line)
        if match is None:
            continue
        rest, refs = match.group(2), []
        while (found_id := _ID.match(rest)) is not None:
            refs.append(found_id.group(1).lower())
            rest = rest[found_id.end() :]
        at = f"{where} line {n}"
        if not refs:
            raise ApprovalError(
                f"{at}: '/socialseed {match.group(1).lower()}' names no action id",
                hint="write the ids: /socialseed approve a_748ed5924320 a_1f2e3d4c5b6a",
            )
        found.append(Command(match.group(1).lower(), tuple(refs), rest.strip(" ,"), at))
    return found


def _obj(name: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ApprovalError(f"{name}: {key} is missing or not an object", hint=_HINT)
    return value


def _str(name: str, data: dict[str, Any], field: str, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ApprovalError(f"{name}: {field} is missing or not a string", hint=_HINT)
    return value


def _login(name: str, data: dict[str, Any], where: str) -> str:
    user = data.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(login, str) or not login:
        raise ApprovalError(f"{name}: {where}.user.login is missing", hint=_HINT)
    return login


def _instant(name: str, data: dict[str, Any], field: str, key: str) -> datetime:
    try:
        return parse_instant(_str(name, data, field, key))
    except ValueError:
        raise ApprovalError(f"{name}: {field} is not an ISO 8601 instant", hint=_HINT) from None


# -- into decisions ----------------------------------------------------------------------------
def reviewer_of(config: Config, login: str) -> str:
    """The ``policy.reviewers`` id whose ``github:`` is ``login``, else ``github:LOGIN``."""
    for reviewer in config.policy.reviewers:
        if reviewer.github and reviewer.github.lower() == login.lower():
            return reviewer.id
    return f"github:{login}"


def entries(session: ReviewSession, event: Event, config: Config, ttl: timedelta) -> list[Entry]:
    """One decisions-file entry per action a command names (ids resolved as ``--approve``)."""
    who = reviewer_of(config, event.login)
    found = []
    for command in event.commands:
        for ref in command.refs:
            try:
                action = session.resolve(ref)
            except ApprovalError as exc:
                raise ApprovalError(f"{command.where}: {exc.message}", hint=exc.hint) from None
            reply = None
            if command.verdict == "approve" and action.verb is Verb.REPLY:
                reply = replies.pick(action, 1)
            decision = Decision(
                plan_id=session.plan_id,
                action_id=action.id,
                verdict=command.verdict,
                reviewer=who,
                decided_at=event.at,
                reason=command.reason,
                expires_at=event.at + ttl,
                text=reply.text if reply else None,
                choice=reply.choice if reply else None,
            )
            found.append(Entry(command.where, action, approvals.stamp(decision, action)))
    return found


def check_author(session: ReviewSession, event: Event, config: Config, found: list[Entry]) -> None:
    """The pull request's author may not approve it (audited, exit 1), unless the policy says
    ``approvals.self_approval: true``."""
    if config.policy.approvals.self_approval or event.login.lower() != event.author.lower():
        return
    for entry in found:
        if entry.decision.verdict != "approve":
            continue
        session.reviewer = entry.decision.reviewer
        refusal = approvals.Refusal(
            approvals.SELF,
            f"github:{event.login} opened this pull request, and its author may not approve "
            f"its actions ({entry.action.id}; policy.approvals.self_approval is false)",
            entry.decision.reviewer,
        )
        try:
            session.refuse(entry.action, refusal)
        except ApprovalError as exc:
            raise ApprovalError(f"{entry.where}: {exc.message}", hint=exc.hint) from None

"""A reply's text in review: pick one of the drafted alternatives, or edit it; the guards
decide whether an edit may be approved.

The guard check is injected (``ReplyGuard``): the CLI builds it from the account's rule set
(``conversations.guards``), so review keeps no copy of the guard rules.
"""

from __future__ import annotations

from collections.abc import Callable

from socialseed.errors import ApprovalError
from socialseed.model import Action, Verb
from socialseed.model.review import ReplyText, alternatives

ReplyGuard = Callable[[Action, str], "str | None"]  # the first guard a text breaks, or None
ReplyCap = Callable[[Action], "str | None"]  # why one more reply to its author breaks the cap


def no_guard(action: Action, text: str) -> str | None:
    """For listings only: a session that records nothing needs no guard."""
    return None


def pick(action: Action, choice: int) -> ReplyText:
    """Alternative ``choice`` (1-based) of a reply, unedited."""
    options = alternatives(action)
    if action.verb is not Verb.REPLY:
        raise ApprovalError(
            f"{action.id} is a {action.verb.value}, not a reply: it has no text to choose",
            hint="--choice and --text-file go with --approve of one reply",
        )
    if not options:
        raise ApprovalError(
            f"reply {action.id} has no drafted text in the plan",
            hint="make a new plan: a reply is proposed only with a drafted text",
        )
    if not 1 <= choice <= len(options):
        raise ApprovalError(
            f"reply {action.id} has {len(options)} alternative(s); there is no {choice}",
            hint=f"pick one of 1..{len(options)}",
        )
    return ReplyText(options[choice - 1], choice)


def edit(action: Action, base: ReplyText, text: str) -> ReplyText:
    """``text`` as the reply, edited from ``base``'s alternative (a trailing newline from an
    editor is not part of it). The same text as the alternative is not an edit."""
    cleaned = text.rstrip("\n")
    options = alternatives(action)
    original = options[base.choice - 1] if 0 < base.choice <= len(options) else None
    return ReplyText(cleaned, base.choice, edited=cleaned != original)


def default(action: Action) -> ReplyText | None:
    """What a reply's card starts with: its first alternative (None for other verbs)."""
    if action.verb is not Verb.REPLY or not alternatives(action):
        return None
    return pick(action, 1)


def refused(action: Action, reply: ReplyText, guard: ReplyGuard) -> ApprovalError | None:
    """Why ``reply`` may not be approved for ``action`` (a guard it breaks), or None."""
    problem = guard(action, reply.text)
    if problem is None:
        return None
    what = "the edited text" if reply.edited else f"alternative {reply.choice}"
    return ApprovalError(
        f"reply {action.id}: {what} cannot be approved: {problem}",
        hint="edit it again, or pick another alternative",
    )

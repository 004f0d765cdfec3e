"""A reply is sent with exactly the text its decision approved, and only when the plan and
the decision agree on where that text came from.

The decision records the text, the alternative it came from and whether the person edited it
(``review``). Apply refuses, before anything runs, a reply whose decision carries no text, names
an alternative the plan lacks, or holds a text that differs from its alternative without the
decision saying it was edited: the plan or the decision was changed outside SocialSeed. An
edited text must still pass the account's guards (checked again here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from socialseed.errors import ApprovalError
from socialseed.model import Action, Decision, Verb
from socialseed.model.review import alternatives

TextGuard = Callable[[Action, str], "str | None"]  # the first guard a text breaks, or None


def problem(action: Action, decision: Decision, guard: TextGuard | None = None) -> str | None:
    """Why ``decision``'s text may not be sent for reply ``action`` (None: it may)."""
    if action.verb is not Verb.REPLY:
        return None
    options = alternatives(action)
    if decision.text is None:
        return "its approval records no reply text"
    choice = decision.choice
    if choice is None or not 1 <= choice <= len(options):
        return f"its approval names alternative {choice}, which the plan does not have"
    if options[0] != action.target.text:
        return "the plan's reply text is not its first drafted alternative"
    if not decision.edited and decision.text != options[choice - 1]:
        return (
            f"the approved text differs from the plan's alternative {choice} and the "
            "approval records no edit"
        )
    broken = guard(action, decision.text) if guard is not None else None
    if broken is not None:
        return f"the approved text breaks a guard: {broken}"
    return None


def with_text(action: Action, decision: Decision) -> Action:
    """The action as it is sent: the target's text is the approved text."""
    if action.verb is not Verb.REPLY or decision.text is None:
        return action
    return replace(action, target=replace(action.target, text=decision.text))


def refuse_tampered(
    plan_id: str,
    pairs: Iterable[tuple[Action, Decision]],
    guard: TextGuard | None = None,
) -> None:
    """Raise ``ApprovalError`` naming every reply whose approved text may not be sent."""
    found = [
        f"{action.id} (reply to @{action.target.handle}): {why}"
        for action, decision in pairs
        if (why := problem(action, decision, guard)) is not None
    ]
    if found:
        raise ApprovalError(
            f"plan {plan_id}: refusing to apply: the plan's reply text and its approval do not "
            "agree, so nothing was sent:\n  - " + "\n  - ".join(found),
            hint=f"review the reply again (socialseed review {plan_id} --approve ID --choice N"
            ", or --text-file FILE for your own text), then apply",
        )

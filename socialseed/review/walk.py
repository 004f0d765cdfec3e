"""The interactive walk: show each pending action, read one key, record the decision at once.

The terminal lives elsewhere: a ``Prompter`` (the CLI's reads keys from the terminal; tests
script one) shows cards and reads keys and reasons. Ctrl-C and Ctrl-D stop the walk, keeping
every decision already recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from socialseed.errors import ApprovalError
from socialseed.model import Action, Risk
from socialseed.model.review import Card, Progress, ReplyText, alternatives
from socialseed.review import replies
from socialseed.review.session import ReviewSession

HELP = (
    "a approve   r reject (asks for an optional reason)   s skip   b back   d details\n"
    "replies: 1/2/3 pick an alternative   e edit the chosen text ($EDITOR, else a prompt);\n"
    "  a approves the text shown as chosen; an edit that breaks a guard is refused\n"
    "g approve every remaining green action (only where the platform's pack allows it)\n"
    "q quit: every decision made so far is kept; run review again to resume   ? this help"
)


# -- the interactive walk --------------------------------------------------------------------
class Prompter(Protocol):
    """The person at the keyboard. ``key`` and ``reason`` raise EOFError or KeyboardInterrupt
    when the person leaves (Ctrl-D, Ctrl-C); the walk then stops, keeping what was recorded."""

    def show(self, card: Card) -> None: ...

    def details(self, card: Card) -> None: ...

    def key(self, prompt: str) -> str: ...

    def reason(self, prompt: str) -> str: ...

    def edit(self, text: str) -> str:
        """The person's version of ``text`` (an editor, or a prompt where there is none)."""
        ...

    def say(self, text: str) -> None: ...


@dataclass(frozen=True)
class WalkResult:
    progress: Progress
    recorded: int
    finished: bool  # reached the end (False: the person quit)
    interrupted: bool = False  # Ctrl-C


class _Walk:
    """The state of one interactive walk; one method per key."""

    def __init__(
        self, session: ReviewSession, prompter: Prompter, *, override: bool, override_reason: str
    ) -> None:
        self.s = session
        self.p = prompter
        self.override = override
        self.override_reason = override_reason
        self.queue = session.pending()
        self.i = 0
        self.recorded = 0
        self.chosen: dict[str, ReplyText] = {}  # per reply: the text `a` approves
        self.refused_edit: dict[str, str] = {}  # per reply: an edit a guard refused
        self.redraw = False

    def reply(self, action: Action) -> ReplyText | None:
        """A reply's text as chosen so far (its first alternative until the person picks)."""
        return self.chosen.get(action.id) or replies.default(action)

    def card(self) -> Card:
        action = self.queue[self.i]
        return Card(
            action=action,
            position=self.i + 1,
            count=len(self.queue),
            progress=self.s.progress(),
            decision=self.s.latest(action.id),
            gate=self.s.gate(action),
            now=self.s.clock.now(),
            reply=self.reply(action),
        )

    def next_pending(self) -> None:
        self.i += 1
        while self.i < len(self.queue) and not self.s.is_pending(self.queue[self.i]):
            self.i += 1

    def approve(self) -> None:
        action = self.queue[self.i]
        reason = ""
        if action.risk is Risk.RED:
            if not self.override:
                self.p.say(
                    f"{action.id} is red ({'; '.join(action.risk_reasons) or 'no reason given'})"
                    ": red actions are approved only with an explicit override. Nothing "
                    f"recorded. To approve it, quit (q) and run 'socialseed review "
                    f"{self.s.plan_id} --override'."
                )
                return
            reason = self.override_reason or self.p.reason("override reason (required): ")
            if not reason.strip():
                self.p.say("an override needs a reason; nothing recorded")
                return
        try:
            self.s.approve(action, reason=reason, override=self.override, reply=self.reply(action))
        except ApprovalError as exc:
            self.p.say(f"{exc.message}; nothing recorded ({exc.hint})")
            return
        self.recorded += 1
        self.next_pending()

    def reject(self) -> None:
        reason = self.p.reason("reason (optional, Enter to skip): ")
        self.s.reject(self.queue[self.i], reason=reason)
        self.recorded += 1
        self.next_pending()

    def prompt(self) -> str:
        action = self.queue[self.i]
        count = len(alternatives(action))
        if not count:
            return "a/r/s/b/d/g/q/? > "
        picks = "1" if count == 1 else f"1-{count}"
        return f"{picks} pick, e edit, a approve, r/s/b/d/q/? > "

    def pick(self, key: str) -> None:
        action = self.queue[self.i]
        try:
            self.chosen[action.id] = replies.pick(action, int(key))
        except ApprovalError as exc:
            self.p.say(f"{exc.message}; nothing chosen ({exc.hint})")
            return
        self.refused_edit.pop(action.id, None)
        self.redraw = True

    def edit(self) -> None:
        action = self.queue[self.i]
        base = self.reply(action)
        if base is None:
            self.p.say(f"{action.id} is a {action.verb.value}: only a reply has a text to edit")
            return
        start = self.refused_edit.get(action.id, base.text)
        proposed = replies.edit(action, base, self.p.edit(start))
        problem = self.s.reply_refusal(action, proposed)
        if problem is not None:
            self.refused_edit[action.id] = proposed.text
            self.p.say(
                f"{problem}; the edit is not kept as the reply: press e to edit it again, "
                "or 1/2/3 to pick an alternative"
            )
            return
        self.refused_edit.pop(action.id, None)
        self.chosen[action.id] = proposed
        self.redraw = True

    def back(self) -> None:
        if self.i == 0:
            self.p.say("this is the first action")
        else:
            self.i -= 1

    def bulk_green(self) -> None:
        rest = [a for a in self.queue[self.i :] if a.risk is Risk.GREEN and self.s.is_pending(a)]
        allowed = [a for a in rest if self.s.gate(a).bulk_ok]
        if not allowed:
            why = self.s.gate(rest[0]).rule if rest else "no green action remains"
            self.p.say(f"no bulk approval here: {why}")
            return
        others = len(rest) - len(allowed)
        note = f" ({others} other green actions need one decision each)" if others else ""
        answer = self.p.key(f"approve {len(allowed)} remaining green actions{note}? [y/N] ")
        if answer.lower() != "y":
            self.p.say("nothing recorded")
            return
        result = self.s.approve_up_to(Risk.GREEN, allowed)
        self.recorded += len(result.approved)
        self.p.say(f"approved {len(result.approved)} green actions")
        self.i -= 1
        self.next_pending()

    def step(self, key: str) -> bool:
        """Handle one key; False when the person quits."""
        handlers: dict[str, Callable[[], None]] = {
            "a": self.approve,
            "r": self.reject,
            "s": self.next_pending,
            "b": self.back,
            "g": self.bulk_green,
            "d": lambda: self.p.details(self.card()),
            "e": self.edit,
            "?": lambda: self.p.say(HELP),
        }
        if key in {"q", "Q"}:
            return False
        if key in {"1", "2", "3", "4", "5", "6", "7", "8", "9"}:
            self.pick(key)
            return True
        handler = handlers.get(key.lower() if len(key) == 1 else key)
        if handler is None:
            self.p.say(f"unknown key {key!r}: nothing recorded; press ? for help")
        else:
            handler()
        return True


def walk(
    session: ReviewSession,
    prompter: Prompter,
    *,
    override: bool = False,
    override_reason: str = "",
) -> WalkResult:
    """Show each pending action and record the person's decision on it, one key each."""
    state = _Walk(session, prompter, override=override, override_reason=override_reason)
    last_shown = -1
    try:
        while state.i < len(state.queue):
            if state.i != last_shown or state.redraw:
                prompter.show(state.card())
                last_shown, state.redraw = state.i, False
            if not state.step(prompter.key(state.prompt())):
                return WalkResult(session.progress(), state.recorded, finished=False)
    except EOFError:
        return WalkResult(session.progress(), state.recorded, finished=False)
    except KeyboardInterrupt:
        return WalkResult(session.progress(), state.recorded, finished=False, interrupted=True)
    return WalkResult(session.progress(), state.recorded, finished=True)

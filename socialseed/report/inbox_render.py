"""``socialseed inbox``: what came in per account, how the rules sorted it, what is unanswered.

Every remote string (names, handles, message text, drafts) goes through the terminal cleaner.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.text import Text

from socialseed.model.conversations import InboxEntry, InboxView
from socialseed.report.terminal import clean, json_text, one_line

EXCERPT = 100
STATUS_STYLES = {
    "unanswered": "yellow",
    "answered": "green",
    "hidden": "dim",
    "no reply": "dim",
    "to hide": "red",
}


def render_json(views: Sequence[InboxView]) -> str:
    data = {"accounts": [v.to_data() for v in views]}
    return json_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def render_text(views: Sequence[InboxView]) -> list[Text]:
    lines: list[Text] = []
    for view in views:
        if lines:
            lines.append(Text(""))
        lines += _account(view)
    return lines or [Text("No account has a conversations rule set.")]


def _account(view: InboxView) -> list[Text]:
    head = Text()
    head.append(clean(view.account), "bold")
    head.append(
        f" ({view.platform}): {view.added} new, {len(view.entries)} in the last 7 days, "
        f"{view.unanswered} unanswered"
    )
    lines = [head]
    if view.note:
        lines.append(Text(f"  note: {clean(view.note)}", "dim"))
    if not view.complete:
        lines.append(Text("  note: the read stopped at its page cap; older ones were skipped"))
    lines += [line for entry in view.entries for line in _entry(entry)]
    return lines


def _entry(entry: InboxEntry) -> list[Text]:
    message = entry.triage.message
    line = Text("  ")
    line.append(f"{entry.status:<10}", STATUS_STYLES.get(entry.status, ""))
    line.append(f" {message.created_at:%m-%d %H:%M} {message.source.value:<7}")
    line.append(f" @{one_line(message.author.handle)}", "bold")
    line.append(f": {_excerpt(message.text)}")
    lines = [line]
    rule = entry.triage.rule or "no rule matched"
    outcomes = ", ".join(entry.triage.outcomes) or "nothing"
    signals = (
        f"; spam signals: {', '.join(entry.triage.spam_signals)}"
        if entry.triage.spam_signals
        else ""
    )
    lines.append(Text(f"      rule {clean(rule)} -> {outcomes}{signals}", "dim"))
    for draft in entry.triage.drafts if entry.status == "unanswered" else ():
        lines.append(Text(f"      draft ({clean(draft.origin)}): {one_line(draft.text)}", "dim"))
    for dropped in entry.triage.dropped if entry.status == "unanswered" else ():
        lines.append(
            Text(f"      dropped ({clean(dropped.origin)}): {clean(dropped.reason)}", "dim")
        )
    return lines


def _excerpt(text: str) -> str:
    flat = one_line(text)
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"

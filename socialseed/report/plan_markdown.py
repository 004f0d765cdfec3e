"""Render a Plan as Markdown for a pull-request comment.

Summary table first; per-account details in ``<details>``; bios only with
``include_profiles``. A comment beyond ``LIMIT`` characters is cut with a note saying how much
was left out (GitHub refuses comments over 65,536 characters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from socialseed.clock import iso
from socialseed.model import Action, Verb
from socialseed.model.plan import AccountPlan, AICost, Plan
from socialseed.report import conversation_text
from socialseed.report.plan_render import (
    SYMBOLS,
    ai_estimate_lines,
    ai_summary,
    budget_text,
    phase_text,
    summary_line,
)
from socialseed.report.terminal import markdown

LIMIT = 60_000
MARKER = "<!-- socialseed-plan -->"
RISK_BADGES = {"green": "🟢 green", "yellow": "🟡 yellow", "red": "🔴 red"}


def cell(text: str) -> str:
    """Text made safe for one table cell: no HTML, links, mentions or control characters."""
    return markdown(text)


def header(plan: Plan) -> list[str]:
    return [
        MARKER,
        f"## SocialSeed plan `{plan.id}`",
        "",
        f"**{summary_line(plan)}**",
        "",
        f"Created {iso(plan.created_at)} · config `{plan.config_sha256[:12]}` · dry run: "
        "nothing runs until actions are approved and `socialseed apply` is run.",
        "",
    ]


def summary_table(plan: Plan, by_account: dict[str, list[Action]]) -> list[str]:
    verbs = [v.value for v in Verb if any(a.verb is v for a in plan.actions)]
    head = ["account", "phase", *verbs, "🟢", "🟡", "🔴", "needs review"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for part in plan.accounts:
        actions = by_account.get(part.account, [])
        verbs_n = Counter(a.verb.value for a in actions)
        risks = Counter(a.risk.value for a in actions)
        review = sum(1 for a in actions if not a.auto_approved)
        row = [
            cell(part.account),
            cell(phase_text(part)),
            *[str(verbs_n.get(v, 0)) for v in verbs],
            *[str(risks.get(r, 0)) for r in ("green", "yellow", "red")],
            str(review),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


def ai_section(ai: AICost | None) -> list[str]:
    if ai is None:
        return []
    lines = [f"**{cell(ai_summary(ai))}**", ""]
    for line, refused in ai_estimate_lines(ai):
        lines.append(f"- {cell(line)}")
        if refused:
            lines.append(f"  - skipped: {cell(refused)}")
    return [*lines, ""]


def action_row(action: Action, *, include_profiles: bool) -> str:
    score = (
        f"{action.score.authenticity:.2f} / {action.score.relevance:.2f}" if action.score else ""
    )
    target = f"@{action.target.handle}"
    if action.target.post_id:
        target += f" (post {action.target.post_id})"
    why = "; ".join([action.reason, *action.risk_reasons, *_conversation(action)])
    approval = "auto" if action.auto_approved else "review"
    cells = [
        f"{SYMBOLS.get(action.verb, '?')} {action.verb.value}",
        cell(target),
        RISK_BADGES[action.risk.value],
        score,
        approval,
        cell(why),
        f"`{action.id}`",
    ]
    if include_profiles:
        bio = action.profile.bio if action.profile else ""
        cells.append(cell(bio[:200]))
    return "| " + " | ".join(cells) + " |"


def _conversation(action: Action) -> list[str]:
    talk = action.conversation
    if talk is None:
        return []
    said = [f"said {conversation_text.said(talk)}"]
    if action.verb is not Verb.REPLY:
        return said
    return [*said, *conversation_text.drafts(talk), *conversation_text.dropped(talk)]


def table_head(include_profiles: bool) -> list[str]:
    head = ["verb", "target", "risk", "auth / rel", "approval", "why", "id"]
    if include_profiles:
        head.append("bio")
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]


def account_open(part: AccountPlan, actions: Sequence[Action]) -> list[str]:
    proposed = Counter(a.verb.value for a in actions)
    lines = [
        "<details>",
        f"<summary><b>{cell(part.account)}</b> ({cell(part.platform)}): {len(actions)} action(s), "
        f"{phase_text(part)}</summary>",
        "",
        f"Today: {budget_text(part, proposed)}.",
        "",
    ]
    lines += [f"- note: {cell(n)}" for n in part.notes]
    return [*lines, ""]


def render_markdown(plan: Plan, *, include_profiles: bool = False, limit: int = LIMIT) -> str:
    """The comment body, at most ``limit`` characters."""
    by_account: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_account.setdefault(action.account, []).append(action)
    out = _Budgeted(limit)
    out.add_all(header(plan) + summary_table(plan, by_account) + ai_section(plan.ai))
    for part in plan.accounts:
        actions = by_account.get(part.account, [])
        out.add_all(account_open(part, actions))
        if actions:
            out.add_all(table_head(include_profiles))
        for action in actions:
            out.add(action_row(action, include_profiles=include_profiles), counts=True)
        out.add_all(["", "</details>", ""])
    out.add_all([f"- note: {cell(n)}" for n in plan.notes])
    return out.text(len(plan.actions))


class _Budgeted:
    """Lines up to a character budget; what does not fit is counted, not written."""

    RESERVE = 400  # room for the closing tags and the truncation note

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.size = 0
        self.full = False
        self.shown = 0

    def add(self, line: str, *, counts: bool = False) -> None:
        if self.full or self.size + len(line) + 1 > self.limit - self.RESERVE:
            self.full = True
            return
        self.lines.append(line)
        self.size += len(line) + 1
        self.shown += int(counts)

    def add_all(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.add(line)

    def text(self, total: int) -> str:
        lines = list(self.lines)
        if self.full:
            if lines and lines[-1].startswith("|"):
                lines.append("")
            if any(line == "<details>" for line in lines) and lines.count("<details>") > (
                lines.count("</details>")
            ):
                lines.append("</details>")
            lines += [
                "",
                f"> **Truncated:** {self.shown} of {total} actions shown; the comment limit is "
                f"{self.limit:,} characters. The full plan is in the JSON artifact "
                "(`socialseed show PLAN`).",
            ]
        return "\n".join(lines) + "\n"

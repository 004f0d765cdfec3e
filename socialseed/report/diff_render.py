"""A plan diff for the terminal (lines) and as JSON; the PR comment is ``diff_markdown``."""

from __future__ import annotations

import json

from socialseed.model.plan_diff import ActionChange, Change, PlanDiff
from socialseed.report.diff_markdown import summary_text
from socialseed.report.plan_render import SYMBOLS
from socialseed.report.terminal import json_text, one_line

TEXT_SIGNS = {Change.ADDED: "+", Change.REMOVED: "-", Change.CHANGED: "~"}


def render_diff_json(diff: PlanDiff) -> str:
    """The diff's data, unsafe characters inside strings as ``\\u`` escapes."""
    return (
        json_text(json.dumps(diff.to_data(), indent=2, sort_keys=True, ensure_ascii=False)) + "\n"
    )


def render_diff_text(diff: PlanDiff) -> list[str]:
    """Terminal lines: the summary, counts per account/verb/risk, then each change, red first."""
    lines = [summary_text(diff)]
    groups = diff.groups()
    if groups:
        lines += ["", "account / verb / risk: added, removed, changed"]
        lines += [
            f"  {one_line(g.account)} {g.verb.value} {g.risk.value}: "
            f"+{g.added} -{g.removed} ~{g.changed}"
            for g in groups
        ]
        lines.append("")
    lines += [change_line(c) for c in diff.changes]
    return lines


def change_line(c: ActionChange) -> str:
    action = c.action
    target = f"@{action.target.handle}"
    if action.target.post_id:
        target += f" (post {action.target.post_id})"
    why = "; ".join([action.reason, *action.risk_reasons])
    if c.before is not None:
        why = f"{', '.join(c.fields)} changed (was {c.before.risk.value}): {why}"
    return one_line(
        f"{TEXT_SIGNS[c.change]} [{c.risk.value}] {action.account} "
        f"{SYMBOLS.get(action.verb, '?')} {action.verb.value} {target} {action.id}  {why}"
    )

"""Render a Plan for people: the terminal diff (rich) and the JSON form.

Markdown for pull-request comments lives in ``plan_markdown``. Renderers only read the plan;
they never decide anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.control import strip_control_codes
from rich.text import Span, Text

from socialseed.clock import iso
from socialseed.model import Action, Risk, Verb
from socialseed.model.plan import AccountPlan, AICost, Plan
from socialseed.report import conversation_text
from socialseed.report.terminal import clean, json_text, one_line

if TYPE_CHECKING:
    from rich.console import Console

SYMBOLS: dict[Verb, str] = {
    Verb.FOLLOW: "+",
    Verb.UNFOLLOW: "-",
    Verb.LIKE: "♥",
    Verb.UNLIKE: "♡",
    Verb.REPOST: "↻",
    Verb.REPLY: "↩",
    Verb.HIDE_COMMENT: "✕",
    Verb.MUTE: "⊘",
}
RISK_STYLES = {Risk.GREEN: "green", Risk.YELLOW: "yellow", Risk.RED: "bold red"}
VERB_STYLES = {Verb.FOLLOW: "green", Verb.UNFOLLOW: "red"}
LEGEND = (
    "Legend: + follow  - unfollow  ♥ like  ↻ repost  ↩ reply  ✕ hide comment  ⊘ mute; "
    "[green] [yellow] [red] is the risk; 'auto' = approved by policy, 'review' = needs a person"
)


def render_json(plan: Plan, *, include_profiles: bool = False) -> str:
    """The plan's JSON for stdout: its data unchanged, unsafe characters as ``\\u`` escapes."""
    return json_text(plan.to_json(include_profiles=include_profiles))


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {verb}" for verb, n in counts.items()) or "nothing"


def summary_line(plan: Plan) -> str:
    """One line: what the plan proposes, its risk mix, what needs review."""
    if not plan.actions:
        return f"No changes: plan {plan.id} proposes nothing for {len(plan.accounts)} account(s)."
    s = plan.summary
    risks = s["by_risk"]
    review = s["total"] - s["auto_approved"]
    cost = f"; estimated cost ${s['cost_usd']:.2f}" if s["cost_usd"] else ""
    return (
        f"Plan {plan.id}: {s['total']} actions ({counts_text(s['by_verb'])}) for "
        f"{len(s['by_account'])} account(s): {risks['green']} green, {risks['yellow']} yellow, "
        f"{risks['red']} red; {s['auto_approved']} auto-approved, {review} need review"
        f"{cost}. Expires {iso(plan.expires_at)}."
    )


def ai_summary(ai: AICost) -> str:
    """One line: the AI scoring's estimate (made before any request), spend and budget."""
    estimated = ai.estimated_usd
    what = "AI scoring"
    if any(e.unit == "message" for e in ai.estimates):
        what = "AI scoring and reply drafts"
    if not ai.estimates:
        head = f"{what}: nothing to estimate (every profile's answer was cached)"
    elif not ai.used:
        head = f"{what}: not used (see below), {_instead(ai)}"
    elif estimated is None:
        head = f"{what}: estimated cost unknown (a provider has no known price)"
    else:
        head = f"{what}: estimated at most ${estimated:.4f} before it ran"
    cap = "no budget (scoring.max_cost_usd unset)"
    if ai.max_cost_usd is not None:
        cap = f"budget scoring.max_cost_usd = {ai.max_cost_usd:g}"
    return f"{head}; spent ${ai.spent_usd:.4f}; {cap}"


def _instead(ai: AICost) -> str:
    """What took the AI's place: the heuristic for profiles, templates for reply drafts."""
    units = {e.unit for e in ai.estimates}
    parts = []
    if units - {"message"}:
        parts.append("the heuristic scored instead")
    if "message" in units:
        parts.append("replies come from templates only (a message without one goes to a person)")
    return "; ".join(parts)


def ai_estimate_lines(ai: AICost) -> list[tuple[str, str]]:
    """(line, why it was skipped or "") per estimate: step, provider, cost, prices."""
    out = []
    for e in ai.estimates:
        line = (
            f"{e.step}: {e.provider} ({e.model}) {e.usd_text()} for {e.profiles} {e.unit}(s) "
            f"in {e.requests} request(s); prices: {e.prices}"
        )
        out.append((line, e.refused))
    return out


def ai_block(ai: AICost) -> list[Text]:
    lines = [Text(clean(ai_summary(ai)), "bold")]
    for line, refused in ai_estimate_lines(ai):
        lines.append(Text(f"  {clean(line)}"))
        if refused:
            lines.append(Text(f"    skipped: {clean(refused)}", "yellow"))
    return lines


def phase_text(part: AccountPlan) -> str:
    length = f" of {part.phase_days}" if part.phase_days else ""
    return f"phase {part.phase}, day {part.phase_day}{length}"


def budget_text(part: AccountPlan, proposed: Counter[str]) -> str:
    """'follow 15 proposed, 0 left (3 used today)' per verb with a cap."""
    items = []
    for verb in sorted(set(part.remaining) | set(proposed)):
        used = part.used_today.get(verb, 0)
        used_text = f", {used} used earlier today" if used else ""
        items.append(
            f"{verb} {proposed.get(verb, 0)} proposed, {part.remaining.get(verb, 0)} left"
            f"{used_text}"
        )
    return "; ".join(items) or "no caps in this phase"


def action_line(action: Action) -> Text:
    parts = [
        ("  ", ""),
        (
            f"{SYMBOLS.get(action.verb, '?')} {action.verb.value:<8}",
            VERB_STYLES.get(action.verb, ""),
        ),
        (f" @{one_line(action.target.handle)}", ""),
    ]
    if action.target.post_id:
        parts.append((f" post {one_line(action.target.post_id)}", "dim"))
    parts += [("  ", ""), (f"[{action.risk.value}]", RISK_STYLES[action.risk])]
    if action.score is not None:
        score = action.score
        parts.append((f"  auth {score.authenticity:.2f} rel {score.relevance:.2f}", ""))
    parts.append(("  auto" if action.auto_approved else "  review", "dim"))
    if action.cost_usd:
        parts.append((f"  ${action.cost_usd:.3f}", "dim"))
    parts.append((f"  {action.id}", "dim"))
    return assembled(parts)


def assembled(parts: Sequence[tuple[str, str]]) -> Text:
    """``Text`` of (text, style) parts, as ``Text.append`` makes it part by part (the same text
    and spans), in one go: a plan draws a line per action."""
    texts: list[str] = []
    spans: list[Span] = []
    at = 0
    for part, style in parts:
        text = strip_control_codes(part)
        if text:
            if style:
                spans.append(Span(at, at + len(text), style))
            at += len(text)
            texts.append(text)
    return Text("".join(texts), spans=spans)


def plain_output(console: Console, lines: Sequence[Text]) -> str | None:
    """What ``console.print(*lines, sep="\n")`` writes, made without rich's renderer when that
    is the lines' plain text (no terminal, no colours, no tabs to expand; soft wrap, so no
    line is cut): a plan draws a line per action. ``None`` when rich must draw them."""
    if console.is_terminal or console.color_system is not None or console.record:
        return None
    if not console.soft_wrap or console.quiet:
        return None
    texts = [line.plain for line in lines]
    if any("\t" in text for text in texts):
        return None
    return "\n".join(texts) + "\n"


def conversation_lines(action: Action) -> list[Text]:
    """The message answered, its thread, the alternatives (for a reply) and dropped drafts."""
    talk = action.conversation
    if talk is None:
        return []
    lines = [Text(f"      ← {one_line(conversation_text.said(talk))}")]
    lines += [
        Text(f"        in thread: {one_line(t)}", "dim") for t in conversation_text.thread(talk)
    ]
    if action.verb is Verb.REPLY:
        lines += [Text(f"      {one_line(d)}") for d in conversation_text.drafts(talk)]
        lines += [Text(f"      {one_line(d)}", "dim") for d in conversation_text.dropped(talk)]
    return lines


def detail_lines(action: Action) -> list[Text]:
    lines = [Text(f"      why: {clean(action.reason)}", "dim")]
    lines += [
        Text(f"      risk: {clean(r)}", RISK_STYLES[action.risk]) for r in action.risk_reasons
    ]
    if action.score is not None:
        lines += [Text(f"      score: {clean(r)}", "dim") for r in action.score.reasons]
    lines += [Text(f"      filter: {clean(f)}", "dim") for f in action.filters_matched]
    return lines


def account_block(
    part: AccountPlan,
    actions: Sequence[Action],
    *,
    verbose: bool,
    decisions: Mapping[str, str] | None = None,
) -> list[Text]:
    proposed = Counter(a.verb.value for a in actions)
    head = Text()
    head.append(clean(part.account), "bold")
    head.append(f" ({part.platform}) {phase_text(part)}: {len(actions)} action(s)")
    lines = [head, Text(f"  today: {budget_text(part, proposed)}")]
    if part.cost_usd:
        lines.append(Text(f"  estimated cost: ${part.cost_usd:.2f}"))
    for action in actions:
        lines.append(action_line(action))
        lines += conversation_lines(action)
        if decisions and action.id in decisions:
            style = "bold red" if "override" in decisions[action.id] else "dim"
            lines.append(Text(f"      decision: {clean(decisions[action.id])}", style))
        if verbose:
            lines += detail_lines(action)
    lines += [Text(f"  note: {clean(note)}", "dim") for note in part.notes]
    return lines


def render_text(
    plan: Plan, *, verbose: bool = False, decisions: Mapping[str, str] | None = None
) -> list[Text]:
    """The terminal diff: summary first, then one block per account, then the legend.

    ``decisions`` (action id -> label) shows what was decided on each action, red overrides
    included, when rendering a saved plan.
    """
    lines = [Text(summary_line(plan), "bold")]
    by_account: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_account.setdefault(action.account, []).append(action)
    for part in plan.accounts:
        lines.append(Text(""))
        lines += account_block(
            part, by_account.get(part.account, []), verbose=verbose, decisions=decisions
        )
    if plan.ai is not None:
        lines += [Text(""), *ai_block(plan.ai)]
    lines += [Text(f"note: {clean(note)}", "dim") for note in plan.notes]
    if plan.actions:
        lines += [Text(""), Text(LEGEND, "dim")]
        if not verbose:
            lines.append(Text("Run with -v to see why each action was proposed.", "dim"))
    return lines

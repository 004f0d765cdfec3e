"""The pull-request comment: what a config change does to the plan, or why the plan failed.

Summary first (counts per account, verb and risk), then where it ran (head commit, workflow
run, full plan artifact) and the exact commands to review and apply, then every changed action:
red, then yellow, then green. GitHub refuses a comment over 65,536 characters, so when it does
not fit, green rows are left out first (with their count), yellow rows only when the red and
yellow do not fit, and red never while a shorter row form can hold them. Remote text goes
through ``terminal.markdown`` (cells) or ``terminal.clean`` (the log in a code block).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from socialseed.model import Risk
from socialseed.model.plan_diff import RISK_ORDER, ActionChange, Change, PlanDiff
from socialseed.redact import scrub
from socialseed.report.plan_markdown import MARKER, RISK_BADGES
from socialseed.report.plan_render import SYMBOLS
from socialseed.report.terminal import clean, markdown, one_line

LIMIT = 65_536  # GitHub's limit on a comment body, in characters
CHANGE_SIGNS = {Change.ADDED: "+ added", Change.REMOVED: "− removed", Change.CHANGED: "~ changed"}
WIDTHS = {"account": 40, "target": 60, "why": 160}
LOG_LINES = 60
LOG_CHARS = 12_000
EXIT_MEANINGS: Mapping[int, tuple[str, str]] = {
    1: ("error", "read the log below: it names the file, line and fix"),
    3: ("unsafe", "a threshold or a suspect read stopped the plan; review the config's limits"),
    4: (
        "authentication needed",
        "set the secrets the config references (socialseed validate --env-vars) "
        "or reconnect the account",
    ),
    5: ("stale plan", "re-run the workflow to make a new plan"),
    6: ("state unusable", "restore the state (socialseed state restore) and re-run"),
    7: ("partial plan", "some accounts could not authenticate: see the log"),
    130: ("interrupted", "re-run the workflow"),
}


@dataclass(frozen=True)
class Where:
    """Where the comment's plan was made: the commit, the run, the artifact (all optional)."""

    sha: str = ""
    run_url: str = ""
    run_id: str = ""
    repository: str = ""
    artifact: str = "socialseed-plan"
    artifact_url: str = ""
    plan_file: str = ""  # the head plan's file name inside the artifact

    def lines(self) -> list[str]:
        parts = []
        if self.sha:
            parts.append(f"commit `{markdown(self.sha)}`")
        if self.run_url:
            parts.append(f"[workflow run]({_url(self.run_url)})")
        url = self.artifact_url or (f"{self.run_url}#artifacts" if self.run_url else "")
        if url:
            parts.append(f"[full plan: artifact `{markdown(self.artifact)}`]({_url(url)})")
        return [" · ".join(parts), ""] if parts else []


def _url(url: str) -> str:
    """A link target we built from the CI's variables: no spaces, parentheses or brackets."""
    return "".join(ch for ch in clean(url) if ch not in " ()<>[]\"'`")


# -- the diff comment ---------------------------------------------------------------------------
def render_diff_markdown(diff: PlanDiff, where: Where, *, limit: int = LIMIT) -> str:
    """The comment body, at most ``limit`` characters (see the module's note on what is cut)."""
    head = [*diff_header(diff), *where.lines(), *group_table(diff), *commands(diff, where)]
    found = {risk: [c for c in diff.changes if c.risk is risk] for risk in RISK_ORDER}
    for compact in (False, True):
        rows = {risk: [change_row(c, compact=compact) for c in cs] for risk, cs in found.items()}
        text = _fit(_composer(head, rows, compact=compact), rows, limit)
        if text is not None:
            return text
    return _composer(head, rows, compact=True)(dict.fromkeys(RISK_ORDER, 0))  # no red fits


def _composer(
    head: list[str], rows: dict[Risk, list[str]], *, compact: bool
) -> Callable[[dict[Risk, int]], str]:
    """The comment with the first ``kept[risk]`` rows of each risk."""

    def compose(kept: dict[Risk, int]) -> str:
        lines = list(head)
        for risk in RISK_ORDER:
            lines += risk_section(risk, rows[risk], kept[risk], compact=compact)
        return "\n".join(lines) + "\n"

    return compose


def _fit(
    compose: Callable[[dict[Risk, int]], str], rows: dict[Risk, list[str]], limit: int
) -> str | None:
    """The longest comment within ``limit``: green rows go first, then yellow; red never."""
    kept = {risk: len(found) for risk, found in rows.items()}
    text = compose(kept)
    for risk in (Risk.GREEN, Risk.YELLOW):
        if len(text) <= limit:
            return text
        low, high = 0, kept[risk]
        while low < high:  # the most rows of this risk that fit
            mid = (low + high + 1) // 2
            if len(compose({**kept, risk: mid})) <= limit:
                low = mid
            else:
                high = mid - 1
        kept[risk] = low
        text = compose(kept)
    return text if len(text) <= limit else None


def diff_header(diff: PlanDiff) -> list[str]:
    return [MARKER, "## SocialSeed plan diff", "", f"**{summary_text(diff)}**", ""]


def summary_text(diff: PlanDiff) -> str:
    """One sentence: what the change adds, removes and changes, by risk."""
    if not diff.changes:
        return (
            f"No change to the plan: head plan {diff.head.id} proposes the same "
            f"{len(diff.head)} action(s) as base plan {diff.base.id}."
        )
    risks = diff.by_risk()
    return (
        f"{diff.count(Change.ADDED)} added, {diff.count(Change.REMOVED)} removed, "
        f"{diff.count(Change.CHANGED)} changed ({risks[Risk.RED]} red, {risks[Risk.YELLOW]} "
        f"yellow, {risks[Risk.GREEN]} green); {diff.unchanged} unchanged. Head plan "
        f"{diff.head.id} ({len(diff.head)} actions) against base plan {diff.base.id} "
        f"({len(diff.base)} actions)."
    )


def group_table(diff: PlanDiff) -> list[str]:
    groups = diff.groups()
    if not groups:
        return []
    lines = ["| account | verb | risk | added | removed | changed |", "|---|---|---|---|---|---|"]
    for g in groups:
        account = _cell(g.account, WIDTHS["account"])
        verb = f"{SYMBOLS.get(g.verb, '?')} {g.verb.value}"
        lines.append(
            f"| {account} | {verb} | {RISK_BADGES[g.risk.value]} | {g.added} | {g.removed} "
            f"| {g.changed} |"
        )
    return [*lines, ""]


def commands(diff: PlanDiff, where: Where) -> list[str]:
    """The exact commands that review and apply the head plan; nothing runs before them."""
    if not diff.head.actions:
        return []
    ref = where.plan_file or diff.head.id
    run = []
    if where.run_id and where.plan_file:
        repo = f" -R {where.repository}" if where.repository else ""
        run.append(f"gh run download {where.run_id}{repo} -n {where.artifact}")
    run += [f"socialseed review {ref}", f"socialseed apply {ref}"]
    return [
        "**Review and apply** (nothing runs until a person approves):",
        "",
        "```sh",
        *[one_line(line).replace("`", "") for line in run],
        "```",
        "",
    ]


def risk_section(risk: Risk, found: list[str], kept: int, *, compact: bool) -> list[str]:
    if not found:
        return []
    lines = [f"### {RISK_BADGES[risk.value]}: {len(found)}", ""]
    if kept:
        head = ["change", "account", "verb", "target", *([] if compact else ["why"]), "id"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += found[:kept]
        lines.append("")
    left = len(found) - kept
    if left:
        lines += [
            f"> {left} {risk.value} row(s) not shown: the comment would pass GitHub's "
            f"{LIMIT:,}-character limit. Every action is in the full plan artifact.",
            "",
        ]
    elif compact:
        lines += ["> Rows shortened (no reasons) to fit GitHub's comment limit.", ""]
    return lines


def change_row(c: ActionChange, *, compact: bool) -> str:
    action = c.action
    target = f"@{action.target.handle}"
    if action.target.post_id:
        target += f" (post {action.target.post_id})"
    cells = [
        CHANGE_SIGNS[c.change],
        _cell(action.account, WIDTHS["account"]),
        f"{SYMBOLS.get(action.verb, '?')} {action.verb.value}",
        _cell(target, WIDTHS["target"]),
    ]
    if not compact:
        cells.append(_cell(_why(c), WIDTHS["why"]))
    cells.append(f"`{action.id}`")
    return "| " + " | ".join(cells) + " |"


def _why(c: ActionChange) -> str:
    why = "; ".join([c.action.reason, *c.action.risk_reasons])
    if c.before is None:
        return why
    was = f" (was {c.before.risk.value})" if c.before.risk is not c.action.risk else ""
    return f"{', '.join(c.fields)} changed{was}: {why}"


def _cell(text: str, width: int) -> str:
    """``markdown(text)`` in at most ``width`` characters, cut on a character of ``text``.

    Cutting the raw text (never the escaped form) keeps every escape whole, so a cut can not
    leave a backslash that unescapes the cell's closing ``|``.
    """
    safe = markdown(text)
    if len(safe) <= width:
        return safe
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if len(markdown(text[:mid])) + 1 <= width:
            low = mid
        else:
            high = mid - 1
    return markdown(text[:low]) + "…"


# -- the failure comment ---------------------------------------------------------------------------
def render_failure_markdown(exit_code: int, log: str, where: Where) -> str:
    """The comment that replaces a plan when the run failed: the exit code, its fix, the log."""
    meaning, fix = EXIT_MEANINGS.get(exit_code, ("failed", "read the log below"))
    tail = _log_tail(log)
    fence = "`" * max(3, _longest_run(tail, "`") + 1)
    lines = [
        MARKER,
        f"## SocialSeed plan failed: exit {exit_code} ({meaning})",
        "",
        "**No plan for this commit.** The earlier plan comment was replaced because it is stale. "
        f"Next: {fix}.",
        "",
        *where.lines(),
        "<details open><summary>The end of the log</summary>",
        "",
        fence + "text",
        tail,
        fence,
        "",
        "</details>",
    ]
    return "\n".join(lines) + "\n"


def _log_tail(log: str) -> str:
    lines = scrub(log).rstrip("\n").splitlines()[-LOG_LINES:]
    text = clean("\n".join(lines))
    return text[-LOG_CHARS:] if len(text) > LOG_CHARS else text


def _longest_run(text: str, ch: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        best = max(best, run)
    return best

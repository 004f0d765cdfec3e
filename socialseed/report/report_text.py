"""Terminal (rich) and Markdown renderings of the report, status, sync results and the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from socialseed.report.charts import bar, sparkline
from socialseed.report.discovery_text import runway_text, yield_lines
from socialseed.report.growth_text import calibration_text, experiment_text
from socialseed.report.status_text import LIGHT_STYLE
from socialseed.report.status_text import render_status as render_status  # its old home
from socialseed.report.terminal import clean, markdown, one_line, plain


def can_draw(console: Console) -> bool:
    """Unicode charts where the terminal's encoding allows them; ASCII otherwise."""
    return console.encoding.lower().replace("-", "").startswith("utf")


def _pct(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "n/a"


def _num(value: int | None) -> str:
    return f"{value:,}" if value is not None else "n/a"


def _signed(value: int | None) -> str:
    return f"{value:+,}" if value is not None else "n/a"


# -- sync --------------------------------------------------------------------------------------
def render_sync(console: Console, results: Sequence[dict[str, Any]]) -> None:
    """One row per account (drift as +manual follows / -ended follows), then the notes."""
    table = Table(title="sync")
    for name in ("account", "followers", "following", "follow-backs", "drift", "health"):
        table.add_column(name, no_wrap=True)
    for r in results:
        drift = r["drift"]
        changed = drift["followed"] or drift["unfollowed"]
        light = (r.get("health") or {}).get("light", "")
        table.add_row(
            escape(one_line(r["account"])),
            f"{_num(r['followers'])} ({_signed(r['followers_change'])})",
            _num(r["following"]),
            f"+{r['new_follow_backs']}",
            f"+{len(drift['followed'])}/-{len(drift['unfollowed'])}" if changed else "none",
            f"[{LIGHT_STYLE[light]}]{light}[/]" if light in LIGHT_STYLE else "-",
        )
    console.print(table)
    for r in results:
        for note in r["notes"]:
            console.print(f"  {clean(r['account'])}: {clean(note)}", markup=False, highlight=False)


# -- report ------------------------------------------------------------------------------------
def render_report(console: Console, data: dict[str, Any]) -> None:
    unicode = can_draw(console)
    console.print(f"[bold]SocialSeed report[/] {data['since'][:10]} .. {data['until'][:10]}")
    for note in data.get("notes", []):
        console.print(f"note: {clean(note)}", markup=False, highlight=False)
    for acct in data["accounts"]:
        _render_account(console, acct, unicode)
    ai = data["ai"]
    console.print(
        f"\n[bold]AI scoring[/]: {ai['requests']} requests, {ai['tokens_in']:,} tokens in, "
        f"{ai['tokens_out']:,} out, ${ai['cost_usd']:.4f}"
    )
    console.print(f"[dim]{data['formulas']['engagement_rate']}[/]")
    console.print(f"[dim]{data['formulas']['follow_back_rate']}[/]")


def _render_account(console: Console, acct: dict[str, Any], unicode: bool) -> None:
    f = acct["followers"]
    light = acct["health"]["light"]
    console.print(
        f"\n[bold]{_safe(acct['account'])}[/] ({_safe(acct['platform'])})  health "
        f"[{LIGHT_STYLE[light]}]{light}[/]"
    )
    series = [p["followers"] for p in f["points"]]
    console.print(
        f"  followers {_num(f['start'])} → {_num(f['end'])} (net {_signed(f['net'])}, "
        f"gained {_num(f['gained'])}, lost {_num(f['lost'])})  {sparkline(series, unicode=unicode)}"
    )
    if acct["phases"]:
        console.print("  phases    " + _phase_strip(acct["phases"]))
    fb = acct["follow_backs"]
    console.print(
        f"  follow-backs {fb['followed_back']} of {fb['follows_made']} ({_pct(fb['rate'])});  "
        f"engagement rate {_pct(acct['engagement_rate'])};  API cost ${acct['api_cost_usd']:.4f}"
    )
    lift = experiment_text(acct)
    if lift:
        console.print(f"  experiment: {lift}", markup=False, highlight=False)
    calibration = calibration_text(acct)
    if calibration:
        console.print(f"  calibration: {calibration}", markup=False, highlight=False)
    talk = conversations_text(acct)
    if talk:
        console.print(f"  conversations: {talk}")
    runway = runway_text(acct)
    if runway:
        console.print(f"  {clean(runway)}", markup=False, highlight=False)
    for line in yield_lines(acct):
        console.print(f"  source {clean(line)}", markup=False, highlight=False)
    ap = acct["approvals"]
    console.print(
        f"  approvals: {ap['approved']} by a person, {ap['auto_approved']} by policy, "
        f"{ap['rejected']} rejected, {ap['overridden']} overridden"
    )
    _render_actions(console, acct["actions"], unicode)


def conversations_text(acct: dict[str, Any]) -> str:
    """The account's conversations in one sentence ("" when nothing came in): the same words in
    the text, Markdown and HTML reports."""
    talk = acct.get("conversations") or {}
    if not talk.get("received"):
        return ""
    wait = talk["median_first_response_hours"]
    return (
        f"{talk['received']} received, {talk['answered']} answered, "
        f"{talk['hidden']} hidden; median first response "
        f"{'-' if wait is None else f'{wait:.1f} h'}; "
        f"{talk['questions_answered_within_a_day']} of {talk['questions']} "
        f"question(s) answered within a day, "
        f"{talk['unanswered_questions_over_a_day']} unanswered over a day"
    )


def _safe(value: str) -> str:
    """Remote or stored text inside a rich markup string: cleaned, one line, markup escaped."""
    return escape(one_line(value))


def _phase_strip(phases: list[dict[str, str]]) -> str:
    """Runs of the same phase: 'warmup 14d → growth 16d'."""
    runs: list[list[Any]] = []
    for day in phases:
        if runs and runs[-1][0] == day["phase"]:
            runs[-1][1] += 1
        else:
            runs.append([day["phase"], 1])
    return " → ".join(f"{name} {n}d" for name, n in runs)


def _render_actions(console: Console, actions: dict[str, Any], unicode: bool) -> None:
    if not actions["verbs"]:
        console.print("  actions: none executed in the period")
        return
    table = Table(show_header=True, box=None, padding=(0, 1))
    table.add_column("  verb")
    table.add_column("total", justify="right")
    table.add_column("per day")
    top = max(actions["totals"].values())
    for verb in actions["verbs"]:
        per_day = [d.get(verb, 0) for d in actions["per_day"]]
        table.add_row(
            plain(f"  {verb}"),
            str(actions["totals"][verb]),
            sparkline(per_day, unicode=unicode, zero_based=True)
            + "  "
            + bar(actions["totals"][verb], top, width=20, unicode=unicode),
        )
    console.print(table)
    if actions["failed"]:
        console.print(f"  failed attempts: {actions['failed']}")


def report_markdown(data: dict[str, Any]) -> str:
    lines = [f"# SocialSeed report {data['since'][:10]} .. {data['until'][:10]}", ""]
    lines += [f"> note: {markdown(note)}" for note in data.get("notes", [])]
    lines += [""] if data.get("notes") else []
    lines += [
        "| account | platform | health | followers | net | gained | lost | follow-back "
        "| engagement | API cost |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a in data["accounts"]:
        f, fb = a["followers"], a["follow_backs"]
        lines.append(
            f"| {markdown(a['account'])} | {markdown(a['platform'])} | {a['health']['light']} "
            f"| {_num(f['end'])} "
            f"| {_signed(f['net'])} | {_num(f['gained'])} | {_num(f['lost'])} "
            f"| {_pct(fb['rate'])} ({fb['followed_back']}/{fb['follows_made']}) "
            f"| {_pct(a['engagement_rate'])} | ${a['api_cost_usd']:.4f} |"
        )
    for a in data["accounts"]:
        lines += ["", f"## {markdown(a['account'])}", ""]
        if a["phases"]:
            lines.append(f"Phases: {_phase_strip(a['phases'])}")
        series = [p["followers"] for p in a["followers"]["points"]]
        lines.append(f"Followers: `{sparkline(series)}`")
        ap = a["approvals"]
        lines.append(
            f"Approvals: {ap['approved']} by a person, {ap['auto_approved']} by policy, "
            f"{ap['rejected']} rejected, {ap['overridden']} overridden"
        )
        talk = conversations_text(a)
        lines += [f"Conversations: {talk}"] if talk else []
        lift, calibration = experiment_text(a), calibration_text(a)
        lines += [f"Experiment: {markdown(lift)}"] if lift else []
        lines += [f"Calibration: {markdown(calibration)}"] if calibration else []
        runway = runway_text(a)
        lines += [f"Runway: {markdown(runway)}"] if runway else []
        lines += [f"- source {markdown(line)}" for line in yield_lines(a)]
        lines += ["", "| verb | total |", "|---|---:|"]
        lines += [f"| {markdown(v)} | {n} |" for v, n in a["actions"]["totals"].items()]
    ai = data["ai"]
    lines += ["", f"AI scoring: {ai['requests']} requests, ${ai['cost_usd']:.4f}", ""]
    lines += [f"- {text}" for text in data["formulas"].values()]
    return "\n".join(lines) + "\n"


# -- log ---------------------------------------------------------------------------------------
def render_trail(console: Console, entries: Sequence[dict[str, str]]) -> None:
    table = Table(title="audit trail")
    for name in ("at", "account", "kind", "who", "action", "outcome", "request id"):
        table.add_column(name, overflow="fold")
    for e in entries:
        action = " ".join(x for x in (e["verb"], e["target"]) if x)
        who = e["actor"]
        if e["approved_by"]:
            who += f"\napproved by {e['approved_by']}"
        outcome = e["outcome"] + (f"\n{e['detail']}" if e["detail"] else "")
        cells = (e["at"], e["account"], e["kind"], who, action or "-", outcome.strip() or "-")
        table.add_row(*(plain(c) for c in (*cells, e["request_id"] or "-")))
    console.print(table)

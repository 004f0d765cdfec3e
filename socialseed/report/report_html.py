"""The HTML report: one self-contained file (inline CSS and SVG; no scripts, fonts or
network requests), responsive so it reads on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialseed.report.discovery_text import runway_text, yield_lines
from socialseed.report.growth_text import calibration_text, experiment_text
from socialseed.report.svg import line_chart, phase_strip, stacked_bars
from socialseed.report.terminal import html_text as escape

CSS = """
:root { color-scheme: light; --fg:#111827; --muted:#6b7280; --card:#f9fafb; --line:#e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 960px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 0 0 8px; }
h3 { font-size: .95rem; margin: 16px 0 6px; color: var(--muted); font-weight: 600; }
.sub { color: var(--muted); margin: 0 0 16px; }
section.account { border: 1px solid var(--line); border-radius: 12px; padding: 16px;
  margin: 16px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; }
.card { background: var(--card); border-radius: 8px; padding: 8px 10px; }
.card b { display: block; font-size: 1.2rem; } .card span { color: var(--muted);
  font-size: .8rem; }
svg.chart { width: 100%; max-width: 640px; height: auto; display: block; }
svg.strip { width: 100%; height: 18px; display: block; border-radius: 4px; }
.axis { stroke: #9ca3af; stroke-width: 1; } .tick { font-size: 16px; fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: .8rem; margin-top: 4px; }
.key i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; vertical-align: middle; }
.light { display: inline-block; padding: 1px 10px; border-radius: 999px; color: #fff;
  font-weight: 600; font-size: .85rem; }
.green { background: #16a34a; } .yellow { background: #ca8a04; } .red { background: #dc2626; }
ul.reasons { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: .85rem; }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: .8rem; margin-top: 24px; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); }
@media (max-width: 480px) { body { padding: 8px; } section.account { padding: 10px; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _pct(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "n/a"


def _num(value: int | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+,}" if signed else f"{value:,}"


def _gained_lost(f: dict[str, Any]) -> str:
    if f["gained"] is None:
        return "n/a"
    return f"+{f['gained']:,} / -{f['lost']:,}"


def _usd(value: float) -> str:
    return f"${value:.4f}"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def render_html(data: dict[str, Any]) -> str:
    """The whole report as one HTML document."""
    title = f"SocialSeed report {data['since'][:10]} to {data['until'][:10]}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">generated {escape(data["generated_at"])}</p>',
        *(f'<p class="sub">note: {escape(note)}</p>' for note in data.get("notes", [])),
        *(_account(a) for a in data["accounts"]),
        _ai(data["ai"]),
        _footer(data),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _account(a: dict[str, Any]) -> str:
    f, fb, ap, h = a["followers"], a["follow_backs"], a["approvals"], a["health"]
    cards = "".join(
        [
            _card(_num(f["end"]), "followers"),
            _card(_num(f["net"], signed=True), "net growth"),
            _card(_gained_lost(f), "gained / lost"),
            _card(_pct(fb["rate"]), f"follow-back ({fb['followed_back']}/{fb['follows_made']})"),
            _card(_pct(a["engagement_rate"]), "engagement rate*"),
            _card(f"{ap['approved']} / {ap['auto_approved']}", "approved by person / policy"),
            _card(f"{ap['rejected']} / {ap['overridden']}", "rejected / overridden"),
            _card(f"${a['api_cost_usd']:.4f}", "API cost"),
        ]
    )
    reasons = "".join(f"<li>{escape(r)}</li>" for r in h["reasons"])
    talk = _conversations(a.get("conversations") or {})
    points = [(p["date"], float(p["followers"])) for p in f["points"]]
    acts = a["actions"]
    series: dict[str, Sequence[int]] = {
        v: [int(d.get(v, 0)) for d in acts["per_day"]] for v in acts["verbs"]
    }
    days = [d["date"] for d in acts["per_day"]]
    return (
        f'<section class="account" id="{escape(a["account"])}">'
        f"<h2>{escape(a['account'])} <small>({escape(a['platform'])})</small> "
        f'<span class="light {escape(h["light"])}">{escape(h["light"])}</span></h2>'
        f'<ul class="reasons">{reasons}</ul>'
        f'<h3>Summary</h3><div class="cards">{cards}</div>'
        + _experiment(a)
        + talk
        + _discovery(a)
        + (
            f"<h3>Phases</h3>{phase_strip(a['phases'], label='phase by day')}"
            if a["phases"]
            else ""
        )
        + f"<h3>Followers over time</h3>{line_chart(points, label='followers over time')}"
        f"<h3>Actions per day by verb</h3>"
        f"{stacked_bars(days, series, label='actions per day by verb')}"
        + _totals_table(acts)
        + "</section>"
    )


def _experiment(a: dict[str, Any]) -> str:
    """The ranked choice against the control group, and the calibration ("" before any
    judged follow): the text report's sentences."""
    lift, calibration = experiment_text(a), calibration_text(a)
    if not lift:
        return ""
    rows = f"<p>{escape(lift)}</p>"
    rows += f"<p>calibration: {escape(calibration)}</p>" if calibration else ""
    return f'<h3>Experiment: chosen vs control</h3><div class="experiment">{rows}</div>'


def _discovery(a: dict[str, Any]) -> str:
    """The runway and each source's yield ("" when no plan read a source)."""
    runway, lines = runway_text(a), yield_lines(a)
    if not runway and not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (
        "<h3>Discovery</h3>"
        + (f"<p>{escape(runway)}</p>" if runway else "")
        + (f"<ul>{items}</ul>" if items else "")
    )


def _conversations(talk: dict[str, Any]) -> str:
    """Cards for the account's inbox ("" when nothing came in)."""
    if not talk.get("received"):
        return ""
    wait = talk["median_first_response_hours"]
    cards = "".join(
        [
            _card(_num(talk["received"]), "received"),
            _card(f"{talk['answered']:,} / {talk['hidden']:,}", "answered / hidden"),
            _card("-" if wait is None else f"{wait:.1f} h", "median first response"),
            _card(
                f"{talk['questions_answered_within_a_day']} / {talk['questions']}",
                "questions answered within a day",
            ),
            _card(_num(talk["unanswered_questions_over_a_day"]), "questions unanswered > 1 day"),
        ]
    )
    return f'<h3>Conversations</h3><div class="cards">{cards}</div>'


def _totals_table(acts: dict[str, Any]) -> str:
    if not acts["verbs"]:
        return ""
    rows = "".join(f"<tr><td>{escape(v)}</td><td>{n}</td></tr>" for v, n in acts["totals"].items())
    failed = f"<tr><td>failed attempts</td><td>{acts['failed']}</td></tr>" if acts["failed"] else ""
    return f"<table><tr><th>verb</th><th>done</th></tr>{rows}{failed}</table>"


def _ai(ai: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(m['provider'])}</td><td>{escape(m['model'])}</td>"
        f"<td>{m['requests']}</td><td>{m['tokens_in']:,} / {m['tokens_out']:,}</td>"
        f"<td>${m['cost_usd']:.4f}</td></tr>"
        for m in ai["by_model"]
    )
    table = (
        "<table><tr><th>provider</th><th>model</th><th>requests</th><th>tokens in / out</th>"
        f"<th>cost</th></tr>{rows}</table>"
        if rows
        else '<p class="empty">no AI scoring in the period (the heuristic scorer is free)</p>'
    )
    return (
        f'<section class="account"><h2>AI scoring costs</h2><div class="cards">'
        f"{_card(str(ai['requests']), 'requests')}{_card(_usd(ai['cost_usd']), 'AI cost')}"
        f"</div>{table}</section>"
    )


def _footer(data: dict[str, Any]) -> str:
    formulas = "".join(f"<li>{escape(text)}</li>" for text in data["formulas"].values())
    return f"<footer><p>* Formulas:</p><ul>{formulas}</ul></footer>"

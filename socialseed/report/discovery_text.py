"""The discovery part of the report in sentences (the same words in the text, Markdown and
HTML reports): the last plan's runway, and what each source yielded."""

from __future__ import annotations

from typing import Any


def runway_text(acct: dict[str, Any]) -> str:
    """The last plan's runway note ("" when no plan measured one)."""
    runway = (acct.get("discovery") or {}).get("runway")
    return str(runway["note"]) if runway else ""


def yield_lines(acct: dict[str, Any]) -> list[str]:
    """One sentence per source: reads, profiles discovered, new, follows chosen, follow-backs."""
    lines = []
    for s in (acct.get("discovery") or {}).get("sources", []):
        origin = "" if s["origin"] == "source" else f", expand {s['origin']}"
        lines.append(
            f"{s['source']} ({s['targeting']}{origin}): {s['reads']} read(s), "
            f"{s['discovered']} discovered, {s['new']} new, {s['chosen']} chosen, "
            f"{s['followed_back']} followed back"
        )
    return lines

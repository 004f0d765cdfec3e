"""``socialseed platforms``: the capability matrix, read from each platform module's data.

A platform whose module cannot be loaded still gets a row, with the error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context

if TYPE_CHECKING:
    from socialseed.model import Capabilities

VERB_ORDER = ("follow", "unfollow", "like", "unlike", "repost", "reply", "hide_comment", "mute")
_WINDOWS = {300: "5 min", 900: "15 min", 3600: "hour", 10800: "3 h", 86400: "day"}


def register(app: typer.Typer) -> None:
    app.command("platforms")(platforms)


def platforms(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the matrix as JSON.")] = False,
) -> None:
    """Capability matrix: actions per platform (and X tier), approvals, caps, limits, auth."""
    app_ctx = context.get(ctx)
    rows = matrix()
    if as_json:
        typer.echo(json.dumps({"platforms": rows}, indent=2, sort_keys=True))
    else:
        app_ctx.out.print(render(rows), markup=False, highlight=False)
    for row in rows:
        if row.get("error"):
            app_ctx.err.print(f"warning: {row['platform']}: {row['error']}", markup=False)


def matrix() -> list[dict[str, Any]]:
    """One row per platform (per tier where a platform has tiers), in registry order."""
    from socialseed.platforms import registry

    rows: list[dict[str, Any]] = []
    for name in registry.MODULES:
        try:
            rows.extend(_rows(name))
        except Exception as exc:  # a broken module must not hide the others
            rows.append({"platform": name, "tier": None, "error": _describe(name, exc)})
    return rows


def _describe(name: str, exc: Exception) -> str:
    from socialseed.platforms import registry

    return f"cannot load {registry.MODULES[name]} ({type(exc).__name__}: {exc})"


def _rows(name: str) -> list[dict[str, Any]]:
    from socialseed.config.schema import Account
    from socialseed.platforms import registry

    module = registry.module(name)
    tiers: tuple[str, ...] = tuple(getattr(module, "TIERS", ()) or ())
    if not tiers:
        return [row(module.capabilities(None), None)]
    return [row(module.capabilities(_tier_account(Account, name, tier)), tier) for tier in tiers]


def _tier_account(account_cls: Any, platform: str, tier: str) -> Any:
    return account_cls(
        id=f"{platform}-tier", platform=platform, handle="-", phases="-", access_tier=tier
    )


def row(caps: Capabilities, tier: str | None) -> dict[str, Any]:
    """The JSON-ready description of one platform's capabilities."""
    pack = caps.pack
    return {
        "platform": caps.platform,
        "tier": tier,
        "error": None,
        "supports": sorted(v.value for v in caps.supports),
        "requires_human": sorted(v.value for v in pack.requires_human & caps.supports),
        "not_offered": {v.value: r for v, r in sorted(caps.unsupported_reasons.items())},
        "sources": sorted(s.value for s in caps.sources),
        "hard_caps": [
            {
                "verb": c.verb.value,
                "limit": c.limit,
                "window_seconds": c.window_seconds,
                "source": c.source,
            }
            for c in caps.hard_caps
        ],
        "budgets": [
            {
                "name": b.name,
                "limit": b.limit,
                "window_seconds": b.window_seconds,
                "costs": {v.value: c for v, c in sorted(b.costs.items())},
                "source": b.source,
            }
            for b in caps.budgets
        ],
        "forbidden": [{"name": f.name, "rule": f.rule, "source": f.source} for f in pack.forbidden],
        "unfollow_non_followers": pack.unfollow_non_followers,
        "bulk_approve": pack.bulk_approve,
        "rate_limit_model": caps.rate_limit_model,
        "auth_method": caps.auth_method,
        "cost_usd": {v.value: p for v, p in sorted(caps.cost_usd.items())},
        "write_points": {v.value: p for v, p in sorted(caps.write_points.items())},
        "notes": list(pack.notes),
    }


def _label(r: dict[str, Any]) -> str:
    return f"{r['platform']} ({r['tier']})" if r.get("tier") else str(r["platform"])


def _col(verb: str) -> int:
    return max(len(verb), len("person"))


def _cell(r: dict[str, Any], verb: str) -> str:
    if verb not in r["supports"]:
        return "-"
    return "person" if verb in r["requires_human"] else "yes"


def render(rows: list[dict[str, Any]]) -> str:
    """The matrix as plain text: a verb table, then one block of details per platform."""
    width = max(len(_label(r)) for r in rows) + 2
    header = "platform".ljust(width) + "  ".join(v.ljust(_col(v)) for v in VERB_ORDER)
    lines = [
        "Actions per platform (yes = offered; person = every action needs a person's own "
        "decision; - = not offered)",
        "",
        header,
    ]
    header = header.rstrip()
    lines[-1] = header
    for r in rows:
        if r.get("error"):
            lines.append(_label(r).ljust(width) + f"error: {r['error']}")
            continue
        cells = "  ".join(_cell(r, v).ljust(_col(v)) for v in VERB_ORDER)
        lines.append(_label(r).ljust(width) + cells.rstrip())
    for r in rows:
        if not r.get("error"):
            lines.extend(["", *_details(r)])
    return "\n".join(lines)


def _cap(cap: dict[str, Any]) -> str:
    seconds = cap["window_seconds"]
    if seconds == 0:
        return f"{cap['verb']} {cap['limit']:,} in total"
    return f"{cap['verb']} {cap['limit']:,} per {_WINDOWS.get(seconds, f'{seconds} s')}"


def _shared(budget: dict[str, Any]) -> str:
    seconds = int(budget["window_seconds"])
    window = _WINDOWS.get(seconds, f"{seconds} s")
    costs = ", ".join(f"{v} {c}" for v, c in budget["costs"].items())
    return f"{budget['name']}: {budget['limit']:,} per {window} ({costs}; {budget['source']})"


def _details(r: dict[str, Any]) -> list[str]:
    out = [_label(r)]
    out.append(f"  sources: {', '.join(r['sources']) or 'none'}")
    caps = [_cap(c) for c in r["hard_caps"]]
    out.append(f"  hard caps: {'; '.join(caps) or 'none published'}")
    out.extend(f"  shared budget: {_shared(b)}" for b in r["budgets"])
    if r["write_points"]:
        points = ", ".join(f"{v} {p}" for v, p in r["write_points"].items())
        out.append(f"  write points: {points}")
    if r["cost_usd"]:
        cost = ", ".join(f"{v} ${p:.3f}" for v, p in r["cost_usd"].items())
        out.append(f"  cost per action: {cost}")
    out.append(f"  rate limits: {r['rate_limit_model'] or 'n/a'}")
    out.append(f"  auth: {r['auth_method'] or 'none'}")
    if not r["unfollow_non_followers"]:
        out.append("  unfollowing non-followers: not allowed")
    out.extend(f"  forbidden: {f['name']}: {f['rule']} ({f['source']})" for f in r["forbidden"])
    out.extend(f"  not offered: {v}: {reason}" for v, reason in r["not_offered"].items())
    out.extend(f"  note: {n}" for n in r["notes"])
    return out

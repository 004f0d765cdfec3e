"""Decisions files: ``review --from-file FILE`` records them; ``decision sign FILE`` signs them.

Thin: read the file, build the session, call ``socialseed.review.from_file``, render.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import ApprovalError

if TYPE_CHECKING:
    from socialseed.cli.context import AppContext
    from socialseed.config.schema import Config
    from socialseed.review import ReviewSession
    from socialseed.review.from_file import Entry

decision_app = typer.Typer(
    help="Decisions made elsewhere: sign a decisions file for 'review --from-file'.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(decision_app, name="decision")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ApprovalError(
            f"{path}: cannot read the decisions file ({exc})",
            hint="give a UTF-8 YAML file (schema: docs/review.md, 'Decisions made elsewhere')",
        ) from None


def record_file(
    app_ctx: AppContext, session: ReviewSession, config: Config, path: Path, *, json_: bool
) -> None:
    """``review PLAN --from-file FILE``: check every entry, then record them all."""
    from socialseed.config.schema import parse_duration
    from socialseed.review import from_file

    ttl = timedelta(seconds=parse_duration(config.policy.approval_ttl))
    now = app_ctx.clock.now()
    entries = from_file.read(str(path), _text(path), session.plan, ttl, now)
    _record(app_ctx, session, entries, now, str(path), json_=json_)


def _record(
    app_ctx: AppContext,
    session: ReviewSession,
    entries: list[Entry],
    now: datetime,
    source: str,
    *,
    json_: bool,
) -> None:
    """Check every entry under review's rules, record them all, and say what was recorded."""
    from socialseed.clock import iso
    from socialseed.review import from_file

    plan = session.plan
    from_file.check(session, entries, session.team)
    from_file.record(session, entries, now)
    if json_:
        rows = [
            {
                "action_id": e.decision.action_id,
                "verdict": e.decision.verdict,
                "reviewer": e.decision.reviewer,
                "decided_at": iso(e.decision.decided_at),
                "signed": e.decision.signature is not None,
            }
            for e in entries
        ]
        typer.echo(json.dumps({"plan": plan.id, "recorded": rows}, indent=2, sort_keys=True))
    for e in entries:
        signed = " (signed)" if e.decision.signature else ""
        app_ctx.err.print(
            f"{e.where}: {e.decision.verdict} {e.action.id} by {e.decision.reviewer}{signed}",
            markup=False,
        )
    for entry in entries:
        if entry.decision.verdict == "approve":
            session.note_second(entry.action)
    for note in session.notes:
        app_ctx.err.print(note, markup=False)
    app_ctx.err.print(
        f"Recorded {len(entries)} decision(s) from {source}. plan {plan.id}: {session.progress()}",
        markup=False,
    )


def record_event(
    app_ctx: AppContext, session: ReviewSession, config: Config, path: Path, *, json_: bool
) -> None:
    """``review PLAN --from-github-event PATH``: the pull request's decisions, checked and
    recorded like a decisions file (all or nothing)."""
    from socialseed.config.schema import parse_duration
    from socialseed.review import from_file, github_event

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ApprovalError(
            f"{path}: cannot read the event payload ({exc})",
            hint="give the file GitHub writes for the event ($GITHUB_EVENT_PATH)",
        ) from None
    event = github_event.read(str(path), text)
    ttl = timedelta(seconds=parse_duration(config.policy.approval_ttl))
    now = app_ctx.clock.now()
    if event.at > now + from_file._SKEW:
        raise ApprovalError(
            f"{path}: the {event.kind} is dated {event.at.isoformat()}, in the future",
            hint="check the clock of the machine running the step",
        )
    entries = github_event.entries(session, event, config, ttl)
    if not entries:
        why = event.ignored or f"no /socialseed approve or reject line in the {event.kind}"
        if json_:
            typer.echo(json.dumps({"plan": session.plan.id, "recorded": [], "ignored": why}))
        app_ctx.err.print(f"Nothing recorded from {path}: {why}.", markup=False)
        return
    github_event.check_author(session, event, config, entries)
    _record(app_ctx, session, entries, now, str(path), json_=json_)


@decision_app.command("sign")
def sign(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The decisions file (YAML).", metavar="FILE")],
    key: Annotated[
        Path,
        typer.Option(
            "--key", metavar="KEY", help="Your Ed25519 private key, e.g. ~/.ssh/id_ed25519."
        ),
    ],
    config: ConfigOpt = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who signs (default: SOCIALSEED_REVIEWER, else git user.email)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the signed file here (default: in place)."),
    ] = None,
    plan_ref: Annotated[
        str | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help="The plan file or saved plan id (default: the file's plan:).",
        ),
    ] = None,
) -> None:
    """Sign your unsigned entries of a decisions file (decided_at and expires_at are filled
    in where missing); 'socialseed review PLAN --from-file FILE' then verifies and records it."""
    import yaml

    from socialseed.auth import signing
    from socialseed.cli.files import write_output
    from socialseed.clock import iso
    from socialseed.config.schema import parse_duration
    from socialseed.review import from_file, open_plan

    app_ctx = context.get(ctx)
    who = app_ctx.reviewer(reviewer)
    signer = signing.load_signer(
        key, app_ctx.env.get("SOCIALSEED_SIGN_PASSPHRASE"), app_ctx.env, option="--key"
    )
    cfg = app_ctx.load_config(config)
    ttl = timedelta(seconds=parse_duration(cfg.policy.approval_ttl))
    now = app_ctx.clock.now()
    text = _text(file)
    data: Any = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list):
        raise ApprovalError(
            f"{file}: not a decisions file (a mapping with plan: and decisions:)",
            hint="see docs/review.md, 'Decisions made elsewhere'",
        )
    plan = open_plan(app_ctx.db, plan_ref or str(data.get("plan") or ""))
    mine = [
        d
        for d in data["decisions"]
        if isinstance(d, dict) and d.get("reviewer", who) == who and not d.get("signature")
    ]
    if not mine:
        raise ApprovalError(
            f"{file}: no unsigned decision by {who} to sign",
            hint="add entries with reviewer: " + who + " (or pass --reviewer)",
        )
    for item in mine:
        item["reviewer"] = who
        item.setdefault("decided_at", iso(now))
    for item in mine:
        item["decided_at"] = iso(from_file._instant(item["decided_at"]))
        item.setdefault("expires_at", iso(from_file._instant(item["decided_at"]) + ttl))
        item["expires_at"] = iso(from_file._instant(item["expires_at"]))
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    entries = from_file.read(str(file), dumped, plan, ttl, now)  # checks the form first
    by_action = {e.action.id: e for e in entries if e.decision.reviewer == who}
    for item in mine:
        entry = by_action[item["action"]]
        item["signature"] = signer.sign(signing.payload(entry.decision))
    write_output(output or file, _dump(data), what="decisions file", flag="-o")
    app_ctx.err.print(
        f"signed {len(mine)} decision(s) by {who} with {signing.fingerprint(signer.public)}; "
        f"record them with 'socialseed review {plan.id} --from-file {output or file}'",
        markup=False,
    )


def _dump(data: Any) -> str:
    """YAML with multi-line strings (signatures) as literal blocks."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)

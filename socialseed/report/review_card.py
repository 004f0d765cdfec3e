"""The review card and the pending list, as rich renderables (no I/O, no clock reads).

A card shows what a person needs to decide on one action: account, verb, the target's
essentials (from the profile the plan carries), the score and its reasons, the risk and its
reasons, the filters matched, whether the platform requires a person, and any earlier decision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socialseed.clock import iso
from socialseed.model import Action, Decision, Profile, Risk
from socialseed.model.conversations import Conversation
from socialseed.model.review import Card, Gate, ReplyText, alternatives
from socialseed.report.terminal import clean, one_line, plain

RISK_STYLE = {Risk.GREEN: "bold green", Risk.YELLOW: "bold yellow", Risk.RED: "bold red"}
BIO_CHARS = 280


def ago(when: datetime | None, now: datetime) -> str:
    """A short relative time: ``3d ago``, ``5h ago``, ``just now``; ``unknown`` for None."""
    if when is None:
        return "unknown"
    seconds = int((now - when).total_seconds())
    if seconds < 0:
        return f"in {_span(-seconds)}"
    return "just now" if seconds < 60 else f"{_span(seconds)} ago"


def _span(seconds: int) -> str:
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _ratio(profile: Profile) -> str:
    if not profile.followers or profile.following is None:
        return ""
    return f" (ratio {profile.following / profile.followers:.2f})"


def _short(text: str, limit: int) -> str:
    text = one_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def profile_lines(profile: Profile, now: datetime, *, bio_chars: int = BIO_CHARS) -> list[Text]:
    """The target's essentials: name and handle, bio, counts, last active."""
    name = Text(one_line(profile.display_name or profile.handle), style="bold")
    handle = one_line(profile.handle.lstrip("@"))
    name.append(f"  @{handle}", style="dim" if profile.display_name else "")
    lines = [name]
    if profile.bio:
        lines.append(Text(_short(profile.bio, bio_chars), style="italic"))
    lines.append(
        Text(
            f"followers {_count(profile.followers)} · following {_count(profile.following)}"
            f"{_ratio(profile)} · posts {_count(profile.posts)} · "
            f"last active {ago(profile.last_active, now)}"
        )
    )
    return lines


def _target_line(action: Action) -> Text:
    target = action.target
    text = Text(f"{action.verb.value} ", style="bold")
    text.append(f"@{one_line(target.handle.lstrip('@'))}")
    if target.post_id:
        text.append(f"  post {clean(target.post_id)}", style="dim")
    if target.text and action.conversation is None:
        text.append(f'\nreply text: "{clean(target.text)}"')
    return text


def _message(conversation: Conversation, now: datetime) -> Text:
    """The incoming message: who, where from, when, and its text (sanitised)."""
    message = conversation.message
    author = message.author
    who = Text(one_line(author.name or author.handle), style="bold")
    who.append(f"  @{one_line(author.handle.lstrip('@'))}", style="dim")
    who.append(f"  {message.source.value} · {ago(message.created_at, now)}", style="dim")
    who.append(f"\n{clean(message.text)}")
    return who


def _thread(conversation: Conversation) -> Text | None:
    if not conversation.thread:
        return None
    lines = [
        f"@{one_line(p.author_handle.lstrip('@'))}{' (you)' if p.mine else ''}: "
        f"{_short(p.text, 200)}"
        for p in conversation.thread
    ]
    return Text("\n".join(lines), style="dim")


def _alternatives(action: Action, chosen: ReplyText | None) -> Text | None:
    options = alternatives(action)
    if not options:
        return None
    drafts = action.conversation.drafts if action.conversation else ()
    text = Text()
    for i, option in enumerate(options, start=1):
        mark = "▶" if chosen is not None and chosen.choice == i and not chosen.edited else " "
        text.append(f"{mark} {i}  {clean(option)}", style="bold" if mark != " " else "")
        if i <= len(drafts):
            text.append(f"  ({clean(drafts[i - 1].origin)})", style="dim")
        if i < len(options):
            text.append("\n")
    return text


def _edited(chosen: ReplyText | None) -> Text | None:
    if chosen is None or not chosen.edited:
        return None
    return Text(f"▶ edited from {chosen.choice}: {clean(chosen.text)}", style="bold")


def _dropped(conversation: Conversation) -> Text | None:
    if not conversation.dropped:
        return None
    return Text(
        "\n".join(f"{clean(d.origin)}: {clean(d.reason)}" for d in conversation.dropped),
        style="dim",
    )


def _conversation_rows(view: Card) -> list[tuple[str, RenderableType | None]]:
    conversation = view.action.conversation
    if conversation is None:
        return []
    return [
        ("message", _message(conversation, view.now)),
        ("thread", _thread(conversation)),
        ("rule", Text(clean(conversation.rule))),
        ("replies", _alternatives(view.action, view.reply)),
        ("your text", _edited(view.reply)),
        ("dropped", _dropped(conversation)),
    ]


def _post_text(action: Action) -> str | None:
    """The liked, reposted or replied-to post's text: from the plan's action (format 1.1), else
    from the profile's recent posts when the plan carries profiles."""
    if action.target.post_id is None:
        return None
    if action.target.post_text:
        return action.target.post_text
    if action.profile is None:
        return None
    post = next((p for p in action.profile.recent_posts if p.id == action.target.post_id), None)
    return post.text if post is not None and post.text else None


def _post_cell(action: Action, post: str | None) -> Text | None:
    """The liked, reposted or replied-to post's text, or why it cannot be shown."""
    if post:
        return Text(_short(post, 200))
    if action.target.post_id is None:
        return None
    return Text(
        "(its text is not in this plan: a plan made before format 1.1, or a post without "
        "text; make a new plan to see it)",
        style="dim",
    )


def _risk(action: Action) -> Text:
    text = Text(action.risk.value.upper(), style=RISK_STYLE[action.risk])
    if action.risk_reasons:
        text.append("  " + clean("; ".join(action.risk_reasons)))
    return text


def _score(action: Action) -> Text:
    score = action.score
    if score is None:
        return Text("not scored", style="dim")
    text = Text(
        f"authenticity {score.authenticity:.2f} · relevance {score.relevance:.2f} · "
        f"{score.recommendation}"
    )
    text.append(f"  ({clean(score.scorer)} {clean(score.version)})", style="dim")
    for reason in score.reasons:
        text.append(f"\n  {one_line(reason)}")
    return text


def _decision(decision: Decision | None, now: datetime) -> Text | None:
    if decision is None:
        return None
    verdict = "approved" if decision.verdict == "approve" else "rejected"
    text = Text(f"{verdict} by {clean(decision.reviewer)} {ago(decision.decided_at, now)}")
    if decision.override:
        text.append(" (red override)", style="bold red")
    if decision.reason:
        text.append(f': "{clean(decision.reason)}"')
    if not decision.is_live(now) and decision.expires_at is not None:
        text.append(f"; expired {ago(decision.expires_at, now)}", style="yellow")
    return text


def _approval(action: Action, gate: Gate) -> Text:
    if gate.requires_human:
        text = Text("a person decides on each one (requires_human)")
    else:
        text = Text("bulk approval allowed" if gate.bulk_ok else "one decision per action")
    if action.auto_approved:
        text.append("; the plan auto-approved it, but no live policy approval is recorded here")
    return text


def _grid(rows: Sequence[tuple[str, RenderableType | None]]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        if value is not None:
            grid.add_row(label, value)
    return grid


def card(view: Card) -> Panel:
    """The card for one action, as shown before each decision."""
    action, now = view.action, view.now
    post = _post_text(action)
    rows: list[tuple[str, RenderableType | None]] = [
        ("action", _target_line(action)),
        *_conversation_rows(view),
        ("post", _post_cell(action, post) if action.conversation is None else None),
        ("score", _score(action)),
        ("risk", _risk(action)),
        ("why", Text(clean(action.reason)) if action.reason else None),
        (
            "filters",
            Text(clean(", ".join(action.filters_matched))) if action.filters_matched else None,
        ),
        ("approval", _approval(action, view.gate)),
        ("decided", _decision(view.decision, now)),
        ("id", Text(action.id, style="dim")),
    ]
    parts: list[RenderableType] = []
    if action.profile is not None:
        parts.extend(profile_lines(action.profile, now))
        parts.append(Text(""))
    parts.append(_grid(rows))
    return Panel(
        Group(*parts),
        title=f"{view.position}/{view.count} · {action.account} ({action.platform})",
        title_align="left",
        subtitle=str(view.progress),
        subtitle_align="right",
        border_style=RISK_STYLE[action.risk].replace("bold ", ""),
    )


def details(view: Card) -> RenderableType:
    """Everything the plan carries about the action: full bio, recent posts, rules, refs."""
    action, now = view.action, view.now
    rows: list[tuple[str, RenderableType | None]] = [
        ("id", Text(action.id)),
        ("account", Text(f"{action.account} on {action.platform}")),
        ("target", Text(clean(f"{action.target.kind} {action.target.id}"))),
        ("rule", Text(clean(view.gate.rule)) if view.gate.rule else None),
        ("cost", Text(f"${action.cost_usd:.4f}") if action.cost_usd is not None else None),
    ]
    for key, value in sorted(action.target.ref.items()):
        rows.append((clean(key), Text(clean(value))))
    profile = action.profile
    if profile is not None:
        rows.extend(_profile_detail_rows(profile, now))
        for post in profile.recent_posts:
            when = f"{ago(post.created_at, now)}: " if post.created_at else ""
            rows.append(("post", Text(f"{when}{_short(post.text, 200)}")))
    return Panel(_grid(rows), title="details", title_align="left")


def _profile_detail_rows(
    profile: Profile, now: datetime
) -> list[tuple[str, RenderableType | None]]:
    return [
        ("bio", Text(clean(profile.bio)) if profile.bio else None),
        ("joined", Text(ago(profile.created_at, now)) if profile.created_at else None),
        ("avatar", Text(_yes_no(profile.has_avatar))),
        ("language", Text(clean(profile.language)) if profile.language else None),
    ]


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def pending_table(actions: Sequence[Action], gate: Callable[[Action], Gate]) -> Table:
    """The pending actions, one row each, for ``review --list`` and the no-terminal fallback.

    Ids are never shortened (people copy them into ``--approve``); long handles fold.
    """
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True, min_width=14)
    for column in ("account", "verb"):
        table.add_column(column, no_wrap=True)
    table.add_column("target", overflow="fold")
    for column in ("risk", "auth", "person"):
        table.add_column(column, no_wrap=True)
    for action in actions:
        score = action.score
        table.add_row(
            Text(action.id),
            plain(action.account),
            Text(action.verb.value),
            Text("@" + one_line(action.target.handle.lstrip("@"))),
            Text(action.risk.value, style=RISK_STYLE[action.risk]),
            Text(f"{score.authenticity:.2f}" if score else "-"),
            Text("yes" if gate(action).requires_human else "no"),
        )
    return table


def decision_line(action: Action, decision: Decision) -> str:
    """One line per recorded decision, for the non-interactive flags."""
    verdict = "approved" if decision.verdict == "approve" else "rejected"
    extra = " (red override)" if decision.override else ""
    reason = f': "{one_line(decision.reason)}"' if decision.reason else ""
    expires = iso(decision.expires_at or decision.decided_at)
    handle = one_line(action.target.handle.lstrip("@"))
    text = ""
    if decision.text is not None:
        how = "edited from" if decision.edited else "alternative"
        text = f'; text ({how} {decision.choice}): "{one_line(decision.text)}"'
    return (
        f"{verdict} {action.id} {action.verb.value} @{handle} "
        f"({clean(action.account)}){extra}{reason}{text}; expires {expires}"
    )


def rejection_lines(rows: Sequence[dict[str, object]]) -> list[str]:
    """Standing rejections (``Rejection.to_data()``) grouped per account, one line each: verb,
    target, who, when, why, and the action id."""
    lines: list[str] = []
    account = None
    for row in sorted(rows, key=lambda r: (str(r["account"]), str(r["rejected_at"]))):
        if row["account"] != account:
            account = row["account"]
            lines.append(one_line(str(account)))
        handle = one_line(str(row.get("target_handle") or row.get("target_id") or ""))
        why = f': "{one_line(str(row["reason"]))}"' if row.get("reason") else ""
        lines.append(
            f"  {row['verb']} @{handle.lstrip('@')}  rejected by {one_line(str(row['reviewer']))} "
            f"on {row['rejected_at']}{why}  ({row['action_id']})"
        )
    return lines

"""The funnel of each targeting, as plan notes: discovered → filtered out (by reason) → scored
→ chosen, and under it how each source was read (pages, new profiles, its end, when it starts
over). Pure: it is handed the counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

FUNNEL = "funnel"  # the start of a targeting's funnel note
SOURCE = "source"  # the start of a source's note


class LastRead(Protocol):
    """A source's last read (``state.sources.LastRead``)."""

    @property
    def at(self) -> datetime: ...
    @property
    def pages(self) -> int: ...
    @property
    def discovered(self) -> int: ...
    @property
    def new(self) -> int: ...
    @property
    def restarted(self) -> bool: ...


class Read(Protocol):
    """What the funnel needs of one source in a plan (``plan.discovery.SourceRead``)."""

    @property
    def targeting(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def limit(self) -> int: ...
    @property
    def last(self) -> LastRead | None: ...
    @property
    def ended(self) -> bool: ...
    @property
    def restart_on(self) -> datetime | None: ...


@dataclass
class Stage:
    """One targeting's counts, as the plan went through them."""

    dropped: dict[str, int] = field(default_factory=dict)  # filter -> profiles it dropped
    scored: int = 0  # passed the filters (and were scored)
    chosen: int = 0  # follows proposed

    @property
    def discovered(self) -> int:
        return self.scored + sum(self.dropped.values())


def funnel_notes(
    targetings: Sequence[str], stages: Mapping[str, Stage], reads: Sequence[Read]
) -> list[str]:
    """One note per targeting, then one per source of it, in config order."""
    notes: list[str] = []
    for name in targetings:
        stage = stages.get(name, Stage())
        notes.append(_funnel(name, stage))
        notes += [_source(read) for read in reads if read.targeting == name]
    return notes


def _funnel(name: str, stage: Stage) -> str:
    out = sum(stage.dropped.values())
    reasons = sorted(stage.dropped.items(), key=lambda kv: (-kv[1], kv[0]))
    why = f" ({', '.join(f'{r} {n}' for r, n in reasons)})" if reasons else ""
    return (
        f"{FUNNEL} {name}: discovered {stage.discovered} → filtered out {out}{why} "
        f"→ scored {stage.scored} → chosen {stage.chosen} follow(s)"
    )


def _source(read: Read) -> str:
    """The source's last read and where its paging stands (the same words whether this plan
    read it or served it from the pool, so that a re-plan gives the same plan)."""
    origin = "" if read.origin == "source" else f", expand {read.origin}"
    head = f"{SOURCE} {read.key} ({read.targeting}{origin}): "
    last = read.last
    if last is None:
        body = "not read yet"
    else:
        again = "started over from the top, " if last.restarted else ""
        body = (
            f"read {last.at.date().isoformat()}: {again}{last.pages} page(s), "
            f"{last.discovered} found, {last.new} new (limit {read.limit})"
        )
    if read.ended and read.restart_on is not None:
        body += f"; at its end, starts over from the top on {read.restart_on.date().isoformat()}"
    return head + body

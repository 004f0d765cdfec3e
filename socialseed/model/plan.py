"""The Plan: a value. Sorted in its constructor, counted, one ``.data`` form that is rendered,
saved and checksummed; refuses to load when tampered with or of an unknown major format.

The same inputs give byte-identical JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from socialseed.clock import iso, parse_instant
from socialseed.errors import PlanFileError
from socialseed.model import Action, Risk, Verb
from socialseed.model.scoring import CostEstimate

FORMAT_VERSION = "1.1"  # 1.1: post targets carry the post's text (post_text); 1.0 still loads
VERB_ORDER = {verb: i for i, verb in enumerate(Verb)}


@dataclass(frozen=True)
class AccountPlan:
    """What one account's part of a plan was computed against, and what remains."""

    account: str
    platform: str
    phase: str
    phase_day: int
    phase_days: int | None
    state_serial: int
    remaining: dict[str, int] = field(default_factory=dict)  # per verb, after this plan
    used_today: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    cost_usd: float = 0.0

    def to_data(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "platform": self.platform,
            "phase": self.phase,
            "phase_day": self.phase_day,
            "phase_days": self.phase_days,
            "state_serial": self.state_serial,
            "remaining": dict(sorted(self.remaining.items())),
            "used_today": dict(sorted(self.used_today.items())),
            "notes": list(self.notes),
            "cost_usd": round(float(self.cost_usd), 4),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AccountPlan:
        return cls(
            account=data["account"],
            platform=data["platform"],
            phase=data.get("phase", ""),
            phase_day=int(data.get("phase_day", 0)),
            phase_days=data.get("phase_days"),
            state_serial=int(data.get("state_serial", 0)),
            remaining=dict(data.get("remaining") or {}),
            used_today=dict(data.get("used_today") or {}),
            notes=tuple(data.get("notes") or ()),
            cost_usd=float(data.get("cost_usd") or 0.0),
        )


@dataclass(frozen=True)
class AICost:
    """The plan's AI scoring: estimates made before any request, what was spent, the budget."""

    estimates: tuple[CostEstimate, ...] = ()
    spent_usd: float = 0.0
    max_cost_usd: float | None = None

    @property
    def used(self) -> tuple[CostEstimate, ...]:
        return tuple(e for e in self.estimates if not e.refused)

    @property
    def estimated_usd(self) -> float | None:
        """The estimate of the providers used; ``None`` when one of them has no known price."""
        if any(e.usd is None for e in self.used):
            return None
        return sum(e.usd or 0.0 for e in self.used)

    def to_data(self) -> dict[str, Any]:
        estimated = self.estimated_usd
        return {
            "estimated_usd": None if estimated is None else round(estimated, 6),
            "spent_usd": round(self.spent_usd, 6),
            "max_cost_usd": self.max_cost_usd,
            "estimates": [e.to_data() for e in self.estimates],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AICost:
        cap = data.get("max_cost_usd")
        return cls(
            estimates=tuple(CostEstimate.from_data(e) for e in data.get("estimates") or []),
            spent_usd=float(data.get("spent_usd") or 0.0),
            max_cost_usd=None if cap is None else float(cap),
        )


def _sort_key(action: Action) -> tuple[str, int, str]:
    return (action.account, action.seq, action.id)


class Plan:
    """The ordered proposed actions plus what they were computed against."""

    def __init__(
        self,
        actions: list[Action],
        *,
        created_at: datetime,
        expires_at: datetime,
        config_sha256: str,
        accounts: list[AccountPlan],
        scorers: dict[str, int] | None = None,
        notes: list[str] | None = None,
        format_version: str = FORMAT_VERSION,
        ai: AICost | None = None,
        author: str | None = None,
    ) -> None:
        self.format_version = format_version  # a loaded plan keeps its own (its checksum)
        self.actions = sorted(actions, key=_sort_key)
        self.created_at = created_at
        self.expires_at = expires_at
        self.config_sha256 = config_sha256
        self.accounts = sorted(accounts, key=lambda a: a.account)
        self.scorers = dict(sorted((scorers or {}).items()))
        self.notes = list(notes or [])
        self.ai = ai  # None when no language model was asked to score
        self.author = author  # who made it (recorded under policy.reviewers; None: unknown)
        self._by_id = {a.id: a for a in self.actions}

    # -- queries ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.actions)

    def action(self, action_id: str) -> Action:
        if action_id not in self._by_id:
            raise KeyError(action_id)
        return self._by_id[action_id]

    def has(self, action_id: str) -> bool:
        return action_id in self._by_id

    def account_plan(self, account: str) -> AccountPlan | None:
        return next((a for a in self.accounts if a.account == account), None)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def summary(self) -> dict[str, Any]:
        by_verb = Counter(a.verb.value for a in self.actions)
        by_risk = Counter(a.risk.value for a in self.actions)
        by_account = Counter(a.account for a in self.actions)
        return {
            "total": len(self.actions),
            "by_verb": {v.value: by_verb[v.value] for v in Verb if by_verb[v.value]},
            "by_risk": {r.value: by_risk[r.value] for r in Risk},
            "by_account": dict(sorted(by_account.items())),
            "requires_human": sum(1 for a in self.actions if a.requires_human),
            "auto_approved": sum(1 for a in self.actions if a.auto_approved),
            "cost_usd": round(sum(a.cost_usd or 0.0 for a in self.actions), 4),
        }

    # -- serialisation ---------------------------------------------------------------------
    def data(self, *, include_profiles: bool = False) -> dict[str, Any]:
        """The one data form: rendered, saved and checksummed (profiles excluded)."""
        data = {
            "format_version": self.format_version,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "config_sha256": self.config_sha256,
            "scorers": self.scorers,
            "accounts": [a.to_data() for a in self.accounts],
            "notes": self.notes,
            "summary": self.summary,
            "actions": self.action_data(include_profiles=include_profiles),
        }
        if self.ai is not None:  # absent without AI scoring: older plans keep their checksum
            data["ai"] = self.ai.to_data()
        if self.author:  # absent when unknown: older plans keep their checksum
            data["author"] = self.author
        return data

    def action_data(self, *, include_profiles: bool = False) -> list[dict[str, Any]]:
        """Each action's data (``Action.to_data``), in plan order: made once per plan, as the
        checksum, the state's copy and the plan file each need it (the dicts are shared:
        read them, do not change them)."""
        made = self._action_data
        if not include_profiles:
            return made
        profiles: dict[int, dict[str, Any]] = {}  # a profile's data once (follow and like)
        out = []
        for data, action in zip(made, self.actions, strict=True):
            profile = action.profile
            if profile is not None:
                key = id(profile)
                if key not in profiles:
                    profiles[key] = profile.to_data()
                data = {**data, "profile": profiles[key]}
            out.append(data)
        return out

    @cached_property
    def _action_data(self) -> list[dict[str, Any]]:
        return [a.to_data() for a in self.actions]

    @cached_property
    def checksum(self) -> str:
        """sha256 of the canonical data form (computed once: a Plan is not changed)."""
        return _checksum(self.data())

    @cached_property
    def id(self) -> str:
        return "p_" + self.checksum[:12]

    def to_json(self, *, include_profiles: bool = False, compact: bool = False) -> str:
        """The plan file's text (indented); ``compact``: the same data without indentation,
        which ``json`` writes in C (the indented form is written in Python), for the state."""
        data = self.data(include_profiles=include_profiles)
        data["checksum"] = self.checksum
        if compact:
            return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "plan") -> Plan:
        """Load a saved plan; refuses unknown majors and a checksum that is missing or wrong."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlanFileError(
                f"{source}: not a plan file (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                hint="create one with 'socialseed plan -o plan.json'",
            ) from exc
        if not isinstance(data, dict) or "format_version" not in data:
            raise PlanFileError(
                f"{source}: not a plan file (no format_version)",
                hint="create one with 'socialseed plan -o plan.json'",
            )
        return cls.from_data(data, source=source)

    @classmethod
    def from_data(cls, data: dict[str, Any], *, source: str = "plan") -> Plan:
        major = str(data["format_version"]).split(".")[0]
        if major != FORMAT_VERSION.split(".")[0]:
            raise PlanFileError(
                f"{source}: plan format {data['format_version']} is not supported "
                f"(this SocialSeed reads {FORMAT_VERSION.split('.')[0]}.x)",
                hint="re-create the plan with this version: socialseed plan -o FILE",
            )
        try:
            plan = cls(
                [Action.from_data(a) for a in data["actions"]],
                created_at=parse_instant(data["created_at"]),
                expires_at=parse_instant(data["expires_at"]),
                config_sha256=data["config_sha256"],
                accounts=[AccountPlan.from_data(a) for a in data.get("accounts") or []],
                scorers=data.get("scorers") or {},
                notes=data.get("notes") or [],
                format_version=str(data["format_version"]),
                ai=AICost.from_data(data["ai"]) if data.get("ai") else None,
                author=str(data["author"]) if data.get("author") else None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise PlanFileError(
                f"{source}: plan file is damaged ({type(exc).__name__}: {exc})",
                hint="re-create it with 'socialseed plan -o FILE'",
            ) from exc
        expected = data.get("checksum")
        if expected is None:
            raise PlanFileError(
                f"{source}: the plan has no checksum, so edits cannot be ruled out",
                hint="plans cannot be edited; make a new one with 'socialseed plan -o FILE'",
            )
        if expected != plan.checksum:
            raise PlanFileError(
                f"{source}: checksum mismatch: the plan was edited after it was made "
                f"(recorded {str(expected)[:12]}, computed {plan.checksum[:12]})",
                hint="plans cannot be edited; make a new one with 'socialseed plan -o FILE'",
            )
        return plan


def _checksum(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()

"""What the quick commands need of a validated config, as plain values (no pydantic).

``status`` shows each account's phase, caps and platform budgets; ``validate`` prints what it
checked. Both can work from a ``ConfigView`` that the config cache (``config.cache``) stores as
JSON, so a command on an unchanged config builds no pydantic model and parses no YAML. A view
is made from the validated ``Config`` only (``view_of``): it never holds what the models have
not accepted, and, like the config, no secret (credentials are ``env/NAME`` references, and the
view keeps none of them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Config
    from socialseed.model.caps import Budget, HardCap

    # What the platform says of one account: its hard caps and shared budgets
    PlatformLimits = Callable[[Account], tuple[Sequence[HardCap], Sequence[Budget]]]


@dataclass(frozen=True)
class PhaseView:
    """One phase of a phase set: its name, length and caps."""

    name: str
    days: int | None
    daily: Mapping[str, int]
    hourly: Mapping[str, int]


@dataclass(frozen=True)
class AccountView:
    """One account, with the platform's limits for it (worked out when the view was made)."""

    id: str
    platform: str
    handle: str
    phases: str
    enabled: bool
    start_date: date | None
    conversations: str | None
    hard_caps: tuple[HardCap, ...] = ()
    budgets: tuple[Budget, ...] = ()


@dataclass(frozen=True)
class ValidateView:
    """What ``validate`` printed for this config: it passed, with these notes."""

    summary: str  # the one-line summary after "ok: PATH: "
    examples: int  # conversation examples run (all passed)
    notes: tuple[str, ...]  # the expansion notes, printed on stderr
    env_vars: tuple[str, ...]  # what --env-vars prints


@dataclass(frozen=True)
class ConfigView:
    """A validated config, as much of it as ``status`` and ``validate`` need."""

    state: str | None
    accounts: tuple[AccountView, ...]
    phases: Mapping[str, tuple[PhaseView, ...]]
    notify: bool  # any notify: targets (status then loads the whole config to notify)
    validated: ValidateView | None = field(default=None)

    def to_data(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "notify": self.notify,
            "accounts": [_account_data(a) for a in self.accounts],
            "phases": {
                name: [[p.name, p.days, dict(p.daily), dict(p.hourly)] for p in phases]
                for name, phases in self.phases.items()
            },
            "validated": None
            if self.validated is None
            else {
                "summary": self.validated.summary,
                "examples": self.validated.examples,
                "notes": list(self.validated.notes),
                "env_vars": list(self.validated.env_vars),
            },
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ConfigView:
        """The view ``to_data`` wrote (a ``KeyError``, ``TypeError`` or ``ValueError`` if the
        data is not one: the cache then treats it as missing)."""
        validated = data["validated"]
        return cls(
            state=_optional_str(data["state"]),
            notify=bool(data["notify"]),
            accounts=tuple(_account(a) for a in data["accounts"]),
            phases={
                str(name): tuple(
                    PhaseView(str(n), _optional_int(days), _caps(daily), _caps(hourly))
                    for n, days, daily, hourly in phases
                )
                for name, phases in data["phases"].items()
            },
            validated=None
            if validated is None
            else ValidateView(
                summary=str(validated["summary"]),
                examples=int(validated["examples"]),
                notes=tuple(str(n) for n in validated["notes"]),
                env_vars=tuple(str(n) for n in validated["env_vars"]),
            ),
        )


def view_of(config: Config, limits: PlatformLimits) -> ConfigView:
    """The view of a validated config; ``limits`` gives each account's platform limits."""
    accounts = []
    for account in config.accounts:
        hard_caps, budgets = limits(account)
        accounts.append(
            AccountView(
                id=account.id,
                platform=account.platform,
                handle=account.handle,
                phases=account.phases,
                enabled=account.enabled,
                start_date=account.start_date,
                conversations=account.conversations,
                hard_caps=tuple(hard_caps),
                budgets=tuple(budgets),
            )
        )
    return ConfigView(
        state=config.state,
        accounts=tuple(accounts),
        phases={
            name: tuple(PhaseView(p.name, p.days, _caps(p.daily), _caps(p.hourly)) for p in phases)
            for name, phases in config.phases.items()
        },
        notify=bool(config.notify),
    )


def _account_data(account: AccountView) -> dict[str, Any]:
    return {
        "id": account.id,
        "platform": account.platform,
        "handle": account.handle,
        "phases": account.phases,
        "enabled": account.enabled,
        "start_date": account.start_date.isoformat() if account.start_date else None,
        "conversations": account.conversations,
        "hard_caps": [
            [cap.verb.value, cap.limit, cap.window_seconds, cap.source] for cap in account.hard_caps
        ],
        "budgets": [
            {
                "name": b.name,
                "limit": b.limit,
                "window_seconds": b.window_seconds,
                "costs": {v.value: n for v, n in b.costs.items()},
                "source": b.source,
                "per_request": b.per_request,
            }
            for b in account.budgets
        ],
    }


def _account(data: Mapping[str, Any]) -> AccountView:
    from socialseed.model.caps import Budget, HardCap
    from socialseed.model.verbs import Verb

    start = data["start_date"]
    return AccountView(
        id=str(data["id"]),
        platform=str(data["platform"]),
        handle=str(data["handle"]),
        phases=str(data["phases"]),
        enabled=bool(data["enabled"]),
        start_date=date.fromisoformat(start) if start is not None else None,
        conversations=_optional_str(data["conversations"]),
        hard_caps=tuple(
            HardCap(Verb(verb), int(limit), int(window), str(source))
            for verb, limit, window, source in data["hard_caps"]
        ),
        budgets=tuple(
            Budget(
                name=str(b["name"]),
                limit=int(b["limit"]),
                window_seconds=int(b["window_seconds"]),
                costs={Verb(v): int(n) for v, n in b["costs"].items()},
                source=str(b["source"]),
                per_request=bool(b["per_request"]),
            )
            for b in data["budgets"]
        ),
    )


def _caps(data: Mapping[Any, Any]) -> dict[str, int]:
    return {str(verb): int(n) for verb, n in data.items()}


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))

"""Review rules: what a platform's pack allows per action, whether a plan is still current,
and how a plan is found (a file, a saved id, or the latest).

Where a platform's pack is not available, every outbound verb is treated as
``requires_human`` and bulk approval is off: the fallback is always the stricter rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socialseed.clock import iso
from socialseed.errors import PlanFileError, StalePlanError
from socialseed.model import OUTBOUND_VERBS, Action
from socialseed.model.plan import Plan
from socialseed.model.review import Gate
from socialseed.state import accounts as account_state
from socialseed.state import plans as plan_state

if TYPE_CHECKING:
    from socialseed.config.schema import Config
    from socialseed.model import Capabilities
    from socialseed.state.handle import StateDB


# -- the platform's rules, per action --------------------------------------------------------
GateFn = Callable[[Action], Gate]
CapsLookup = Callable[[str, "Config | None", str], "Capabilities | None"]


def gate_for(action: Action, caps: Capabilities | None) -> Gate:
    """The approval rules for ``action`` under its platform's capabilities (None: unknown)."""
    verb, platform = action.verb.value, action.platform
    if caps is None:
        human = action.requires_human or action.verb in OUTBOUND_VERBS
        why = f"{platform}'s policy pack is not available, so"
        rule = (
            f"{why} every {verb} needs a person's decision naming its id"
            if human
            else f"{why} bulk approval is off; approve each action by id"
        )
        return Gate(requires_human=human, bulk_ok=False, rule=rule)
    human = action.requires_human or action.verb in caps.pack.requires_human
    if human:
        rule = (
            f"{platform}'s policy pack marks {verb} as requires_human: each {verb} needs a "
            f"person's decision naming its id (interactively, or --approve {action.id})"
        )
        return Gate(requires_human=True, bulk_ok=False, rule=rule)
    if not caps.pack.bulk_approve:
        rule = f"{platform}'s policy pack does not allow bulk approval; approve each action by id"
        return Gate(requires_human=False, bulk_ok=False, rule=rule)
    return Gate(requires_human=False, bulk_ok=True)


def registry_capabilities(
    platform: str, config: Config | None, account: str
) -> Capabilities | None:
    """The platform's capabilities from the registry; ``None`` when its module is not there."""
    from socialseed.platforms import registry

    account_cfg = None
    if config is not None:
        account_cfg = next((a for a in config.accounts if a.id == account), None)
    try:
        return registry.capabilities(platform, account_cfg)
    except (KeyError, ImportError, AttributeError):
        return None  # unknown or not built yet: the strict fallback applies


def platform_gates(config: Config | None, lookup: CapsLookup = registry_capabilities) -> GateFn:
    """A cached ``Action -> Gate`` built from each platform's capabilities."""
    cache: dict[tuple[str, str], Capabilities | None] = {}

    def gate(action: Action) -> Gate:
        key = (action.platform, action.account)
        if key not in cache:
            cache[key] = lookup(action.platform, config, action.account)
        return gate_for(action, cache[key])

    return gate


# -- staleness -------------------------------------------------------------------------------
def stale_reasons(
    db: StateDB, plan: Plan, *, now: datetime, config_sha256: str | None
) -> list[str]:
    """Why ``plan`` may no longer be decided on (empty: it is fresh)."""
    return _stale(db, plan, plan.id, now=now, config_sha256=config_sha256)


def _stale(
    db: StateDB, plan: Plan, plan_id: str, *, now: datetime, config_sha256: str | None
) -> list[str]:
    problems: list[str] = []
    if plan.is_expired(now):
        problems.append(f"the plan expired at {iso(plan.expires_at)}")
    if config_sha256 is not None and config_sha256 != plan.config_sha256:
        problems.append(
            f"the config changed since the plan was made "
            f"(plan made with {plan.config_sha256[:12]}, config is now {config_sha256[:12]})"
        )
    for acc in plan.accounts:
        moves = [
            m
            for m in account_state.serial_moves_since(db, acc.account, acc.state_serial)
            if m.get("plan_id") != plan_id  # the plan's own (partial) apply does not count
        ]
        if moves:
            last = moves[-1]
            problems.append(
                f"account {acc.account}'s state moved since the plan was made (serial "
                f"{acc.state_serial} -> {last['serial']}: {last['reason']}"
                f"{_by_plan(last)} at {last['at']})"
            )
    return problems


def _by_plan(move: Mapping[str, object]) -> str:
    return f" by plan {move['plan_id']}" if move.get("plan_id") else ""


def freshness_guard(
    db: StateDB, plan: Plan, *, config_sha256: str | None
) -> Callable[[datetime], None]:
    """A check that raises ``StalePlanError`` (exit 5) when the plan went stale."""

    plan_id = plan.id  # the checksum is computed once, not per decision

    def check(now: datetime) -> None:
        problems = _stale(db, plan, plan_id, now=now, config_sha256=config_sha256)
        if problems:
            raise StalePlanError(
                f"plan {plan_id} is stale; no decision was recorded:\n  - "
                + "\n  - ".join(problems),
                hint="make a fresh plan with 'socialseed plan -o plan.json' and review that one",
            )

    return check


# -- finding the plan ------------------------------------------------------------------------
def open_plan(db: StateDB, ref: str | None) -> Plan:
    """A plan file path, a saved plan id (a unique prefix will do), or the latest plan.

    A plan file that the state does not know yet is recorded, so decisions attach to its id.
    """
    if ref is None:
        return plan_state.latest_plan(db)
    path = Path(ref)
    if path.is_file():
        plan = Plan.from_json(_read(path), source=str(path))
        plan_id = plan.id
        if db.table("plans").count_where("id = ?", [plan_id]) == 0:
            plan_state.record_plan(db, plan, path=str(path))
            return plan
        stored = plan_state.load_plan(db, plan_id)  # it may carry the profiles the file lacks
        return stored if _has_profiles(stored) or not _has_profiles(plan) else plan
    if ref.startswith("a_"):
        raise PlanFileError(
            f"{ref!r} looks like an action id, not a plan",
            hint="repeat the flag for each id (--approve a_1 --approve a_2) or join them "
            "with commas (--approve a_1,a_2)",
        )
    if "/" in ref or ref.endswith(".json"):
        what = "is a folder, not a plan file" if path.is_dir() else "no such plan file"
        raise PlanFileError(f"{ref}: {what}", hint="make one with 'socialseed plan -o plan.json'")
    return plan_state.load_plan(db, ref)


def _has_profiles(plan: Plan) -> bool:
    return any(a.profile is not None for a in plan.actions)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            f"{path}: cannot read the plan file ({exc})", hint="check the path and permissions"
        ) from exc

"""The capability checks of ``plan`` that need no network, for ``validate``.

The same rules as ``policy.check_account`` (what the platform offers at the account's access
tier, what its policy pack forbids), read from the platforms' own capability declarations,
reported all at once with the file, line and column of the config key that asks for each.
"""

from __future__ import annotations

from collections.abc import Callable

from socialseed.config.marks import Loc, Mark, find_mark, path_text
from socialseed.config.schema import Account, Config
from socialseed.model import Capabilities
from socialseed.plan.expand import unoffered
from socialseed.plan.policy import account_refusals

CapsFor = Callable[[Account], Capabilities]


def capability_problems(
    config: Config, caps_for: CapsFor, marks: dict[Loc, Mark], fallback: Mark
) -> list[str]:
    """One line per refusal that ``plan`` would raise for an enabled account."""
    lines: list[str] = []
    for account in config.accounts:
        if not account.enabled:
            continue  # plan leaves disabled accounts out, so it raises nothing for them
        refusals = account_refusals(
            account, {name: config.targeting[name] for name in account.targeting}, caps_for(account)
        )
        lines += [
            f"{find_mark(marks, r.loc, fallback)}: {path_text(r.loc)}: {r.message} (fix: {r.hint})"
            for r in refusals
        ]
    return list(dict.fromkeys(lines))


def expansion_notes(config: Config, caps_for: CapsFor) -> list[str]:
    """One line per ``expand:`` an enabled account's platform offers no read for (plan leaves
    it out and says so too)."""
    lines: list[str] = []
    for account in config.accounts:
        if account.enabled:
            offered = caps_for(account).sources
            for name in account.targeting:
                lines += unoffered(account, name, config.targeting[name], offered)
    return list(dict.fromkeys(lines))

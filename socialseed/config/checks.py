"""Checks on a validated config that the models cannot make alone, each with its location.

References between sections (phase sets, targeting blocks, scoring providers), phase order,
duplicate ids, the names a field may hold, and the URLs tokens are sent to. Each check yields
one line per problem, so that the loader can stop after the first screenful.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from socialseed.config.conversations import problems as conversation_problems
from socialseed.config.explain import did_you_mean
from socialseed.config.marks import Loc, Mark, find_mark, path_text, short
from socialseed.config.notify import problems as notify_problems
from socialseed.config.schema import MAX_DAYS, SENDABLE_FIELDS, Account, Config, Phase
from socialseed.config.urls import url_problem

HEURISTIC, AUTO = "heuristic", "auto"


PERSONAL_NOTHING = {
    "tiktok": "a personal TikTok account has no comment API (Login Kit and Content Posting "
    "offer only the profile, the video list and posting); switch it to a Business account in "
    "the TikTok app and set account_type: business",
    "instagram": "a personal Instagram account has no API at all (the Instagram Platform serves "
    "professional accounts only); switch it to a Business or Creator account in the Instagram "
    "app and set account_type: business or creator",
}


class Checker:
    """The checks of one config, with the marks that locate its values."""

    def __init__(self, config: Config, marks: dict[Loc, Mark], fallback: Mark) -> None:
        self.config = config
        self.marks = marks
        self.fallback = fallback

    def where(self, *loc: str | int) -> Mark:
        return find_mark(self.marks, loc, self.fallback)

    def problems(self) -> Iterator[str]:
        yield from self.accounts()
        for name, phases in self.config.phases.items():
            yield from self.phase_set(name, phases)
        yield from self.scoring()
        yield from self.conversations()
        for loc, problem in notify_problems(self.config.notify):
            yield f"{find_mark(self.marks, loc, self.fallback)}: {path_text(loc)}: {problem}"

    def conversations(self) -> Iterator[str]:
        refs = [a.conversations for a in self.config.accounts]
        providers = self.config.scoring.providers
        for loc, problem in conversation_problems(self.config.conversations, refs, providers):
            yield f"{find_mark(self.marks, loc, self.fallback)}: {path_text(loc)}: {problem}"

    # --- accounts ---------------------------------------------------------------------------

    def accounts(self) -> Iterator[str]:
        seen: dict[str, int] = {}
        for i, account in enumerate(self.config.accounts):
            if account.id in seen:
                first = self.where("accounts", seen[account.id], "id")
                yield (
                    f"{self.where('accounts', i, 'id')}: accounts[{i}].id: duplicate account id "
                    f"'{account.id}' (first defined at {first})"
                )
            seen.setdefault(account.id, i)
            yield from self.account_refs(i, account)
            yield from self.account_urls(i, account)

    def account_refs(self, i: int, account: Account) -> Iterator[str]:
        config = self.config
        if account.phases not in config.phases:
            tip = did_you_mean(account.phases, list(config.phases), cutoff=0.6)
            yield (
                f"{self.where('accounts', i, 'phases')}: accounts[{i}].phases: unknown phase set "
                f"{short(account.phases, 70)}{tip}; defined phase sets: {_names(config.phases)}"
            )
        for j, name in enumerate(account.targeting):
            if name not in config.targeting:
                tip = did_you_mean(name, list(config.targeting), cutoff=0.6)
                yield (
                    f"{self.where('accounts', i, 'targeting', j)}: accounts[{i}].targeting[{j}]: "
                    f"unknown targeting block {short(name, 70)}{tip}; "
                    f"defined blocks: {_names(config.targeting)}"
                )
        if account.platform == "mastodon" and not account.instance:
            yield (
                f"{self.where('accounts', i)}: accounts[{i}].instance: a mastodon account needs "
                "its instance URL (instance: https://mastodon.social)"
            )
        yield from self.account_kind(i, account)

    def account_kind(self, i: int, account: Account) -> Iterator[str]:
        """Fields only some platforms take, and account types whose API offers nothing."""
        where = self.where("accounts", i, "account_type")
        if account.account_type == "personal" and account.platform in PERSONAL_NOTHING:
            yield f"{where}: accounts[{i}].account_type: {PERSONAL_NOTHING[account.platform]}"
        elif account.account_type and account.platform not in PERSONAL_NOTHING:
            yield (
                f"{where}: accounts[{i}].account_type: only instagram and tiktok accounts take "
                "an account type"
            )
        if account.business_id and account.platform != "tiktok":
            yield (
                f"{self.where('accounts', i, 'business_id')}: accounts[{i}].business_id: only "
                "tiktok accounts take a business_id"
            )
        if account.api_base and account.platform not in PERSONAL_NOTHING:
            yield (
                f"{self.where('accounts', i, 'api_base')}: accounts[{i}].api_base: only "
                "instagram and tiktok accounts take an api_base (mastodon: instance, bluesky: "
                "service)"
            )

    def account_urls(self, i: int, account: Account) -> Iterator[str]:
        for field in ("instance", "service", "api_base"):
            yield from self.url(("accounts", i, field), getattr(account, field))

    def url(self, loc: Loc, value: str | None) -> Iterator[str]:
        problem = None if value is None else url_problem(value)
        if problem:
            yield f"{find_mark(self.marks, loc, self.fallback)}: {path_text(loc)}: {problem}"

    # --- phases ---------------------------------------------------------------------------

    def phase_set(self, name: str, phases: list[Phase]) -> Iterator[str]:
        if not phases:
            where = self.where("phases", name)
            yield f"{where}: phases.{name}: a phase set needs at least one phase"
            return
        names: set[str] = set()
        for k, phase in enumerate(phases):
            where = self.where("phases", name, k)
            if phase.name in names:
                yield f"{where}: phases.{name}[{k}].name: phase '{phase.name}' appears twice"
            names.add(phase.name)
            if phase.days is None and k < len(phases) - 1:
                yield (
                    f"{where}: phases.{name}[{k}].days: only the last phase may run without "
                    f"'days'; phase '{phase.name}' is followed by '{phases[k + 1].name}', so the "
                    "phases are out of order or this one needs 'days'"
                )
        total = sum(phase.days or 0 for phase in phases)
        if total > MAX_DAYS:
            yield (
                f"{self.where('phases', name)}: phases.{name}: the phases last {total} days in "
                f"all; a phase set may span at most {MAX_DAYS} days (a century)"
            )

    # --- scoring ----------------------------------------------------------------------------

    def scoring(self) -> Iterator[str]:
        scoring = self.config.scoring
        providers = list(scoring.providers)
        for j, name in enumerate(scoring.fallback):
            yield from self.name(("scoring", "fallback", j), name, [HEURISTIC, *providers])
        for block, targeting in self.config.targeting.items():
            loc: Loc = ("targeting", block, "scoring", "provider")
            choices = [HEURISTIC, AUTO, *providers]
            yield from self.name(loc, targeting.scoring.provider, choices)
        for j, field in enumerate(scoring.send_fields):
            yield from self.name(("scoring", "send_fields", j), field, list(SENDABLE_FIELDS))
        for name, provider in scoring.providers.items():
            yield from self.url(("scoring", "providers", name, "base_url"), provider.base_url)

    def name(self, loc: Loc, given: str, choices: list[str]) -> Iterator[str]:
        if given in choices:
            return
        noun = "a profile field that can be sent" if "send_fields" in loc else "a scoring provider"
        tip = did_you_mean(given, choices) or f" (one of: {_names(choices)})"
        where = find_mark(self.marks, loc, self.fallback)
        yield f"{where}: {path_text(loc)}: {short(given, 70)} is not {noun}{tip}"


def _names(names: Iterable[Any], limit: int = 20) -> str:
    shown = [str(n) for n, _ in zip(names, range(limit + 1), strict=False)]
    if not shown:
        return "none"
    more = ", ..." if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more

"""A platform's hard caps and shared budgets, as values (``model.platform`` holds the rest of
what a platform offers). Apart, so that ``status``, which reads only these from its cached
config view, does not create the other value types (each dataclass costs its start-up time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.model.verbs import Verb


@dataclass(frozen=True)
class HardCap:
    """A platform-wide limit that no config can raise."""

    verb: Verb
    limit: int
    window_seconds: int
    source: str = ""

    def as_budget(self) -> Budget:
        """This cap as a budget that only its verb draws from, one unit per action."""
        window = f"{self.window_seconds} s" if self.window_seconds else "in total"
        return Budget(
            f"{self.verb.value} per {window}",
            self.limit,
            self.window_seconds,
            {self.verb: 1},
            self.source,
        )


@dataclass(frozen=True, eq=False)
class Budget:
    """A named platform budget that several verbs may draw from, each at its own cost.

    Bluesky's repo writes are one budget of points per account (create 3, delete 1; 5,000 an
    hour); Mastodon's replies and boosts share the "statuses" family. ``window_seconds == 0``
    is a standing total (e.g. 7,500 accounts followed), not a rate.

    ``per_request``: the budget counts every request the account sends, reads included
    (Mastodon's 300 requests per 5 minutes per token); a verb's cost is then the requests one
    action is expected to send (a reply: the thread read and the post), and apply charges the
    requests actually sent once they are known.
    """

    name: str
    limit: int
    window_seconds: int
    costs: Mapping[Verb, int]
    source: str = ""
    per_request: bool = False

    def cost(self, verb: Verb | str) -> int:
        """What one ``verb`` spends of this budget (0: the verb does not draw from it)."""
        return next((c for v, c in self.costs.items() if v == verb), 0)

    def verbs(self) -> list[str]:
        return sorted(v.value for v in self.costs)

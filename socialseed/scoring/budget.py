"""The spending cap of one plan (``scoring.max_cost_usd``).

A request is only sent when its worst case (prompt characters / 3 tokens in, ``max_tokens`` out,
at the provider's prices) fits in what is left, counting requests already in flight. So the cap
holds unless a provider bills more tokens than that worst case.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SpendMeter:
    """Dollars spent and reserved against an optional cap. Shared by scorers of one plan."""

    cap: float | None = None
    spent: float = 0.0
    reserved: float = 0.0
    exhausted: bool = False

    def reserve(self, estimate: float) -> bool:
        """Hold ``estimate`` dollars for a request; ``False`` (and mark exhausted) past the cap."""
        if self.cap is not None and self.spent + self.reserved + estimate > self.cap:
            self.exhausted = True
            return False
        self.reserved += estimate
        return True

    def settle(self, estimate: float, actual: float) -> None:
        """The request finished: release its reservation and count what it really cost."""
        self.reserved = max(0.0, self.reserved - estimate)
        self.spent += actual

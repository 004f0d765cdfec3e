"""What a provider's tokens cost: the config's prices, else the genai-prices library's.

``price_for(kind, model, price_in, price_out)`` gives a ``Pricing``: the config's per-million
prices when either is set (the config wins; an unset one counts as 0), else the price the
maintained library ``genai-prices`` knows for that provider and model (tiers included), else an
*unknown* pricing (``known`` is false, ``cost`` is ``None``). The library's snapshot is the one
installed with SocialSeed: no network is used to look a price up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

CONFIG = "config"
LIBRARY = "genai-prices"


@dataclass(frozen=True)
class Pricing:
    """How to price one provider's requests; ``source`` says where the prices come from."""

    kind: str
    model: str
    source: str  # "config", "genai-prices 0.0.61" or "" (unknown)
    in_per_mtok: float | None = None  # config prices
    out_per_mtok: float | None = None
    library_model: str = ""  # the library's model id, when the library prices it

    @property
    def known(self) -> bool:
        return bool(self.source)

    @property
    def from_config(self) -> bool:
        return self.source == CONFIG

    def cost(self, tokens_in: int, tokens_out: int) -> float | None:
        """Dollars for a request's tokens (output includes reasoning); ``None`` when unknown."""
        if self.from_config:
            return ((self.in_per_mtok or 0) * tokens_in + (self.out_per_mtok or 0) * tokens_out) / (
                1_000_000
            )
        if not self.known:
            return None
        return _library_cost(self.kind, self.library_model, tokens_in, tokens_out)

    def describe(self) -> str:
        if self.from_config:
            return (
                f"${self.in_per_mtok or 0:g} in / ${self.out_per_mtok or 0:g} out per million "
                "tokens (config)"
            )
        if self.known:
            per_in = self.cost(1000, 0) or 0.0
            per_out = self.cost(0, 1000) or 0.0
            return (
                f"${per_in * 1000:g} in / ${per_out * 1000:g} out per million tokens "
                f"({self.source}, model {self.library_model})"
            )
        return "unknown price"


def price_for(
    kind: str, model: str, price_in: float | None = None, price_out: float | None = None
) -> Pricing:
    """The pricing of ``model`` at ``kind``: config prices win, then the library's."""
    if price_in is not None or price_out is not None:
        return Pricing(kind, model, CONFIG, price_in or 0.0, price_out or 0.0)
    found = _library_model(kind, model)
    if found is None:
        return Pricing(kind, model, "")
    return Pricing(kind, model, f"{LIBRARY} {library_version()}", library_model=found)


@cache
def library_version() -> str:
    return version(LIBRARY)


@cache
def _library_model(kind: str, model: str) -> str | None:
    """The library's id for ``model`` at provider ``kind``, or ``None`` when it has no price."""
    calc = _calc()
    try:
        result = calc(_usage(1000, 1000), model, provider_id=kind)
    except LookupError:
        return None
    return str(result.model.id)


def _library_cost(kind: str, model: str, tokens_in: int, tokens_out: int) -> float:
    if tokens_in <= 0 and tokens_out <= 0:
        return 0.0
    result = _calc()(_usage(tokens_in, tokens_out), model, provider_id=kind)
    return float(result.total_price)


def _calc() -> Any:
    # imported on first use: the library takes about a second to load its price snapshot
    from genai_prices import calc_price

    return calc_price


def _usage(tokens_in: int, tokens_out: int) -> Any:
    from genai_prices import Usage

    return Usage(input_tokens=tokens_in, output_tokens=tokens_out)

"""Scoring: the heuristic default and language-model providers behind one interface.

- ``backoff``: How long a provider that answered 429 or 5xx asks us to wait before trying again.
- ``base``: The scorer interface: a batch of candidates in, one ``Score`` per candidate out.
- ``budget``: The spending cap of one plan (``scoring.max_cost_usd``).
- ``heuristic``: The default scorer: offline, deterministic, explainable. See docs/heuristic.md.
- ``prices``: What a provider's tokens cost: the config's prices, else the genai-prices library's.
- ``prompt``: The versioned scoring prompt: what is sent about each profile, and how an answer
  is read.
- ``providers``: Language-model providers over plain httpx (no vendor SDKs).
- ``rationale``: A short written explanation of tune's changes, through the same providers,
  budget and ledger.
- ``routed``: ``RoutedScorer``: language-model scoring with cache, fallback order, budget and
  ledger.
- ``router``: Choose the scorer for a targeting: the heuristic, one provider, or ``auto``.
- ``store``: What the scoring router remembers: a cache of answers and a ledger of what each
  request cost.
"""

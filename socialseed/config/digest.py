"""The config's fingerprint, recorded in every plan so that review and apply notice a change.

The planner must record exactly this value (``plan.config_sha256``); a test checks that
``socialseed.plan.planner`` computes the same digest, non-ASCII text included.
"""

from __future__ import annotations

import hashlib
import json

from socialseed.config.schema import Config


def config_digest(config: Config) -> str:
    """The sha256 of the validated config in canonical JSON (key order and layout ignored)."""
    text = json.dumps(config.dump(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()

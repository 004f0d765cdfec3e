"""Fixtures for the plan tests: a fake network behind the platform registry, a config file."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialseed.platforms import registry
from tests.plan.fakes import NOW, FakeNetwork, FakePlatform

BASE_CONFIG: dict[str, Any] = {
    "version": 1,
    "accounts": [
        {
            "id": "studio",
            "platform": "sandbox",
            "handle": "studio.example",
            "phases": "standard",
            "targeting": ["film"],
            "start_date": "2026-11-20",
        }
    ],
    "phases": {
        "standard": [
            {
                "name": "warmup",
                "days": 14,
                "daily": {"follow": 5, "like": 6},
                "hourly": {"follow": 2},
            },
            {"name": "growth", "days": 60, "daily": {"follow": 20, "like": 40, "unfollow": 10}},
        ]
    },
    "targeting": {
        "film": {
            "description": "People who shoot analog film.",
            "keywords": ["film", "35mm", "darkroom"],
            "sources": [{"hashtag": "filmphotography"}, {"search": "35mm film"}],
            "filters": {"followers": {"min": 20, "max": 20000}, "ratio": {"max": 3.0}},
            "actions": {"follow": True, "like_recent": 1},
            "scoring": {"provider": "heuristic", "min_authenticity": 0.55},
        }
    },
    "policy": {"auto_approve": ["green"], "blocklist": ["spam*"]},
}


@pytest.fixture
def network() -> FakeNetwork:
    return FakeNetwork()


@pytest.fixture
def fake_registry(network: FakeNetwork, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNetwork]:
    """Route the 'sandbox' platform of the registry to the fake network."""
    module = types.ModuleType("tests_plan_fake_platform")
    module.capabilities = lambda account: network.caps  # type: ignore[attr-defined]
    module.build = lambda account, deps: FakePlatform(account.id, account.handle, network)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_plan_fake_platform", module)
    monkeypatch.setitem(registry.MODULES, "sandbox", "tests_plan_fake_platform")
    monkeypatch.setenv("SOCIALSEED_NOW", NOW.isoformat())
    yield network


def write_config(path: Path, data: dict[str, Any]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    target = path / "socialseed.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "cfg", BASE_CONFIG)

"""Fixtures for the review tests: a config, a state database, platform packs, a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed.clock import FakeClock
from socialseed.platforms import registry
from socialseed.review import Card
from socialseed.state.db import open_state
from tests.review.factory import NOW, NOW_TEXT, digest_of, write_config


@pytest.fixture
def packs(monkeypatch: pytest.MonkeyPatch) -> None:
    """sandbox: permissive pack with bulk approval; bluesky: outbound verbs need a person."""
    monkeypatch.setitem(registry.MODULES, "sandbox", "tests.review.fake_open_pack")
    monkeypatch.setitem(registry.MODULES, "bluesky", "tests.review.fake_strict_pack")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def digest(config_path: Path) -> str:
    return digest_of(config_path)


@pytest.fixture
def db(state_path: Path) -> Database:
    return open_state(state_path, now=NOW)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOCIALSEED_NOW", NOW_TEXT)
    return NOW_TEXT


@dataclass
class ScriptedPrompter:
    """Plays a person: keys and reasons from lists; '^C' is Ctrl-C; running out is Ctrl-D."""

    keys: list[str]
    reasons: list[str] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)
    shown: list[Card] = field(default_factory=list)
    detailed: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    def show(self, card: Card) -> None:
        self.shown.append(card)

    def details(self, card: Card) -> None:
        self.detailed.append(card.action.id)

    def key(self, prompt: str) -> str:
        if not self.keys:
            raise EOFError
        key = self.keys.pop(0)
        if key == "^C":
            raise KeyboardInterrupt
        return key

    def reason(self, prompt: str) -> str:
        if not self.reasons:
            raise EOFError
        return self.reasons.pop(0)

    def edit(self, text: str) -> str:
        if not self.edits:
            raise EOFError
        return self.edits.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)

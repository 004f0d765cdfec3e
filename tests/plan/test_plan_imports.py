"""A plan served from the cache connects no platform: it loads no HTTP client and no platform
client; an account without a conversations rule set loads no conversation module (what
``socialseed plan`` pays for them is measured by benchmarks/bench_sandbox.py)."""

from __future__ import annotations

from pathlib import Path

from tests.foundation.probe import socialseed

CONFIG = """\
version: 1
accounts:
  - {id: studio, platform: sandbox, handle: studio.example, phases: std, targeting: [film],
     start_date: 2026-11-01}
phases:
  std:
    - {name: growth, daily: {follow: 5, like: 5}}
targeting:
  film:
    description: Analog film photographers.
    keywords: [film, analog]
    sources: [{hashtag: filmphotography, limit: 200}]
    actions: {follow: true, like_recent: 1}
    cache_ttl: 7d
sandbox: {size: 300}
"""

INBOX = "socialseed.conversations."
CLIENTS = ("httpx", "socialseed.platforms.http", "socialseed.platforms.sandbox.client")


def test_a_second_plan_within_the_cache_ttl_loads_no_http_client(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "socialseed.yaml").write_text(CONFIG)
    first = socialseed(tmp_path, "plan", "-c", str(folder))
    assert first.code == 0, first.stderr
    assert "httpx" in first.modules  # the first plan reads its source from the sandbox
    second = socialseed(tmp_path, "plan", "-c", str(folder))

    assert second.code == 0, second.stderr
    assert "1 source(s) served from the cache" in second.stderr
    assert sorted(m for m in second.modules if m.split(".")[0] == "httpx" or m in CLIENTS) == []
    assert second.stdout == first.stdout
    assert [m for m in (first.modules | second.modules) if m.startswith(INBOX)] == []

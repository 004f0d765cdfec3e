"""plan.tune's rules on constructed outcomes: the evidence threshold, a lone weak source,
a maximum bound, and a group that never followed back."""

from __future__ import annotations

import math
from pathlib import Path

from socialseed.config.schema import Config
from socialseed.plan.tune import MIN_FOLLOWS, Judged, suggest


def _config(sources: list[dict[str, object]], filters: dict[str, object] | None = None) -> Config:
    return Config.model_validate(
        {
            "accounts": [{"id": "a", "platform": "sandbox", "handle": "a", "phases": "p"}],
            "phases": {"p": [{"name": "growth", "daily": {"follow": 25}}]},
            "targeting": {"film": {"sources": sources, "filters": filters or {}}},
        }
    )


def _rows(source: str, follows: int, backs: int, **features: float) -> list[Judged]:
    return [Judged("film", source, i < backs, dict(features)) for i in range(follows)]


def test_too_few_follows_or_an_interval_reaching_one_proposes_nothing() -> None:
    config = _config([{"hashtag": "a"}, {"hashtag": "b"}])
    few = _rows("hashtag:a", 40, 12) + _rows("hashtag:b", MIN_FOLLOWS - 1, 0)
    assert suggest(config, few) == []
    close = _rows("hashtag:a", 40, 12) + _rows("hashtag:b", 40, 6)  # 15% vs 30%: 95% 0.2-1.2
    assert suggest(config, close) == []


def test_a_source_that_never_followed_back_is_dropped_and_the_best_reads_deeper() -> None:
    config = _config([{"hashtag": "a", "limit": 300}, {"hashtag": "b"}])
    changes = suggest(config, _rows("hashtag:a", 40, 12) + _rows("hashtag:b", 40, 0))
    assert [(c.kind, c.target, c.value) for c in changes] == [
        ("drop", "hashtag:b", None),
        ("limit", "hashtag:a", 600.0),
    ]
    assert changes[0].reason.startswith(
        "source hashtag:b: 0% follow-back (0/40) vs 30% for hashtag:a (ratio 0.00, 95% 0.00-"
    )


def test_a_filter_maximum_is_lowered_where_the_largest_accounts_do_not_answer() -> None:
    config = _config([{"hashtag": "a"}], {"followers": {"min": 20, "max": 20000}})
    rows = _rows("hashtag:a", 30, 9, log_followers=math.log1p(300))
    rows += _rows("hashtag:a", 30, 0, log_followers=math.log1p(9000))
    [change] = suggest(config, rows)
    assert (change.kind, change.target, change.value) == ("filter", "followers.max", 300.0)
    assert change.reason.startswith(
        "followers.max 20000 -> 300: follows with followers over 300: 0% follow-back (0/30) "
        "vs 30% follow-back (9/30) for the rest"
    )


def test_a_source_named_like_an_emoji_code_is_printed_as_written(tmp_path: Path) -> None:
    """'hashtag:art:' must not become a picture: tune prints names as they are written."""
    from typer.testing import CliRunner

    from benchmarks.bench_growth import CONFIG, _tune_state
    from socialseed.cli.main import app

    (tmp_path / "socialseed.yaml").write_text(CONFIG)
    judged = [Judged("film", "hashtag:art", i < 2, {}) for i in range(40)]
    judged += [Judged("film", "hashtag:filmphotography", i < 12, {}) for i in range(40)]
    env = _tune_state(tmp_path / "state.sqlite", judged)
    result = CliRunner().invoke(app, ["tune", "-c", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "film: drop hashtag:art: source hashtag:art: 5% follow-back (2/40) vs 30% for "
        "hashtag:filmphotography (ratio 0.17, 95% 0.04-0.70)\n"
    ) in result.stderr
    assert "-      - hashtag: art\n" in result.stdout

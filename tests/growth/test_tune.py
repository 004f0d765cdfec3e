"""socialseed tune: changes from the outcomes per source, as a unified diff of the YAML files
(comments kept); nothing written without --write; the changed config still validates."""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.config.load import load_config
from socialseed.state.db import open_state
from socialseed.state.growth import Proposal, record_proposals
from socialseed.state.relationships import mark_followed_back_many, record_follows
from tests.conftest import DEMO_CONFIG

runner = CliRunner()
NOW = datetime(2026, 12, 20, 9, tzinfo=UTC)
SOURCES = {  # source -> (follows, followed back)
    "hashtag:filmphotography": (40, 12),
    "search:35mm film": (40, 2),
    "followers_of:lens.collective": (10, 5),  # too few follows to judge
}


def seed_outcomes(state: Path) -> None:
    """Judged follows of demo-studio per source (``SOURCES``), made ten days before NOW."""
    db = open_state(state)
    since = NOW - timedelta(days=10)
    for source, (follows, backs) in SOURCES.items():
        ids = [f"{source}-{i}" for i in range(follows)]
        record_proposals(
            db,
            "demo-studio",
            [Proposal(t, "film-photographers", source, "chosen", 0.2, {}) for t in ids],
            now=since,
        )
        record_follows(db, "demo-studio", [(t, "socialseed", since) for t in ids])
        mark_followed_back_many(db, "demo-studio", ids[:backs], at=since + timedelta(days=1))
    db.conn.close()


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "demo"
    shutil.copytree(DEMO_CONFIG, config)
    state = tmp_path / "state.sqlite"
    seed_outcomes(state)
    env = {"SOCIALSEED_STATE": str(state), "SOCIALSEED_NOW": "2026-12-20T09:00:00Z"}
    return config, env


def test_tune_proposes_a_diff_and_writes_only_when_asked(
    setup: tuple[Path, dict[str, str]],
) -> None:
    config, env = setup
    yaml = config / "socialseed.yaml"
    before = yaml.read_text()
    result = runner.invoke(app, ["tune", "-c", str(config)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"--- a/{yaml}\n+++ b/{yaml}\n@@ -65,7 +65,7 @@\n"
        "     keywords: [film, analog, 35mm, darkroom, photography]\n"
        "     sources:\n"
        "       - hashtag: filmphotography\n"
        '-      - search: "35mm film"\n'
        "+        limit: 400\n"
        "       - followers_of: lens.collective\n"
        "     filters:\n"
        "       followers: {min: 20, max: 20000}\n"
    )
    assert (
        "film-photographers: drop search:35mm film: source search:35mm film: 5% follow-back "
        "(2/40) vs 30% for hashtag:filmphotography (ratio 0.17, 95% 0.04-0.70)"
    ) in result.stderr
    assert (
        "film-photographers: set the limit of hashtag:filmphotography: source "
        "hashtag:filmphotography: 30% follow-back (12/40), the best of targeting "
        "film-photographers: read deeper"
    ) in result.stderr
    assert "nothing written (use --write to apply)" in result.stderr
    assert yaml.read_text() == before

    written = runner.invoke(app, ["tune", "-c", str(config), "--write"], env=env)
    assert written.exit_code == 0, written.output
    after = yaml.read_text()
    assert after != before and "# honour #nobot / #noautomation in bios" in after
    sources = load_config(config).targeting["film-photographers"].sources
    assert [(s.kind, s.limit) for s in sources] == [("hashtag", 400), ("followers_of", 200)]


def test_without_enough_outcomes_tune_says_what_it_needs(tmp_path: Path) -> None:
    env = {"SOCIALSEED_STATE": str(tmp_path / "s.sqlite"), "SOCIALSEED_NOW": "2026-12-20T09:00:00Z"}
    result = runner.invoke(app, ["tune", "-c", str(DEMO_CONFIG)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no changes proposed: 0 judged follow(s); a source or filter band needs 20 judged" in (
        result.stderr
    )


def test_an_unknown_account_is_a_config_error(tmp_path: Path) -> None:
    env = {"SOCIALSEED_STATE": str(tmp_path / "s.sqlite")}
    result = runner.invoke(app, ["tune", "-c", str(DEMO_CONFIG), "--account", "nope"], env=env)
    assert result.exit_code == 1
    assert "--account: no account 'nope' in the config" in result.stderr


def test_tune_tightens_the_filter_whose_passers_rarely_follow_back(tmp_path: Path) -> None:
    """60 follows from one source: the 30 with 50 followers followed back once, the 30 with
    400 followers twelve times: followers.min 20 -> 400, the flow map and comments kept."""
    config = tmp_path / "demo"
    shutil.copytree(DEMO_CONFIG, config)
    state = tmp_path / "state.sqlite"
    db = open_state(state)
    since = NOW - timedelta(days=10)
    source = "hashtag:filmphotography"
    for label, followers, backs in (("small", 50, 1), ("large", 400, 12)):
        ids = [f"{label}-{i}" for i in range(30)]
        feats = {"log_followers": math.log1p(followers)}
        record_proposals(
            db,
            "demo-studio",
            [Proposal(t, "film-photographers", source, "chosen", 0.2, feats) for t in ids],
            now=since,
        )
        record_follows(db, "demo-studio", [(t, "socialseed", since) for t in ids])
        mark_followed_back_many(db, "demo-studio", ids[:backs], at=since + timedelta(days=1))
    db.conn.close()
    env = {"SOCIALSEED_STATE": str(state), "SOCIALSEED_NOW": "2026-12-20T09:00:00Z"}
    yaml = config / "socialseed.yaml"
    result = runner.invoke(app, ["tune", "-c", str(config)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"--- a/{yaml}\n+++ b/{yaml}\n@@ -68,7 +68,7 @@\n"
        '       - search: "35mm film"\n'
        "       - followers_of: lens.collective\n"
        "     filters:\n"
        "-      followers: {min: 20, max: 20000}\n"
        "+      followers: {min: 400, max: 20000}\n"
        "       ratio: {max: 3.0}            # following / followers\n"
        "       min_posts: 5\n"
        "       active_within_days: 30\n"
    )
    assert (
        "film-photographers: tighten followers.min: followers.min 20 -> 400: follows with "
        "followers under 400: 3% follow-back (1/30) vs 40% follow-back (12/30) for the rest "
        "(ratio 0.08, 95% 0.01-0.60)"
    ) in result.stderr
    written = runner.invoke(app, ["tune", "-c", str(config), "--write"], env=env)
    assert written.exit_code == 0, written.output
    filters = load_config(config).targeting["film-photographers"].filters
    assert (filters.followers.min, filters.followers.max) == (400, 20000)


def test_tune_drops_a_keyword_whose_mentioners_rarely_follow_back(tmp_path: Path) -> None:
    """Profiles still in the discovery cache: 30 mention 'photography' (1 followed back), 30
    mention 'darkroom' (12 back): keyword photography goes, the flow list kept."""
    from socialseed.model import Candidate, Profile
    from socialseed.state.candidates import store_candidates

    config = tmp_path / "demo"
    shutil.copytree(DEMO_CONFIG, config)
    state = tmp_path / "state.sqlite"
    db = open_state(state)
    since = NOW - timedelta(days=10)
    source = "hashtag:filmphotography"
    found = []
    for word, backs in (("photography", 1), ("darkroom", 12)):
        ids = [f"{word}-{i}" for i in range(30)]
        record_proposals(
            db,
            "demo-studio",
            [Proposal(t, "film-photographers", source, "chosen", 0.2, {}) for t in ids],
            now=since,
        )
        record_follows(db, "demo-studio", [(t, "socialseed", since) for t in ids])
        mark_followed_back_many(db, "demo-studio", ids[:backs], at=since + timedelta(days=1))
        found += [
            Candidate(Profile("sandbox", t, t, bio=f"I love {word}"), source, "film-photographers")
            for t in ids
        ]
    store_candidates(db, "demo-studio", source, found, now=since)
    db.conn.close()
    env = {"SOCIALSEED_STATE": str(state), "SOCIALSEED_NOW": "2026-12-20T09:00:00Z"}
    yaml = config / "socialseed.yaml"
    result = runner.invoke(app, ["tune", "-c", str(config)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"--- a/{yaml}\n+++ b/{yaml}\n@@ -62,7 +62,7 @@\n"
        " targeting:\n"
        "   film-photographers:\n"
        "     description: People who shoot, develop and share analog film photography.\n"
        "-    keywords: [film, analog, 35mm, darkroom, photography]\n"
        "+    keywords: [film, analog, 35mm, darkroom]\n"
        "     sources:\n"
        "       - hashtag: filmphotography\n"
        '       - search: "35mm film"\n'
    )
    assert (
        "film-photographers: drop the keyword photography: keyword photography: follows whose "
        "profile mentions it: 3% follow-back (1/30) vs 40% follow-back (12/30) for the rest "
        "(ratio 0.08, 95% 0.01-0.60)"
    ) in result.stderr

"""The config cache: ``validate`` and ``status`` on an unchanged config say exactly what they say
without it, build no pydantic model and parse no YAML; any change, a damaged entry or
``--no-cache`` means the config is validated again; an invalid config is never cached.

Each command runs in a fresh interpreter (the console script's function), as a user runs it, and
lists the modules it loaded on stderr's last line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed import cachedir
from socialseed.cli.main import app
from socialseed.config import cache
from tests.foundation.probe import socialseed

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "configs" / "demo" / "socialseed.yaml").read_text()

MASTODON = """\
version: 1
accounts:
  - {id: studio-masto, platform: mastodon, handle: studio, instance: "https://mastodon.example",
     phases: gentle, targeting: [film], credentials: env/STUDIO_MASTO_TOKEN}
phases:
  gentle:
    - {name: warmup, daily: {follow: 10}}
targeting:
  film:
    sources: [{hashtag: filmphotography}]
    actions: {follow: true}
    expand: {engaged_with_our_posts: {limit: 20}}
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "socialseed.yaml").write_text(DEMO)
    return folder


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("config-*.json"))


def test_validate_from_the_cache_says_the_same_without_pydantic_or_yaml(
    tmp_path: Path, demo: Path
) -> None:
    first = socialseed(tmp_path, "validate", "-c", str(demo))
    second = socialseed(tmp_path, "validate", "-c", str(demo))
    uncached = socialseed(tmp_path, "--no-cache", "validate", "-c", str(demo))

    assert first.code == second.code == uncached.code == 0
    assert second.stdout == first.stdout == uncached.stdout
    assert first.stdout == (
        f"ok: {demo}: 2 account(s) on sandbox, 2 phase set(s), 2 targeting block(s), "
        "1 file(s) checked; 6 conversation example(s) pass\n"
    )
    assert second.stderr == first.stderr == ""
    assert first.loaded("pydantic", "yaml") != []  # the first run validates
    assert second.loaded("pydantic", "pydantic_core", "yaml") == []
    assert uncached.loaded("pydantic") != []
    assert len(entries(tmp_path)) == 1


def test_validate_notes_and_env_vars_come_back_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "socialseed.yaml").write_text(MASTODON)
    runs = [socialseed(tmp_path, "validate", "-c", "socialseed.yaml") for _ in range(2)]
    names = [socialseed(tmp_path, "validate", "-c", "socialseed.yaml", "--env-vars")]
    names.append(socialseed(tmp_path, "validate", "-c", "socialseed.yaml", "--env-vars"))

    note = (
        "note: studio-masto: targeting 'film' expand.engaged_with_our_posts is not read: "
        "mastodon offers no commenters read through its official API (remove "
        "expand.engaged_with_our_posts from targeting 'film')\n"
    )
    assert [r.stderr for r in runs] == [note, note]
    assert runs[0].stdout == runs[1].stdout
    assert runs[1].stdout.startswith("ok: socialseed.yaml: 1 account(s) on mastodon")
    assert [r.stdout for r in names] == ["STUDIO_MASTO_TOKEN\n", "STUDIO_MASTO_TOKEN\n"]
    assert runs[1].loaded("pydantic", "yaml") == names[1].loaded("pydantic", "yaml") == []


def test_status_from_the_cache_is_byte_identical_and_loads_no_pydantic(
    tmp_path: Path, demo: Path
) -> None:
    first = socialseed(tmp_path, "status", "-c", str(demo))
    cached = socialseed(tmp_path, "status", "-c", str(demo))
    uncached = socialseed(tmp_path, "status", "-c", str(demo), SOCIALSEED_NO_CACHE="1")
    as_json = socialseed(tmp_path, "status", "-c", str(demo), "--json")

    assert first.code == cached.code == uncached.code == as_json.code == 0
    assert cached.stdout == first.stdout == uncached.stdout
    assert "SocialSeed status at 2026-12-01T10:00:00Z" in cached.stdout
    assert "demo-studio: platform budget 'writes per day': 0 used, 1,000 left" in cached.stdout
    assert [row["account"] for row in json.loads(as_json.stdout)] == ["demo-studio", "demo-cafe"]
    assert cached.loaded("pydantic", "pydantic_core", "yaml", "httpx", "sqlite_utils") == []
    heavy = {"socialseed.report.report_text", "socialseed.config.schema", "socialseed.config.load"}
    assert sorted(cached.modules & heavy) == []
    assert uncached.loaded("pydantic") != []


def test_a_changed_file_is_validated_again(tmp_path: Path, demo: Path) -> None:
    assert socialseed(tmp_path, "validate", "-c", str(demo)).code == 0
    extra = "  - {id: demo-shop, platform: sandbox, handle: demo.shop, phases: gentle}\n"
    text = DEMO.replace("\nphases:\n", f"{extra}\nphases:\n", 1)
    (demo / "socialseed.yaml").write_text(text)

    again = socialseed(tmp_path, "validate", "-c", str(demo))

    assert again.code == 0
    assert again.stdout.startswith(f"ok: {demo}: 3 account(s) on sandbox")
    assert again.loaded("pydantic") != []
    assert len(entries(tmp_path)) == 2


def test_a_file_added_to_the_folder_is_read(tmp_path: Path, demo: Path) -> None:
    assert socialseed(tmp_path, "validate", "-c", str(demo)).code == 0
    (demo / "more.yaml").write_text("accounts: []\n")
    merged = socialseed(tmp_path, "validate", "-c", str(demo))
    (demo / "more.yaml").write_text("retention: {third_party: 5x}\n")
    broken = socialseed(tmp_path, "validate", "-c", str(demo))

    assert merged.code == 0 and "2 account(s)" in merged.stdout
    assert merged.stdout.endswith("2 file(s) checked; 6 conversation example(s) pass\n")
    assert broken.code == 1
    assert f"{demo / 'more.yaml'}, line 1, column 26: retention.third_party" in broken.stderr


def test_an_invalid_config_is_never_cached_and_always_says_where(
    tmp_path: Path, demo: Path
) -> None:
    assert socialseed(tmp_path, "validate", "-c", str(demo)).code == 0
    broken = DEMO.replace("handle: demo.cafe", "handle: demo.cafe\n    bogus: 1", 1)
    (demo / "socialseed.yaml").write_text(broken)

    runs = [socialseed(tmp_path, "validate", "-c", str(demo)) for _ in range(2)]

    assert [r.code for r in runs] == [1, 1]
    assert runs[0].stderr == runs[1].stderr
    assert f"{demo / 'socialseed.yaml'}, line 19, column 5: accounts[1].bogus" in runs[1].stderr
    assert runs[1].loaded("pydantic") != []
    assert len(entries(tmp_path)) == 1  # the passing version's only
    (demo / "socialseed.yaml").write_text(DEMO)
    back = socialseed(tmp_path, "validate", "-c", str(demo))
    assert back.code == 0 and back.loaded("pydantic", "yaml") == []


def test_a_damaged_entry_is_a_miss_and_is_written_again(tmp_path: Path, demo: Path) -> None:
    good = socialseed(tmp_path, "validate", "-c", str(demo))
    (entry,) = entries(tmp_path)
    for damage in ("{not json", '{"format": 1, "key": "other", "view": {}}', ""):
        entry.write_text(damage)
        again = socialseed(tmp_path, "validate", "-c", str(demo))
        assert (again.code, again.stdout, again.stderr) == (0, good.stdout, "")
        assert again.loaded("pydantic") != []
        assert json.loads(entry.read_text())["key"] == entry.stem.removeprefix("config-")


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, demo: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    runs = [
        socialseed(tmp_path, "validate", "-c", str(demo), SOCIALSEED_CACHE_DIR=str(blocker))
        for _ in range(2)
    ]
    assert [(r.code, r.stderr) for r in runs] == [(0, ""), (0, "")]
    assert runs[0].stdout == runs[1].stdout


def test_no_cache_writes_nothing(tmp_path: Path, demo: Path) -> None:
    assert socialseed(tmp_path, "validate", "-c", str(demo), SOCIALSEED_NO_CACHE="1").code == 0
    assert socialseed(tmp_path, "--no-cache", "status", "-c", str(demo)).code == 0
    assert not (tmp_path / "cache").exists()


def test_an_entry_is_readable_by_its_owner_only_and_holds_no_reference(
    tmp_path: Path, demo: Path
) -> None:
    (demo / "socialseed.yaml").write_text(MASTODON)
    assert socialseed(tmp_path, "status", "-c", str(demo)).code == 0
    (entry,) = entries(tmp_path)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert "STUDIO_MASTO_TOKEN" not in entry.read_text()  # status keeps no env/ reference


def test_the_key_covers_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "socialseed.yaml").write_text(DEMO)
    before = cache.key_of(tmp_path / "socialseed.yaml")
    monkeypatch.setattr(cachedir, "_fingerprint", "other code")
    assert before is not None and cache.key_of(tmp_path / "socialseed.yaml") != before


def test_the_fingerprint_changes_when_a_module_changes(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "m.py"
    module.write_text("x = 1\n")
    before = cachedir._tree(package)
    module.write_text("x = 12\n")
    assert cachedir._tree(package) != before


def test_in_process_runs_share_one_entry(tmp_path: Path, demo: Path) -> None:
    runner = CliRunner()
    runs = [runner.invoke(app, ["validate", "-c", str(demo)]) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout
    assert len(list(Path(os.environ["SOCIALSEED_CACHE_DIR"]).glob("config-*.json"))) == 1


def test_root_help_from_the_cache_is_the_same_without_typer(tmp_path: Path) -> None:
    first = socialseed(tmp_path, "--help")
    cached = socialseed(tmp_path, "--help")
    uncached = socialseed(tmp_path, "--help", SOCIALSEED_NO_CACHE="1")
    narrow = socialseed(tmp_path, "--help", COLUMNS="60")
    narrow_uncached = socialseed(tmp_path, "--help", COLUMNS="60", SOCIALSEED_NO_CACHE="1")

    assert first.code == cached.code == uncached.code == narrow.code == 0
    assert cached.stdout == first.stdout == uncached.stdout
    assert cached.stdout.startswith("Usage: socialseed [OPTIONS] COMMAND [ARGS]...")
    assert "  validate " in cached.stdout and "--no-cache" in cached.stdout
    assert cached.stderr == ""
    assert first.loaded("typer") != []
    assert cached.loaded("typer", "rich", "pydantic", "yaml", "sqlite3") == []
    assert narrow.stdout == narrow_uncached.stdout != cached.stdout

"""Files around the config: the example folder ``init`` writes, the JSON Schema, summaries."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from socialseed.config.schema import Config
from socialseed.errors import SocialSeedError

SCHEMA_FILE = "socialseed.schema.json"
GITIGNORE = """\
# SocialSeed: state, secrets and plans stay out of git
*.sqlite
*.sqlite-wal
*.sqlite-shm
*.key
plans/
plan*.json
"""


def schema_json() -> str:
    data = Config.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "SocialSeed config"
    return json.dumps(data, indent=2, sort_keys=True)


def example_yaml() -> str:
    return resources.files("socialseed").joinpath("templates/socialseed.yaml").read_text("utf-8")


def write_example(directory: Path, *, force: bool = False) -> list[Path]:
    """Write the example config, its schema and a .gitignore; refuse to overwrite."""
    files = {
        directory / "socialseed.yaml": example_yaml(),
        directory / SCHEMA_FILE: schema_json() + "\n",
        directory / ".gitignore": GITIGNORE,
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise SocialSeedError(
            f"init would overwrite {names}",
            hint="pick another folder, or pass --force to overwrite",
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SocialSeedError(
            f"init cannot write to {directory}: {exc.strerror or exc}",
            hint="pick a folder you can write to: socialseed init DIR",
        ) from exc
    return list(files)


def summary(path: Path, config: Config) -> str:
    """One line saying what was checked."""
    files = len([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else 1
    platforms = sorted({a.platform for a in config.accounts})
    return (
        f"{len(config.accounts)} account(s) on {', '.join(platforms)}, "
        f"{len(config.phases)} phase set(s), {len(config.targeting)} targeting block(s), "
        f"{files} file(s) checked"
    )

"""The cache of validated configs: ``validate`` and ``status`` on an unchanged config build no
pydantic model and parse no YAML.

An entry is a ``ConfigView`` (``config.view``) in a JSON file named by its key: the sha256 of
every config file's path and bytes (the files the loader reads, read the same way), and of a
fingerprint of the code that judged them (each ``socialseed`` module's size and modification
time, and those of pydantic and PyYAML, and the Python version), so that an edit to the
config or an upgrade of SocialSeed makes a new key. Only a config that passed is stored: an
invalid one is validated again every time and reported with its file, line and column.

The folder is ``$SOCIALSEED_CACHE_DIR``, else ``$XDG_CACHE_HOME/socialseed``, else
``~/.cache/socialseed``; ``SOCIALSEED_NO_CACHE=1`` (or ``--no-cache``) turns the cache off. A
missing, unreadable or damaged entry is a miss (the config is validated and the entry written
again), and a cache that cannot be written is left alone: the cache never fails a command.
Entries hold no secrets: a config holds none (only ``env/NAME`` references), and the view keeps
only names, phases and caps. (The same folder keeps the root ``--help`` text: ``cli.main``.)

This module loads nothing heavy until it reads or writes an entry: ``socialseed --help`` uses
its folder and code fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.config.view import ConfigView

FORMAT = 1  # the layout of an entry; a new layout is a new key
MAX_ENTRIES = 64  # older entries are removed when a new one is written
_ON = {"1", "true", "yes"}
_DEPENDENCIES = ("pydantic", "pydantic_core", "yaml", "typer")
_fingerprint: str | None = None


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """Where entries are kept; ``None`` when the cache is off or no folder is known."""
    if env.get("SOCIALSEED_NO_CACHE", "").strip().lower() in _ON:
        return None
    if env.get("SOCIALSEED_CACHE_DIR"):
        return Path(env["SOCIALSEED_CACHE_DIR"]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "socialseed"
    if env.get("HOME"):
        return Path(env["HOME"]) / ".cache" / "socialseed"
    return None


def key_of(path: Path) -> str | None:
    """The key of the config at ``path``; ``None`` when a file cannot be read (the loader then
    reports why, exactly as without the cache)."""
    from socialseed.config.source import config_files, read_text
    from socialseed.errors import ConfigError

    try:
        files = config_files(path)
        texts = [read_text(f) for f in files]
    except ConfigError:
        return None
    digest = hashlib.sha256(f"socialseed config cache {FORMAT}\0{code_fingerprint()}".encode())
    for file, text in zip(files, texts, strict=True):
        name = str(file).encode("utf-8", "surrogateescape")
        data = text.encode()
        digest.update(b"\0%d\0%s\0%d\0" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Changes when SocialSeed's code, pydantic, PyYAML or Python change (sizes and times)."""
    global _fingerprint
    if _fingerprint is None:
        import socialseed

        parts = [sys.version]
        parts += _tree(Path(socialseed.__file__).parent)
        parts += [_dependency(name) for name in _DEPENDENCIES]
        _fingerprint = hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()
    return _fingerprint


def _tree(root: Path) -> list[str]:
    found = []
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    found.append(f"{entry.path} {st.st_size} {st.st_mtime_ns}")
    return sorted(found)


def _dependency(name: str) -> str:
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin else None
    except (ImportError, ValueError, OSError):
        return f"{name} ?"
    return f"{name} {origin} {st.st_size} {st.st_mtime_ns}" if st else f"{name} -"


def read(folder: Path, key: str) -> ConfigView | None:
    """The entry for ``key``, or ``None`` (missing, unreadable or damaged: all the same)."""
    import json

    from socialseed.config.view import ConfigView

    try:
        data = json.loads((folder / f"config-{key}.json").read_bytes())
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return ConfigView.from_data(data["view"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write(folder: Path, key: str, view: ConfigView) -> None:
    """Store ``view`` under ``key``."""
    import json

    data = {"format": FORMAT, "key": key, "view": view.to_data()}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_text(folder / f"config-{key}.json", text)


def write_text(target: Path, text: str) -> None:
    """Write an entry atomically (readable by its owner only); a folder that cannot be
    written is left as it is, and the command goes on without the cache."""
    folder = target.parent
    scratch = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(scratch, target)
        _prune(folder, keep=target)
    except OSError:
        with contextlib.suppress(OSError):
            scratch.unlink(missing_ok=True)


def _prune(folder: Path, *, keep: Path) -> None:
    """At most ``MAX_ENTRIES`` entries: the least recently written go first."""
    found = [*folder.glob("config-*.json"), *folder.glob("help-*.txt")]
    entries = [p for p in found if p != keep]
    if len(entries) < MAX_ENTRIES:
        return
    entries.sort(key=_written)
    for old in entries[: len(entries) - MAX_ENTRIES + 1]:
        old.unlink(missing_ok=True)


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0

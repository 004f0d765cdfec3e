"""Where SocialSeed keeps its caches, and the fingerprint of the code that wrote them.

The folder is ``$SOCIALSEED_CACHE_DIR``, else ``$XDG_CACHE_HOME/socialseed``, else
``~/.cache/socialseed``; ``SOCIALSEED_NO_CACHE=1`` turns every cache off. The fingerprint
changes when SocialSeed's code (each module's size and modification time), pydantic, PyYAML,
typer or Python change, so that an entry written by other code is never read. Its users:
``config.cache`` (validated configs) and ``cli.main`` (the root ``--help`` text). Standard
library only: ``socialseed --help`` loads this and little else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

MAX_ENTRIES = 64  # older entries are removed when a new one is written
_ON = {"1", "true", "yes"}
_DEPENDENCIES = ("pydantic", "pydantic_core", "yaml", "typer")
_fingerprint: str | None = None


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """The cache folder; ``None`` when caches are off or no folder is known."""
    if env.get("SOCIALSEED_NO_CACHE", "").strip().lower() in _ON:
        return None
    if env.get("SOCIALSEED_CACHE_DIR"):
        return Path(env["SOCIALSEED_CACHE_DIR"]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "socialseed"
    if env.get("HOME"):
        return Path(env["HOME"]) / ".cache" / "socialseed"
    return None


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

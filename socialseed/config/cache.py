"""The cache of validated configs: ``validate`` and ``status`` on an unchanged config build no
pydantic model and parse no YAML.

An entry is a ``ConfigView`` (``config.view``) in a JSON file named by its key: the sha256 of
every config file's path and bytes (the files the loader reads, read the same way), and of a
fingerprint of the code that judged them (each ``socialseed`` module's size and modification
time, and those of pydantic and PyYAML, and the Python version), so that an edit to the
config or an upgrade of SocialSeed makes a new key. Only a config that passed is stored: an
invalid one is validated again every time and reported with its file, line and column.

The folder and the code fingerprint are ``cachedir``'s (``SOCIALSEED_NO_CACHE=1`` or
``--no-cache`` turn the cache off). A missing, unreadable or damaged entry is a miss (the config
is validated and the entry written again), and a cache that cannot be written is left alone:
the cache never fails a command. Entries hold no secrets: a config holds none (only
``env/NAME`` references), and the view keeps only names, phases and caps.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from socialseed.cachedir import cache_dir, code_fingerprint, write_text

if TYPE_CHECKING:
    from socialseed.config.view import ConfigView

__all__ = ["cache_dir", "code_fingerprint", "key_of", "read", "write", "write_text"]

FORMAT = 1  # the layout of an entry; a new layout is a new key


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

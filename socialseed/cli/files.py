"""Writing what a command produced (a plan, a report) to a file the user named."""

from __future__ import annotations

from pathlib import Path

from socialseed.errors import SocialSeedError


def write_output(path: Path, text: str, *, what: str, flag: str) -> None:
    """Write ``text`` to ``path`` (folders made as needed); a failure names the path and flag."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SocialSeedError(
            f"cannot write the {what} to {path}: {exc.strerror}",
            hint=f"choose a writable path with {flag}",
        ) from exc

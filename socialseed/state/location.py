"""Where the state lives: a SQLite file (a path) or a PostgreSQL database (a URL).

``--state`` and ``SOCIALSEED_STATE`` (and the config's ``state:``) take either. A URL of a
scheme SocialSeed does not know is refused, never taken as a file path (which would silently
make a SQLite file under a folder named ``mysql:``). A URL's password is never shown: messages
use ``shown``, where it is ``***``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from socialseed.errors import StateError

# a scheme (two letters or more, so that C:/ stays a path) then ':/'; a Path folds '//' into '/'
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (and nothing else changed)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<a URL that cannot be parsed>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


@dataclass(frozen=True)
class StateLocation:
    """A SQLite file (``path``) or a PostgreSQL database (``url``)."""

    path: Path | None = None
    url: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    @property
    def shown(self) -> str:
        """For messages: the path, or the URL without its password."""
        return redact_url(self.url) if self.url is not None else str(self.path)

    @property
    def dsn(self) -> str:
        """The URL to give psycopg (``postgresql+psycopg://`` spelled as libpq spells it)."""
        assert self.url is not None
        scheme, rest = self.url.split(":", 1)
        return ("postgresql" if scheme.lower() in POSTGRES_SCHEMES else scheme) + ":" + rest


def parse_location(value: str, where: str) -> StateLocation:
    """A state given as text: a PostgreSQL URL, a file path, or a clear refusal."""
    text = value.strip()
    match = _URL.match(text)
    if match is None:
        return StateLocation(path=Path(value).expanduser())
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES:
        return StateLocation(url=text)
    if scheme == "file":
        return StateLocation(path=Path(urlsplit(text).path))
    raise StateError(
        f"{where} is a URL ({scheme}://...) of a backend SocialSeed does not know: state is "
        "kept in SQLite (a file path) or PostgreSQL (postgresql://...); nothing was created",
        hint="point --state or SOCIALSEED_STATE at a SQLite file path, for example "
        "~/.local/share/socialseed/state.sqlite, or at postgresql://USER@HOST/DB "
        "(give the password in PGPASSWORD or ~/.pgpass, not in the config)",
    )

"""What a login or a refresh yields: the secret part and the part that may be shown."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from socialseed import redact
from socialseed.clock import iso, parse_instant

SECRET_FIELDS = ("access_token", "refresh_token")


@dataclass(frozen=True)
class Grant:
    """A connected account's credentials. ``extra`` holds further secrets (an app's client
    secret, ...); ``info`` holds non-secret facts (client id, instance, token type)."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    user_id: str = ""
    whoami: str = ""
    obtained_at: datetime | None = None
    last_refresh: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for value in (self.access_token, self.refresh_token, *self.extra.values()):
            redact.register(value)

    def __repr__(self) -> str:  # never show a secret, even in a debugger or a traceback
        return f"Grant(whoami={self.whoami!r}, expires_at={self.expires_at!r}, secrets=[redacted])"

    def expires_within(self, now: datetime, seconds: float) -> bool:
        return self.expires_at is not None and self.expires_at - timedelta(seconds=seconds) <= now

    def secret(self) -> dict[str, Any]:
        """The part that is sealed."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "extra": dict(sorted(self.extra.items())),
        }

    def meta(self) -> dict[str, Any]:
        """The part that may sit in plain sight (``auth status``)."""
        return {
            "whoami": self.whoami,
            "user_id": self.user_id,
            "scopes": list(self.scopes),
            "expires_at": _text(self.expires_at),
            "refresh_expires_at": _text(self.refresh_expires_at),
            "obtained_at": _text(self.obtained_at),
            "last_refresh": _text(self.last_refresh),
            "refreshable": bool(self.refresh_token),
            "info": dict(sorted(self.info.items())),
        }

    @classmethod
    def from_parts(cls, secret: dict[str, Any], meta: dict[str, Any]) -> Grant:
        return cls(
            access_token=str(secret["access_token"]),
            refresh_token=secret.get("refresh_token"),
            expires_at=_when(meta.get("expires_at")),
            refresh_expires_at=_when(meta.get("refresh_expires_at")),
            scopes=tuple(meta.get("scopes") or ()),
            user_id=str(meta.get("user_id") or ""),
            whoami=str(meta.get("whoami") or ""),
            obtained_at=_when(meta.get("obtained_at")),
            last_refresh=_when(meta.get("last_refresh")),
            extra={str(k): str(v) for k, v in (secret.get("extra") or {}).items()},
            info={str(k): str(v) for k, v in (meta.get("info") or {}).items()},
        )

    def refreshed(self, new: Grant, now: datetime) -> Grant:
        """``new`` with what a refresh answer leaves out carried over from this grant."""
        return replace(
            new,
            refresh_token=new.refresh_token or self.refresh_token,
            scopes=new.scopes or self.scopes,
            user_id=new.user_id or self.user_id,
            whoami=new.whoami or self.whoami,
            obtained_at=self.obtained_at,
            last_refresh=now,
            extra={**self.extra, **new.extra},
            info={**self.info, **new.info},
        )


def _text(when: datetime | None) -> str | None:
    return iso(when) if when else None


def _when(text: Any) -> datetime | None:
    return parse_instant(text) if isinstance(text, str) and text else None


def seconds_from(now: datetime, seconds: Any) -> datetime | None:
    """``now + seconds`` for an ``expires_in`` answer; ``None`` when absent or malformed."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return None
    return now + timedelta(seconds=value) if value > 0 else None

"""Which URLs a config may name: tokens and API keys are sent to them.

``https://`` with a real host name (``mastodon.social``, ``pds.example.net``), or a public or
private IP address; ``http://`` only on loopback (127.0.0.0/8, ::1, localhost), which tests
and local peers use. Never another scheme, user:password@ in the URL, or a link-local or
cloud metadata address (169.254.169.254 and friends).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

MAX_URL_CHARS = 2048
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LABEL = re.compile(r"^[a-z][a-z0-9-]*$|^xn--[a-z0-9-]+$")
_METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
    }
)
_METADATA_IPS = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
_Ip = ipaddress.IPv4Address | ipaddress.IPv6Address


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be used, or ``None`` when it may."""
    if len(url) > MAX_URL_CHARS:
        return f"a URL of {len(url)} characters is too long (at most {MAX_URL_CHARS})"
    if any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        return "a URL cannot contain spaces, control characters or backslashes"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number from 0 to 65535)
    except ValueError as exc:
        return f"{url!r} is not a valid URL ({exc})"
    return _scheme_problem(url, parts) or _host_problem(parts)


def _scheme_problem(url: str, parts: SplitResult) -> str | None:
    scheme = parts.scheme.lower()
    if scheme == "https":
        return None
    if scheme == "http":
        if _is_loopback(parts.hostname or ""):
            return None
        return "plain http is allowed only on loopback (127.0.0.1, ::1, localhost); use https://"
    if "://" in url or scheme.isalpha():
        return f"{_cut(scheme)!r} URLs are not allowed; use an https:// URL"
    return f"{_cut(url)!r} is not a URL; write it in full, like https://{_cut(url.lstrip('/'))}"


def _host_problem(parts: SplitResult) -> str | None:
    if parts.username is not None or parts.password is not None:
        return "a URL cannot hold a user name or password (user:password@); remove it"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "the URL has no host name"
    ip = _ip(host)
    if ip is not None:
        return _ip_problem(ip)
    if host in _METADATA_HOSTS:
        return f"{host!r} is a cloud metadata service, not an API server"
    return _name_problem(host)


def _ip(host: str) -> _Ip | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _ip_problem(ip: _Ip) -> str | None:
    mapped = getattr(ip, "ipv4_mapped", None)
    checked = mapped if mapped is not None else ip
    if checked.is_loopback:
        return None
    if checked in _METADATA_IPS or checked.is_link_local:
        return f"{ip} is a link-local or cloud metadata address, not an API server"
    if checked.is_unspecified or checked.is_multicast or checked.is_reserved:
        return f"{ip} is not an address a server can have"
    return None


def _name_problem(host: str) -> str | None:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"{_cut(host)!r} is not a valid host name"
    labels = ascii_host.split(".")
    if ascii_host == "localhost":
        return None
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        return f"{_cut(host)!r} is not a valid host name"
    if len(labels) < 2 or not _TOP_LABEL.match(labels[-1]):
        return f"{_cut(host)!r} is not a full host name (like mastodon.social)"
    return None


def _is_loopback(host: str) -> bool:
    host = host.rstrip(".")
    if host == "localhost":
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def _cut(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."

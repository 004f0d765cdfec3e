"""A generated corpus of hostile configs, built by code from one valid base config.

Each ``Case`` knows how to write itself under a folder and returns the path to pass to
``-c``, the file the error must name, and where in that file the error must point
(``Where``): an exact line and column, or "some alias", "some bracket", "any line".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- the valid base, as raw YAML scalars (each written as is) ----------------------------

BASE: dict[str, Any] = {
    "version": "1",
    "accounts": [
        {
            "id": "masto",
            "platform": "mastodon",
            "handle": "studio",
            "phases": "std",
            "targeting": ["films"],
            "start_date": "2026-11-20",
            "instance": "https://mastodon.example",
        },
        {
            "id": "bsky",
            "platform": "bluesky",
            "handle": "studio.example.com",
            "phases": "std",
            "credentials": "env/BSKY_APP_PASSWORD",
            "service": "https://pds.example.net",
        },
    ],
    "phases": {
        "std": [
            {
                "name": "warmup",
                "days": "14",
                "daily": {"follow": "15", "like": "40"},
                "hourly": {"follow": "4", "like": "10"},
            },
            {"name": "grow", "daily": {"follow": "60"}},
        ]
    },
    "targeting": {
        "films": {
            "description": "People who shoot film.",
            "keywords": ["film", "analog"],
            "sources": [{"hashtag": "filmphotography", "limit": "200"}],
            "filters": {
                "followers": {"min": "20", "max": "20000"},
                "following": {"min": "0", "max": "5000"},
                "ratio": {"min": "0.1", "max": "3.0"},
                "min_posts": "5",
                "active_within_days": "30",
            },
            "actions": {
                "follow": "true",
                "like_recent": "1",
                "repost_recent": "0",
                "unfollow_non_followers_after_days": "14",
            },
            "scoring": {
                "provider": "heuristic",
                "min_authenticity": "0.55",
                "min_relevance": "0.1",
            },
        }
    },
    "policy": {
        "approval_ttl": "24h",
        "plan_ttl": "24h",
        "lock_ttl": "2h",
        "max_failure_ratio": "0.5",
        "thresholds": {
            "max_unfollow_pct_of_following": "5",
            "max_actions_per_plan": "500",
            "max_shrink_pct": "20",
        },
    },
    "scoring": {
        "providers": {
            "gpt": {
                "kind": "openai",
                "model": "gpt-4o-mini",
                "api_key": "env/OPENAI_API_KEY",
                "base_url": "https://api.openai.example/v1",
                "timeout": "30",
                "concurrency": "2",
                "price_in_per_mtok": "0.15",
                "price_out_per_mtok": "0.6",
                "temperature": "0.2",
            }
        },
        "fallback": ["gpt", "heuristic"],
        "max_cost_usd": "1.5",
        "batch_size": "10",
        "recent_posts": "3",
        "send_fields": ["handle", "bio"],
    },
    "sandbox": {
        "seed": "42",
        "size": "5000",
        "latency_ms": "0",
        "limits": {"per_window": "50", "window_minutes": "15", "daily": "1000"},
    },
}

Path_ = tuple[str | int, ...]

INT_FIELDS: list[Path_] = [
    ("version",),
    ("phases", "std", 0, "days"),
    ("phases", "std", 0, "daily", "follow"),
    ("phases", "std", 0, "daily", "like"),
    ("phases", "std", 0, "hourly", "follow"),
    ("phases", "std", 0, "hourly", "like"),
    ("phases", "std", 1, "daily", "follow"),
    ("targeting", "films", "sources", 0, "limit"),
    ("targeting", "films", "filters", "min_posts"),
    ("targeting", "films", "filters", "active_within_days"),
    ("targeting", "films", "actions", "like_recent"),
    ("targeting", "films", "actions", "repost_recent"),
    ("targeting", "films", "actions", "unfollow_non_followers_after_days"),
    ("policy", "thresholds", "max_actions_per_plan"),
    ("scoring", "providers", "gpt", "concurrency"),
    ("scoring", "batch_size"),
    ("scoring", "recent_posts"),
    ("sandbox", "seed"),
    ("sandbox", "size"),
    ("sandbox", "latency_ms"),
    ("sandbox", "limits", "per_window"),
    ("sandbox", "limits", "window_minutes"),
    ("sandbox", "limits", "daily"),
]
FLOAT_FIELDS: list[Path_] = [
    ("targeting", "films", "filters", "followers", "min"),
    ("targeting", "films", "filters", "followers", "max"),
    ("targeting", "films", "filters", "following", "min"),
    ("targeting", "films", "filters", "following", "max"),
    ("targeting", "films", "filters", "ratio", "min"),
    ("targeting", "films", "filters", "ratio", "max"),
    ("targeting", "films", "scoring", "min_authenticity"),
    ("targeting", "films", "scoring", "min_relevance"),
    ("policy", "max_failure_ratio"),
    ("policy", "thresholds", "max_unfollow_pct_of_following"),
    ("policy", "thresholds", "max_shrink_pct"),
    ("scoring", "providers", "gpt", "timeout"),
    ("scoring", "providers", "gpt", "price_in_per_mtok"),
    ("scoring", "providers", "gpt", "price_out_per_mtok"),
    ("scoring", "providers", "gpt", "temperature"),
    ("scoring", "max_cost_usd"),
]
NUMBER_VARIANTS = {
    "bool": "true",
    "false": "false",
    "negative": "-20",
    "huge": "99999999999999999999999",
    "word": "'many'",
    "quoted": "'5'",
}
FLOAT_VARIANTS = {"inf": ".inf", "nan": ".nan", "overflow": "1.0e999"}
URL_FIELDS: list[Path_] = [
    ("accounts", 0, "instance"),
    ("accounts", 1, "service"),
    ("scoring", "providers", "gpt", "base_url"),
]
BAD_URLS = [
    "javascript:alert(1)",
    "http://169.254.169.254/",
    "https://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "http://mastodon.example",
    "http://10.0.0.1/",
    "ftp://files.example.com/",
    "gopher://x.example.com/",
    "data:text/plain,hi",
    "https://user:secret@mastodon.example/",
    "https://[fe80::1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://0xa9.0xfe.0xa9.0xfe/",
    "https://2852039166/",
    "https://0.0.0.0/",
    "https:///no-host",
    "https://mastodon/",
    "https://exa mple.com/",
    "https://example.com:99999/",
    "mastodon.social",
    "//mastodon.example",
    "https://" + "a" * 3000 + ".example",
]
GOOD_URLS = [
    "https://mastodon.social",
    "https://pds.example.net/",
    "http://127.0.0.1:8080/v1",
    "http://127.5.6.7/",
    "http://localhost:3000",
    "http://[::1]:8000/",
    "https://10.1.2.3/",
    "https://bücher.example/",
]
TAGGED = [
    "!!int abc",
    "!!float x",
    "!!timestamp nope",
    "!!bool maybe",
    "!!binary aGVsbG8=",
    "!!python/object:os.system x",
    "!custom x",
    "!!set {a: null}",
    "!!omap [a: 1]",
    "!!pairs [a: 1]",
    "!!timestamp 2026-02-30",
    "!!int 0x",
]
TAG_FIELDS: list[Path_] = [
    ("accounts", 0, "handle"),
    ("phases", "std", 0, "days"),
    ("targeting", "films", "keywords", 0),
]
BAD_DATES = [
    "2026-02-30",
    "0000-01-01",
    "2026-13-01",
    "2026-00-10",
    "2025-02-29",
    "9999-12-31",
    "1900-01-01",
    "2026-01-01 25:00:00",
    "'2026-02-30'",
]
BAD_VALUES: dict[str, tuple[Path_, str]] = {
    "approval_ttl_0h": (("policy", "approval_ttl"), "0h"),
    "approval_ttl_0s": (("policy", "approval_ttl"), "0s"),
    "plan_ttl_0m": (("policy", "plan_ttl"), "0m"),
    "lock_ttl_0d": (("policy", "lock_ttl"), "0d"),
    "ttl_huge": (("policy", "approval_ttl"), "99999999999999d"),
    "ttl_century_plus": (("policy", "approval_ttl"), "36501d"),
    "days_10e21": (("phases", "std", 0, "days"), "1000000000000000000000"),
    "days_caret": (("phases", "std", 0, "days"), "10^21"),
    "daily_huge": (("phases", "std", 0, "daily", "follow"), "99999999999999999999999"),
    "followers_negative": (("targeting", "films", "filters", "followers", "min"), "-20"),
    "fallback_unknown": (("scoring", "fallback", 0), "nosuch"),
    "fallback_typo": (("scoring", "fallback", 1), "heuristc"),
    "fallback_auto": (("scoring", "fallback", 0), "auto"),
    "provider_unknown": (("targeting", "films", "scoring", "provider"), "gpt5"),
    "send_password": (("scoring", "send_fields", 0), "password"),
    "send_email": (("scoring", "send_fields", 1), "email"),
    "handle_254": (("accounts", 0, "handle"), "h" * 254),
    "handle_900k": (("accounts", 0, "handle"), "h" * 900_000),
    "description_5k": (("targeting", "films", "description"), "d" * 5000),
    "keyword_300": (("targeting", "films", "keywords", 0), "k" * 300),
    "phases_ref_65": (("accounts", 0, "phases"), "p" * 65),
    "client_id_300": (("accounts", 1, "client_id"), "c" * 300),
    "model_900k": (("scoring", "providers", "gpt", "model"), "m" * 900_000),
    "number_100k_digits": (("version",), "9" * 100_000),
    "number_neg_100k": (("phases", "std", 0, "days"), "-" + "9" * 100_000),
    "hex_long": (("sandbox", "seed"), "0x" + "f" * 100),
    "sexagesimal_huge": (("sandbox", "size"), ":".join(["59"] * 21)),
    "float_long": (("policy", "max_failure_ratio"), "0." + "1" * 100),
    "version_2": (("version",), "2"),
    "version_float": (("version",), "1.5"),
    "binary_handle": (("accounts", 0, "handle"), "!!binary aGVsbG8="),
}


# --- emitting YAML with the position of every scalar ------------------------------------


def emit(data: Any) -> tuple[str, dict[Path_, tuple[int, int]]]:
    """Block-style YAML, one scalar per line, and the 1-based (line, column) of each scalar."""
    lines: list[str] = []
    where: dict[Path_, tuple[int, int]] = {}
    _emit(data, 0, (), lines, where)
    return "\n".join(lines) + "\n", where


def _emit(
    value: Any, indent: int, path: Path_, lines: list[str], where: dict[Path_, tuple[int, int]]
) -> None:
    pad = " " * indent
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        head = f"{pad}{key}:" if isinstance(value, dict) else f"{pad}-"
        if isinstance(item, dict | list):
            lines.append(head)
            _emit(item, indent + 2, (*path, key), lines, where)
        else:
            lines.append(f"{head} {item}")
            where[(*path, key)] = (len(lines), len(head) + 2)


def replaced(path: Path_, raw: str) -> dict[str, Any]:
    """A copy of BASE with the scalar at ``path`` replaced by the raw YAML ``raw``."""
    data = _copy(BASE)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = raw
    return data


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# --- cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where the error must point: exactly (line, column), or a kind of place."""

    line: int = 0
    column: int = 0
    char: str = ""  # the character found there ("*" for an alias, "[" ...); "" for any
    inside: bool = True  # False: the problem is the file itself (no line and column)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], tuple[Path, Path, Where]]  # folder -> (-c path, file named, where)
    words: str = ""  # text the message must contain


def _text_case(name: str, text: str | bytes, where: Where, words: str = "") -> Case:
    def build(folder: Path) -> tuple[Path, Path, Where]:
        path = folder / "socialseed.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path, path, where

    return Case(name, build, words)


def _field_case(name: str, path: Path_, raw: str, words: str = "") -> Case:
    text, where = emit(replaced(path, raw))
    line, column = where[path]
    return _text_case(name, text, Where(line, column), words or dotted(path))


def base_text() -> str:
    return emit(BASE)[0]


def number_cases() -> Iterator[Case]:
    for path in INT_FIELDS + FLOAT_FIELDS:
        variants = dict(NUMBER_VARIANTS)
        if path == ("sandbox", "seed"):
            del variants["negative"]  # any integer is a seed
        if path in FLOAT_FIELDS:
            variants.update(FLOAT_VARIANTS)
        for label, raw in variants.items():
            yield _field_case(f"number-{dotted(path)}-{label}", path, raw)


def url_cases() -> Iterator[Case]:
    for path in URL_FIELDS:
        for i, url in enumerate(BAD_URLS):
            yield _field_case(f"url-{dotted(path)}-{i}", path, f"'{url}'")


def tag_cases() -> Iterator[Case]:
    for path in TAG_FIELDS:
        for i, tagged in enumerate(TAGGED):
            yield _field_case(f"tag-{dotted(path)}-{i}", path, tagged, words="tag")


def date_cases() -> Iterator[Case]:
    for i, raw in enumerate(BAD_DATES):
        yield _field_case(f"date-{i}", ("accounts", 0, "start_date"), raw)


def value_cases() -> Iterator[Case]:
    for name, (path, raw) in BAD_VALUES.items():
        yield _field_case(f"value-{name}", path, raw)


def _laughs(levels: int, width: int, where: str) -> str:
    """The billion laughs: ``levels`` anchors, each ``width`` aliases of the one before."""
    items = ["&l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        items.append(f"&l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    if where == "keywords":  # the whole bomb inside one keywords list
        flow = "[" + ", ".join(items) + "]"
        return base_text().replace("    keywords:\n", f"    keywords: {flow}\n    x:\n")
    return "".join(f"l{i}: {item}\n" for i, item in enumerate(items)) + f"boom: *l{levels - 1}\n"


def alias_cases() -> Iterator[Case]:
    alias = Where(char="*")
    shapes = {
        "laughs-9x10": _laughs(9, 10, "top"),
        "laughs-12x5": _laughs(12, 5, "top"),
        "laughs-keywords": _laughs(9, 10, "keywords"),
        "doubling-40": "a0: &a0 [x, x]\n"
        + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 40)),
        "wide": "big: &big ["
        + ", ".join(["w"] * 5000)
        + "]\n"
        + "".join(f"k{i}: *big\n" for i in range(100)),
        "mapping-bomb": "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n"
        + "".join(
            f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(8)) + "}\n"
            for i in range(1, 10)
        ),
        "scalar-flood": "s: &s x\nlist: [" + ", ".join(["*s"] * 150_000) + "]\n",
        "recursive-list": "a: &a [*a]\n",
        "recursive-map": "a: &a {b: *a}\n",
        "recursive-deep": "a: &a [[[{b: [*a]}]]]\n",
        "undefined": "version: 1\naccounts: *nothing\n",
        "alias-deeper": "a: &a " + "[" * 60 + "]" * 60 + "\nb: [[[[[[*a]]]]]]\n",
    }
    for name, text in shapes.items():
        yield _text_case(f"alias-{name}", text, alias)
    yield _text_case("alias-key-mapping", "a: &a {x: 1}\n? *a\n: 2\n", Where(2, 3, "*"))


def nesting_cases() -> Iterator[Case]:
    bracket = Where(char="[")
    for depth in (65, 100, 999, 1001, 5000, 200_000):
        yield _text_case(f"deep-flow-{depth}", "a: " + "[" * depth + "]" * depth + "\n", bracket)
    for depth in (65, 300):
        yield _text_case(
            f"deep-map-{depth}", "a: " + "{a: " * depth + "1" + "}" * depth + "\n", Where(char="{")
        )
    for depth in (65, 500):
        text = "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "k: 1\n"
        yield _text_case(f"deep-block-{depth}", text, Where(char="k"))
    text = "".join(" " * i + "-\n" for i in range(200))
    yield _text_case("deep-block-list", text, Where(char="-"))


def byte_cases() -> Iterator[Case]:
    text = base_text().encode()
    lines = text.split(b"\n")
    for bad_name, bad in (
        ("ff", b"\xff"),
        ("cut", b"\xc3"),
        ("surrogate", b"\xed\xa0\x80"),
        ("overlong", b"\xc0\xaf"),
    ):
        for line in (1, len(lines) // 2, len(lines) - 1):
            row = lines[line - 1]
            column = min(5, len(row)) + 1
            changed = [*lines]
            changed[line - 1] = row[: column - 1] + bad + row[column - 1 :]
            yield _text_case(
                f"bytes-{bad_name}-line{line}",
                b"\n".join(changed),
                Where(line, column),
                "not UTF-8",
            )
    for bad_name, bad in (("nul", "\x00"), ("bell", "\x07"), ("escape", "\x1b")):
        body = base_text()
        cut = body.index("studio.example.com")
        line = body.count("\n", 0, cut) + 1
        column = cut - body.rfind("\n", 0, cut)
        yield _text_case(f"control-{bad_name}", body[:cut] + bad + body[cut:], Where(line, column))
    yield _text_case("bytes-utf16", base_text().encode("utf-16"), Where(1, 1), "not UTF-8")


def shape_cases() -> Iterator[Case]:
    base = base_text()
    anywhere = Where()
    yield _text_case("shape-empty", "", Where(1, 1), "empty")
    yield _text_case("shape-comment-only", "# nothing\n", Where(1, 1), "empty")
    yield _text_case("shape-null", "~\n", Where(1, 1), "top level")
    yield _text_case("shape-list", "- a\n- b\n", Where(1, 1), "top level")
    yield _text_case(
        "shape-two-documents",
        base + "---\nversion: 1\n",
        Where(base.count("\n") + 1, 1),
        "document",
    )
    yield _text_case("shape-merge-key", base + "x: &x {a: 1}\ny:\n  <<: *x\n", anywhere, "merge")
    yield _text_case("shape-complex-key", "? [a, b]\n: 1\n", Where(1, 3), "key")
    yield _text_case(
        "shape-duplicate", base + "version: 1\n", Where(base.count("\n") + 1, 1), "duplicate"
    )
    yield _text_case("shape-long-key", "k" * 300 + ": 1\n", Where(1, 1), "key")
    yield _text_case("shape-tabs", "version: 1\naccounts:\n\t- id: a\n", anywhere, "tab")
    yield _text_case("shape-unclosed", "accounts: [a, b\n", anywhere, "YAML syntax error")
    yield _text_case("shape-2mb", "# " + "x" * 2_000_000 + "\n", Where(1, 1), "limited to 1 MB")


def file_cases() -> Iterator[Case]:
    """Non-regular files, as the -c path and inside a config folder."""
    makers: dict[str, Callable[[Path], None]] = {
        "fifo": lambda p: os.mkfifo(p),
        "dev-zero": lambda p: p.symlink_to("/dev/zero"),
        "dev-urandom": lambda p: p.symlink_to("/dev/urandom"),
        "root": lambda p: p.symlink_to("/"),
        "broken-link": lambda p: p.symlink_to(p.parent / "missing.yaml"),
        "link-loop": _loop,
        "folder": lambda p: p.mkdir(),
    }
    for name, make in makers.items():
        yield Case(f"file-{name}-in-folder", _in_folder(make))
        if name not in {"root", "folder"}:  # as -c, a folder is a config folder
            yield Case(f"file-{name}-as-path", _as_path(make))
    yield Case("file-empty-folder", _empty_folder, "no *.yaml")
    yield Case("file-package-folder", _package_folder, "Python package")


def _loop(path: Path) -> None:
    other = path.with_name(path.stem + "2.yaml")  # sorts after path
    path.symlink_to(other)
    other.symlink_to(path)


def _in_folder(make: Callable[[Path], None]) -> Callable[[Path], tuple[Path, Path, Where]]:
    def build(folder: Path) -> tuple[Path, Path, Where]:
        (folder / "a.yaml").write_text(base_text())
        bad = folder / "zz.yaml"
        make(bad)
        return folder, bad, Where(inside=False)

    return build


def _as_path(make: Callable[[Path], None]) -> Callable[[Path], tuple[Path, Path, Where]]:
    def build(folder: Path) -> tuple[Path, Path, Where]:
        bad = folder / "config.yaml"
        make(bad)
        return bad, bad, Where(inside=False)

    return build


def _empty_folder(folder: Path) -> tuple[Path, Path, Where]:
    (folder / "notes.txt").write_text("no config here")
    return folder, folder, Where(inside=False)


def _package_folder(folder: Path) -> tuple[Path, Path, Where]:
    (folder / "__init__.py").write_text("")
    return folder, folder, Where(inside=False)


def all_cases() -> list[Case]:
    groups = (
        number_cases,
        url_cases,
        tag_cases,
        date_cases,
        value_cases,
        alias_cases,
        nesting_cases,
        byte_cases,
        shape_cases,
        file_cases,
    )
    cases = [case for group in groups for case in group()]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases

"""Generate a world from a seed: accounts, hashtags and the base follow graph.

Everything comes from one ``random.Random(seed)`` drawn in a fixed order and is written in
one transaction, so the same seed, size and anchor day give a byte-identical file.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from socialseed.errors import StateError
from socialseed.platforms.sandbox import words
from socialseed.platforms.sandbox.schema import DDL, FORMAT
from socialseed.platforms.sandbox.users import BOT, HUB, INSERT_USER, PERSON, User

DAY = 86400
_MEMO: dict[tuple[int, int, int, str], bytes] = {}


@dataclass(frozen=True)
class WorldSpec:
    seed: int
    size: int
    anchor_ts: int  # midnight UTC of the day the world was made
    followback: str = "standard"  # the follow-back drivers (sandbox/followback.py)

    @classmethod
    def at(cls, seed: int, size: int, now: datetime, followback: str = "standard") -> WorldSpec:
        return cls(seed, size, int(now.timestamp()) // DAY * DAY, followback)


def generate(path: Path, spec: WorldSpec, *, use_memo: bool = True) -> None:
    """Write a fresh world to ``path`` (atomically replacing any old one)."""
    key = (spec.seed, spec.size, spec.anchor_ts, spec.followback)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "it is a directory", str(path))
        if not use_memo or key not in _MEMO:
            _MEMO[key] = _build_bytes(path, spec)
        _install(path, _MEMO[key])
    except OSError as exc:
        raise StateError(
            f"sandbox world {path} cannot be written: {exc.strerror or exc}",
            hint="point SOCIALSEED_SANDBOX (or --state) at a file in a writable folder",
        ) from exc


def _build_bytes(path: Path, spec: WorldSpec) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.build")
    tmp.unlink(missing_ok=True)
    try:
        _write(tmp, spec)
        return tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)


def _install(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)


def _write(tmp: Path, spec: WorldSpec) -> None:
    users = list(_users(spec))
    edges = _edges(spec, users)
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MB while building (the file's own: default)
        conn.execute("BEGIN")
        tables, indexes = _ddl_parts()
        for statement in tables:
            conn.execute(statement)
        meta = {"format": FORMAT, "seed": str(spec.seed), "size": str(spec.size)}
        meta["anchor_ts"] = str(spec.anchor_ts)
        if spec.followback != "standard":  # standard worlds stay byte-identical to before
            meta["followback"] = spec.followback
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.executemany(INSERT_USER, [u.row() for u in users])
        tag_rows = sorted({(t, u.id) for u in users for t in u.tag_list})
        conn.executemany("INSERT INTO tags VALUES (?, ?)", tag_rows)
        conn.executemany("INSERT INTO edges VALUES (?, ?, ?)", edges)
        for statement in indexes:  # built once over the loaded rows, not row by row
            conn.execute(statement)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _ddl_parts() -> tuple[list[str], list[str]]:
    """The schema's statements: tables first, then secondary indexes."""
    statements = [s.strip() for s in DDL.split(";") if s.strip()]
    indexes = [s for s in statements if s.upper().startswith("CREATE INDEX")]
    return [s for s in statements if s not in indexes], indexes


def _users(spec: WorldSpec) -> Iterator[User]:
    rng = random.Random(spec.seed)
    taken: set[str] = set()
    for number, topic in enumerate(words.TOPICS, start=1):
        taken.add(topic.hub)
        yield _hub(number, topic, spec, rng)
    for number in range(len(words.TOPICS) + 1, spec.size + 1):
        if rng.random() < 0.15:
            yield _bot(number, spec, rng, taken)
        else:
            yield _person(number, spec, rng, taken)


def _uid(number: int) -> str:
    return f"u{number:06d}"


def _hub(number: int, topic: words.Topic, spec: WorldSpec, rng: random.Random) -> User:
    return User(
        id=_uid(number),
        handle=topic.hub,
        name=topic.hub_name,
        bio=f"A community for {topic.roles[0].lower()}s. Share your work with #{topic.tags[0]}",
        kind=HUB,
        topic=topic.name,
        tags=" ".join(topic.tags),
        followers=rng.randint(20_000, 90_000),
        following=rng.randint(150, 600),
        posts=rng.randint(2_000, 9_000),
        hide_followers=0,
        has_avatar=1,
        language="en",
        created_ts=spec.anchor_ts - rng.randint(1500, 3000) * DAY,
        quiet_ts=None,
        rate=2.5,
        opted_out=0,
    )


def _person(number: int, spec: WorldSpec, rng: random.Random, taken: set[str]) -> User:
    topic = _choose_topic(rng)
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    followers = min(250_000, int(rng.lognormvariate(4.8, 1.4)))
    opted_out = rng.random() < 0.024
    bio, tags = _person_bio(topic, rng)
    return User(
        id=_uid(number),
        handle=_unique(_handle_style(first, last, topic, rng), rng, taken),
        name=f"{first.title()} {last.title()}",
        bio=f"{bio} {words.OPT_OUT_MARKER}" if opted_out else bio,
        kind=PERSON,
        topic=topic.name if topic else "",
        tags=" ".join(tags),
        followers=followers,
        following=min(7_500, int(rng.lognormvariate(5.2, 0.8))),
        posts=int(rng.lognormvariate(5.0, 1.2)),
        hide_followers=int(rng.random() < 0.03),
        has_avatar=int(rng.random() < 0.93),
        language=_language(rng),
        created_ts=spec.anchor_ts - rng.randint(60, 4000) * DAY,
        quiet_ts=spec.anchor_ts - rng.randint(31, 400) * DAY if rng.random() < 0.18 else None,
        rate=min(6.0, rng.lognormvariate(-1.0, 0.9)),
        opted_out=int(opted_out),
    )


def _handle_style(first: str, last: str, topic: words.Topic | None, rng: random.Random) -> str:
    flavour = topic.name if topic else rng.choice(("home", "daily", "notes"))
    styles = (f"{first}.{last}", f"{first}{last}", f"{first}_{last}", f"{last}.{first}")
    return rng.choice((*styles, f"{first}.{flavour}", f"{first}{last[0]}.{flavour}"))


def _person_bio(topic: words.Topic | None, rng: random.Random) -> tuple[str, list[str]]:
    if topic is None:
        tags = rng.sample(words.GENERAL_TAGS, rng.randint(1, 2))
        return rng.choice(words.GENERAL_BIOS), tags
    tags = [topic.tags[0]] if rng.random() < 0.85 else []
    tags += [t for t in rng.sample(topic.tags[1:], rng.randint(1, 3)) if t not in tags]
    bio = f"{rng.choice(topic.roles)}, {rng.choice(topic.bio_phrases)}."
    if rng.random() < 0.5:
        bio += " " + " ".join(f"#{t}" for t in tags[:2])
    return bio, tags


def _bot(number: int, spec: WorldSpec, rng: random.Random, taken: set[str]) -> User:
    tags = rng.sample(words.BOT_TAGS, 2)
    topic = rng.choice(words.TOPICS) if rng.random() < 0.5 else None
    if topic is not None:
        tags = [topic.tags[0], rng.choice(topic.tags[1:]), *tags]
    base = f"{rng.choice(words.BOT_WORDS)}{rng.choice(words.BOT_WORDS)}{rng.randint(10, 9999)}"
    return User(
        id=_uid(number),
        handle=_unique(base, rng, taken),
        name=base.upper() if rng.random() < 0.5 else base,
        bio=rng.choice(words.BOT_BIOS),
        kind=BOT,
        topic="",
        tags=" ".join(tags),
        followers=rng.randint(0, 150),
        following=rng.randint(1_500, 7_500),
        posts=rng.choice((rng.randint(0, 30), rng.randint(200, 3_000))),
        hide_followers=0,
        has_avatar=int(rng.random() < 0.2),
        language="en",
        created_ts=spec.anchor_ts - rng.randint(3, 200) * DAY,
        quiet_ts=None,
        rate=0.0,
        opted_out=0,
    )


def _choose_topic(rng: random.Random) -> words.Topic | None:
    roll = rng.random()
    for topic in words.TOPICS:
        if roll < topic.weight:
            return topic
        roll -= topic.weight
    return None


def _language(rng: random.Random) -> str:
    roll = rng.random()
    for code, share in words.LANGUAGES:
        if roll < share:
            return code
        roll -= share
    return "en"


def _unique(base: str, rng: random.Random, taken: set[str]) -> str:
    handle = base
    while handle in taken:
        handle = f"{base}{rng.randint(2, 999)}"
    taken.add(handle)
    return handle


def _edges(spec: WorldSpec, users: list[User]) -> list[tuple[str, str, int]]:
    """The base follow graph, sorted by (src, dst). Accounts are handled by number (ids are
    ``u`` and six digits, so numbers sort as ids do); each edge's time is drawn in that order."""
    rng = random.Random(f"{spec.seed}:edges")
    number = {u.id: n for n, u in enumerate(users, start=1)}
    hubs = {u.topic: number[u.id] for u in users if u.kind == HUB}
    by_topic: dict[str, list[int]] = {}
    for user in users:
        if user.kind == PERSON:
            by_topic.setdefault(user.topic, []).append(number[user.id])
    everyone = list(range(1, len(users) + 1))
    width = len(users) + 1
    pairs: set[int] = set()
    for n, user in enumerate(users, start=1):
        pairs.update(n * width + dst for dst in _follows_of(user, n, hubs, by_topic, everyone, rng))
    ids = ["", *(u.id for u in users)]
    day = spec.anchor_ts
    return [
        (ids[pair // width], ids[pair % width], day - rng.randint(1, 365) * DAY)
        for pair in sorted(pairs)
    ]


def _follows_of(
    user: User,
    number: int,
    hubs: dict[str, int],
    by_topic: dict[str, list[int]],
    everyone: list[int],
    rng: random.Random,
) -> set[int]:
    if user.kind == BOT:
        return set(rng.sample(everyone, rng.randint(5, 30))) - {number}
    peers = by_topic.get(user.topic, everyone)
    chosen: set[int] = set()
    if user.kind == HUB:
        chosen.update(rng.sample(peers, min(len(peers), rng.randint(5, 20))))
    elif user.topic and rng.random() < 0.7:
        chosen.add(hubs[user.topic])
    chosen.update(rng.sample(peers, min(len(peers), rng.randint(2, 12))))
    chosen.update(rng.sample(everyone, rng.randint(0, 4)))
    chosen.discard(number)
    return chosen

"""The world file's tables. The static part (users, edges, tags) is written once by
``generate``; the rest records what managed accounts did, one SQLite transaction per write.
Edges and tags are stored in their key's order (``WITHOUT ROWID``: one b-tree, not two);
worlds made before that read the same.
"""

from __future__ import annotations

FORMAT = "1"

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio TEXT NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    tags TEXT NOT NULL,
    followers INTEGER NOT NULL,
    following INTEGER NOT NULL,
    posts INTEGER NOT NULL,
    hide_followers INTEGER NOT NULL,
    has_avatar INTEGER NOT NULL,
    language TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    quiet_ts INTEGER,
    rate REAL NOT NULL,
    opted_out INTEGER NOT NULL
);
CREATE TABLE tags (tag TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (tag, user_id))
    WITHOUT ROWID;
CREATE TABLE edges (
    src TEXT NOT NULL, dst TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (src, dst)
) WITHOUT ROWID;
CREATE INDEX edges_dst ON edges (dst, src);
CREATE TABLE followbacks (
    src TEXT NOT NULL, dst TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY (src, dst)
);
CREATE INDEX followbacks_dst ON followbacks (dst, ts);
CREATE TABLE likes (actor TEXT NOT NULL, post_id TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (actor, post_id));
CREATE TABLE reposts (actor TEXT NOT NULL, post_id TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (actor, post_id));
CREATE TABLE replies (
    id TEXT PRIMARY KEY, actor TEXT NOT NULL, post_id TEXT NOT NULL, text TEXT NOT NULL,
    ts INTEGER NOT NULL, idem_key TEXT NOT NULL, UNIQUE (actor, idem_key)
);
CREATE INDEX replies_post ON replies (actor, post_id);
CREATE TABLE mutes (actor TEXT NOT NULL, target TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (actor, target));
CREATE TABLE hidden (actor TEXT NOT NULL, comment_id TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (actor, comment_id));
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    actor TEXT NOT NULL,
    verb TEXT NOT NULL,
    target TEXT NOT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX events_actor ON events (actor, verb, ts);
CREATE TABLE faults (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL,
    since_ts INTEGER NOT NULL);
"""

USER_COLUMNS = (
    "id",
    "handle",
    "name",
    "bio",
    "kind",
    "topic",
    "tags",
    "followers",
    "following",
    "posts",
    "hide_followers",
    "has_avatar",
    "language",
    "created_ts",
    "quiet_ts",
    "rate",
    "opted_out",
)

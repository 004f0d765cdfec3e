"""SocialSeed's SQLite statements as PostgreSQL runs them (state/pg/dialect.py), exactly."""

from __future__ import annotations

import pytest

from socialseed.plan.filters import _match, posix_regex
from socialseed.state.pg.dialect import translate

KEYS = {"locks": ["account"], "candidate_scores": ["candidate"], "scores": ["key"]}
COLUMNS = {"relationships": ["account", "target_id", "origin", "unfollowed_at", "request_id"]}


def pg(sql: str, regexes: dict[str, str] | None = None) -> str:
    return translate(sql, lambda t: KEYS[t], regexes, lambda t: COLUMNS.get(t, []))


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("select * from t where a = ? and b like ?", "select * from t where a = %s and b ilike %s"),
        (
            "select :_targeting, c.x from c where c.account = :_account",
            "select %(_targeting)s, c.x from c where c.account = %(_account)s",
        ),
        ("select '50%', x % 2 from t where y = '?'", "select '50%%', x %% 2 from t where y = '?'"),
        ("select a::text from t", "select a::text from t"),
        (
            "insert or ignore into followers_seen (account, follower_id) values (?, ?)",
            "insert into followers_seen (account, follower_id) values (%s, %s) "
            "on conflict do nothing",
        ),
        (
            "insert or replace into locks (account, owner, pid) values (?, ?, ?)",
            "insert into locks (account, owner, pid) values (%s, %s, %s) on conflict (account) "
            'do update set "owner" = excluded."owner", "pid" = excluded."pid"',
        ),
        (
            "select json_extract(detail, '$.cause'), count(*) from audit group by 1",
            "select ((detail)::jsonb #>> '{cause}'), count(*) from audit group by 1",
        ),
        (
            "select 1 from a where json_extract(a.data, '$.target.id') = ?",
            "select 1 from a where ((a.data)::jsonb #>> '{target,id}') = %s",
        ),
        (
            "select json_extract(data, '$.recent_posts[1].text') from c",
            "select ((data)::jsonb #>> '{recent_posts,1,text}') from c",
        ),
        ("select instr(c.bio_lower, ?) > 0 from c", "select strpos(c.bio_lower, %s) > 0 from c"),
        ("delete from temp.plan_relationships", "delete from pg_temp.plan_relationships"),
        (
            "insert into relationships (account, target_id, origin) values (?, ?, ?) "
            "on conflict (account, target_id) do update set origin = case when unfollowed_at "
            "is null then origin else excluded.origin end, unfollowed_at = null",
            "insert into relationships (account, target_id, origin) values (%s, %s, %s) "
            "on conflict (account, target_id) do update set origin = case when "
            "relationships.unfollowed_at is null then relationships.origin else excluded.origin "
            "end, unfollowed_at = null",
        ),
    ],
)
def test_each_rewrite(sqlite: str, postgres: str) -> None:
    assert pg(sqlite) == postgres


def test_a_python_function_with_a_regex_becomes_a_match() -> None:
    sql = "select case when socialseed_match_3(c.handle) then 'blocklist' end from c"
    assert pg(sql, {"socialseed_match_3": "^(spam.*)$"}) == (
        "select case when (lower(ltrim(c.handle, '@')) ~ '^(spam.*)$') then 'blocklist' end from c"
    )


@pytest.mark.parametrize(
    "handle", ["spammer", "@Spam.bot", "giveaways_daily", "a.b7x", "a.b7y", "nice", "xspam"]
)
def test_the_handle_regex_matches_what_python_matches(handle: str) -> None:
    import re

    patterns = ["spam*", "*giveaway*", "a.b?[!y]"]
    regex = posix_regex(patterns)
    assert bool(re.match(regex, handle.lower().lstrip("@"))) == bool(_match(handle, patterns))

"""SocialSeed's SQLite statements, rewritten for PostgreSQL.

SocialSeed writes its SQL once, in SQLite's dialect. Most of it is standard; this module
rewrites the rest, a statement at a time (each distinct statement once, then from a cache):

- placeholders: ``?`` becomes ``%s``, ``:name`` becomes ``%(name)s``, a literal ``%`` is doubled;
- ``insert or ignore`` becomes ``... on conflict do nothing``; ``insert or replace`` becomes
  ``... on conflict (primary key) do update`` (the key is asked of the table);
- ``json_extract(doc, '$.a.b')`` becomes ``(doc)::jsonb #>> '{a,b}'`` (text, as SQLite compares it;
  an array index ``$.a[0].b`` becomes ``'{a,0,b}'``);
- ``instr(a, b)`` becomes ``strpos(a, b)``; ``like`` becomes ``ilike`` (SQLite's ``like`` ignores
  case); ``temp.`` becomes ``pg_temp.``; ``[name]`` becomes ``"name"``;
- a function registered with ``create_function`` that carries a ``sql_regex`` (a handle
  pattern list) becomes a regular-expression match.

A general SQL transpiler (sqlglot) was weighed and not used: it does not know a table's
primary key (``insert or replace``), types JSON paths for ``json`` columns where SocialSeed
keeps JSON as text, and leaves the placeholders; the rewrites here are the whole of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

PrimaryKey = Callable[[str], list[str]]
Columns = Callable[[str], list[str]]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def segments(sql: str) -> Iterator[tuple[bool, str]]:
    """The statement in pieces: (True, a quoted literal or identifier) or (False, other SQL)."""
    start = i = 0
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            if i > start:
                yield False, sql[start:i]
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            yield True, sql[i : j + 1]
            start = i = j + 1
            continue
        i += 1
    if start < n:
        yield False, sql[start:]


def _outside(sql: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the SQL outside quotes."""
    return "".join(text if quoted else fn(text) for quoted, text in segments(sql))


def _call_spans(sql: str, name: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each ``name(arg, ...)`` call outside quotes: its start, end and top-level arguments."""
    pattern = re.compile(rf"\b{name}\s*\(", re.IGNORECASE)
    quoted = _quoted_mask(sql)
    pos = 0
    while True:
        match = pattern.search(sql, pos)
        if match is None:
            return
        if quoted[match.start()]:
            pos = match.end()
            continue
        depth, i, args, arg_start = 1, match.end(), [], match.end()
        while i < len(sql) and depth:
            if not quoted[i]:
                if sql[i] == "(":
                    depth += 1
                elif sql[i] == ")":
                    depth -= 1
                elif sql[i] == "," and depth == 1:
                    args.append(sql[arg_start:i].strip())
                    arg_start = i + 1
            i += 1
        args.append(sql[arg_start : i - 1].strip())
        yield match.start(), i, args
        pos = i


def _quoted_mask(sql: str) -> list[bool]:
    mask: list[bool] = []
    for quoted, text in segments(sql):
        mask.extend([quoted] * len(text))
    return mask


def _rewrite_calls(sql: str, name: str, fn: Callable[[list[str]], str]) -> str:
    spans = list(_call_spans(sql, name))
    for start, end, args in reversed(spans):
        sql = sql[:start] + fn(args) + sql[end:]
    return sql


def _json_path(args: list[str]) -> str:
    doc, path = args[0], args[1]
    if not (path.startswith("'$") and path.endswith("'")):
        raise ValueError(f"json_extract with a path PostgreSQL cannot take: {path}")
    parts = [p for p in re.sub(r"\[([0-9]+)\]", r".\1", path[2:-1]).split(".") if p]
    return f"(({doc})::jsonb #>> '{{{','.join(parts)}}}')"


_INSERT_OR = re.compile(
    r"^\s*insert\s+or\s+(ignore|replace)\s+into\s+([A-Za-z_][A-Za-z0-9_.]*)\s*(\(([^)]*)\))?",
    re.IGNORECASE,
)


def _conflict(sql: str, primary_key: PrimaryKey) -> str:
    match = _INSERT_OR.match(sql)
    if match is None:
        return sql
    how, table, _, columns = match.groups()
    rest = sql[match.end() :].rstrip().rstrip(";")
    head = f"insert into {table}" + (f" ({columns})" if columns else "")
    if how.lower() == "ignore":
        return f"{head}{rest} on conflict do nothing"
    pk = primary_key(table)
    names = [c.strip().strip('"') for c in (columns or "").split(",") if c.strip()]
    others = [c for c in names if c not in pk]
    if not others:
        return f"{head}{rest} on conflict do nothing"
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in others)
    return f"{head}{rest} on conflict ({', '.join(pk)}) do update set {sets}"


def _regex_match(regex: str) -> Callable[[list[str]], str]:
    literal = "'" + regex.replace("'", "''") + "'"

    def match(args: list[str]) -> str:
        return f"(lower(ltrim({args[0]}, '@')) ~ {literal})"

    return match


_UPSERT = re.compile(
    r"^\s*insert\s+into\s+([A-Za-z_][A-Za-z0-9_]*)\b.*?\bdo\s+update\s+set\b",
    re.IGNORECASE | re.DOTALL,
)


def _qualify_upsert(sql: str, columns: Columns) -> str:
    """In ``on conflict ... do update set``, a bare column is the row's own (SQLite reads it
    so); PostgreSQL calls it ambiguous: name its table."""
    match = _UPSERT.match(sql)
    if match is None:
        return sql
    table = match.group(1)
    names = set(columns(table))
    if not names:
        return sql
    pattern = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)(?![\w(.])")

    def qualify(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            word = m.group(1)
            if word not in names:
                return word
            before = text[: m.start()].rstrip()
            after = text[m.end() :].lstrip()
            assigned = after.startswith("=") and not after.startswith("==")
            if assigned and (not before or before.endswith(",") or before.lower().endswith("set")):
                return word
            return f"{table}.{word}"

        return pattern.sub(one, text)

    head, tail = sql[: match.end()], sql[match.end() :]
    return head + _outside(tail, qualify)


def _words(text: str) -> str:
    text = re.sub(r"\binstr\s*\(", "strpos(", text, flags=re.IGNORECASE)
    text = re.sub(r"\blike\b", "ilike", text, flags=re.IGNORECASE)
    text = re.sub(r"\btemp\.", "pg_temp.", text, flags=re.IGNORECASE)
    return re.sub(r"\[([A-Za-z_][A-Za-z0-9_]*)\]", r'"\1"', text)


def _placeholders(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "%":
            out.append("%%")
        elif ch == "?":
            out.append("%s")
        elif ch == ":" and i + 1 < n and text[i + 1] != ":" and (i == 0 or text[i - 1] != ":"):
            word = _WORD.match(text, i + 1)
            if word is None:
                out.append(ch)
            else:
                out.append(f"%({word.group()})s")
                i = word.end()
                continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def translate(
    sql: str,
    primary_key: PrimaryKey,
    regexes: dict[str, str] | None = None,
    columns: Columns | None = None,
) -> str:
    """The PostgreSQL form of one SQLite statement (to run with parameters)."""
    sql = _conflict(sql, primary_key)
    if columns is not None:
        sql = _qualify_upsert(sql, columns)
    sql = _rewrite_calls(sql, "json_extract", _json_path)
    for name, regex in (regexes or {}).items():
        sql = _rewrite_calls(sql, name, _regex_match(regex))
    sql = _outside(sql, _words)
    return "".join(
        text.replace("%", "%%") if quoted else _placeholders(text) for quoted, text in segments(sql)
    )

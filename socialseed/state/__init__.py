"""State: the user's memory, in one SQLite file (sqlite-utils) or a PostgreSQL database.

- ``accounts``: Per-account state: the row, the state serial, pauses (the kill switch) and the
  audit log.
- ``ai``: The scoring cache (table ``scores``) and the AI usage ledger (table ``ai_usage``) in
  SQLite.
- ``backups``: Rolling backups of the state file, so that there is always a copy to go back
  to.
- ``audit_log``: The audit trail: decisions, journal outcomes and audit-log lines merged into
  one timeline.
- ``candidates``: The discovery cache: candidates per account and source, and when each source
  was read.
- ``copy``: Copy a whole state between backends (SQLite to PostgreSQL and back).
- ``sources``: Discovery sources per account: cursors, yield, the last plan's runway.
- ``db``: Open the state database: mode 0600, WAL, busy timeout, migrations on open.
- ``handle``: ``StateDB``, the Protocol every layer takes (sqlite-utils' ``Database`` or
  ``pg.PgDatabase``).
- ``decisions``: Decisions: who approved or rejected which action of which plan, when, why,
  until when.
- ``health_rows``: Load the rows that ``observe.health`` judges, and store its verdict on the
  account.
- ``integrity``: Is this state file whole? Checked on every open, before anything reads or
  writes it.
- ``location``: Where the state lives: a SQLite file (a path) or a PostgreSQL database (a URL).
- ``journal``: The journal: an append-only record of every execution attempt and its outcome.
- ``locks``: Per-account locks, so that two applies never work on one account at the same time.
- ``migrations``: Append-only migrations. Never edit one that has shipped; add ``mNNN_...``
  after the last.
- ``pg``: The PostgreSQL backend: ``PgDatabase``, the SQL rewrites, opening and migrating.
- ``plans``: Saved plans: every plan made is recorded, so review and apply can find it by id.
- ``relationships``: Relationships: whom each managed account follows, since when, made by whom
  (origin).
- ``retention``: Retention: delete third-party data (profiles, their posts, cached scores, old
  plans) past its age.
- ``scores``: The score cache: one row per scorer, version, profile digest and topic.
- ``snapshot``: A read-only look at a shared state: a consistent copy in a scratch file (a
  pull request's plan).
- ``snapshots``: Snapshots: an account's follower and following counts, taken by ``socialseed
  sync``.
- ``tokens``: The ``tokens`` table: one sealed secret per account, plus metadata that is not
  secret.
- ``upgrade``: Run the migrations a state lacks, on either backend.
- ``usage``: What an account has already done today, from the journal (the source of truth).
"""

"""The PostgreSQL state backend: ``PgDatabase`` stands where sqlite-utils' ``Database`` does.

- ``dialect``: SocialSeed's SQLite statements, rewritten for PostgreSQL (cached per statement).
- ``connection``: a psycopg 3 connection that behaves like SocialSeed's SQLite one (autocommit,
  ``BEGIN`` honoured, ``BEGIN IMMEDIATE`` one writer at a time, SQLite's error classes).
- ``database``: the part of sqlite-utils' ``Database``/``Table`` API SocialSeed calls.
"""

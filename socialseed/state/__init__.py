"""State: the user's memory, in one SQLite file (sqlite-utils)."""

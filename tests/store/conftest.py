"""Storage fixtures: every test that takes `url`/`engine`/`db` runs on SQLite and PostgreSQL
(the fixtures live in pg_support, shared with the event tests).

PostgreSQL gets a fresh schema per test (dropped afterwards). Unreachable PostgreSQL skips
locally and fails with CI=true.
"""

from pg_support import db, engine, url

__all__ = ["db", "engine", "url"]

"""Event fixtures: a migrated store on SQLite and PostgreSQL (`url` is the database, `db` its
migrated engine; both from pg_support)."""

from pg_support import db, engine, url

__all__ = ["db", "engine", "url"]

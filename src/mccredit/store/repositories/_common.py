"""What every resource's data access shares: canonical JSON and its hashes, the normalized
educator document, scope tests (in Python and in SQL), the scoped read by primary key, and
the one-statement idempotent insert."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ...io.educator import Educator

__all__ = [
    "canonical_json",
    "educator_document",
    "in_scope",
    "insert_many_or_nothing",
    "insert_or_nothing",
    "scope_filter",
    "scoped_get",
    "sha256_text",
]


# ── hashing and documents ──────────────────────────────────────────────────────────────────


def canonical_json(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8: the text every stored hash is taken over."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def educator_document(educator: Educator) -> dict[str, Any]:
    """The normalized input document (every field, JSON types) that re-parses to `educator`."""
    doc: dict[str, Any] = educator.model_dump(mode="json")
    return doc


# ── scopes ─────────────────────────────────────────────────────────────────────────────────


def in_scope(jurisdiction: str, scopes: Iterable[str]) -> bool:
    """Whether `jurisdiction` is one of `scopes` or beneath one of them."""
    return any(s == "*" or jurisdiction == s or jurisdiction.startswith(s + "/") for s in scopes)


def scope_filter(column: Any, scopes: Sequence[str]) -> Any:
    """A SQL condition equivalent to `in_scope(column, scopes)`."""
    if "*" in scopes:
        return sa.true()
    parts = []
    for s in scopes:
        esc = s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append(column == s)
        parts.append(column.like(esc + "/%", escape="\\"))
    return sa.or_(*parts) if parts else sa.false()


class _Scoped(Protocol):
    jurisdiction: str


_Row = TypeVar("_Row", bound=_Scoped)


def scoped_get(
    session: Session, model: type[_Row], ident: object, scopes: Sequence[str]
) -> _Row | None:
    """The row of `model` whose primary key is `ident`, or None when there is none or its
    jurisdiction is outside `scopes` (the caller answers 404 either way: existence never
    leaks)."""
    row = session.get(model, ident)
    if row is None or not in_scope(row.jurisdiction, scopes):
        return None
    return row


# ── writing ────────────────────────────────────────────────────────────────────────────────


_UPSERTS: dict[tuple[str, str, tuple[str, ...]], Any] = {}


def _insert_ignoring_conflicts(table: sa.Table, dialect: str, key: tuple[str, ...] = ()) -> Any:
    """The statement, built once per table, dialect and returned key (its compiled form is
    cached too): INSERT … ON CONFLICT DO NOTHING RETURNING id and the `key` columns."""
    stmt = _UPSERTS.get((table.name, dialect, key))
    if stmt is None:
        base: Any
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            base = pg_insert(table)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            base = sqlite_insert(table)
        stmt = base.on_conflict_do_nothing().returning(table.c.id, *(table.c[k] for k in key))
        _UPSERTS[table.name, dialect, key] = stmt
    return stmt


def insert_or_nothing(session: Session, model: Any, values: dict[str, Any]) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new id, or None when a unique
    constraint already holds the row (one statement, no savepoint, safe under concurrency).
    Run on the session's connection as Core: no ORM bookkeeping per row."""
    table = model.__table__
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - a savepoint decides
        try:
            with session.begin_nested():
                res = session.execute(sa.insert(table).values(**values))
            return int(cast(Any, res).inserted_primary_key[0])
        except IntegrityError:
            return None
    # values as parameters, not literals in the statement: it is compiled once and cached
    row = conn.execute(_insert_ignoring_conflicts(table, dialect), values).first()
    return None if row is None else int(row[0])


def insert_many_or_nothing(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], key: tuple[str, ...]
) -> dict[tuple[str, ...], int] | None:
    """`insert_or_nothing` for many rows in one statement (an executemany that SQLAlchemy
    sends as one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING id, `key` columns): the
    new id of each inserted row, by its `key` values (as text). A row whose key is missing
    met a unique constraint: a row already stored, or an earlier one of `rows` (skipped, not
    an error, on both databases). None on a dialect without the statement (the caller then
    inserts row by row)."""
    table = model.__table__
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - see insert_or_nothing
        return None
    result = conn.execute(_insert_ignoring_conflicts(table, dialect, key), list(rows))
    return {tuple(str(v) for v in found[1:]): int(found[0]) for found in result.all()}

"""Saving the main job's example educators and their evaluations in the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine

from ..evaluation import to_educator, to_json
from ..result import Evaluation
from ._config import database_url, display_url, make_engine, write_session
from ._migrate import upgrade
from .repositories import (
    ConflictError,
    audit,
    credentials_of,
    educator_document,
    put_educator,
    store_evaluation,
)
from .tables import EducatorRecord

__all__ = ["prepare_demo_database", "save_demo_results"]

ACTOR = "demo"


def prepare_demo_database(url: str | None = None) -> Engine:
    """Reach and migrate the demo's database before any work is done, so an unreachable or
    refused database is reported first (not after every example was evaluated and printed).
    Returns its engine, migrated, for `save_demo_results` (the caller disposes of it)."""
    engine = make_engine(database_url(url))
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def save_demo_results(
    docs: Sequence[tuple[dict[str, Any], Evaluation | dict[str, Any]]],
    url: str | None = None,
    *,
    engine: Engine | None = None,
) -> str:
    """Store (educator input, evaluation) pairs; return where the database is.

    `engine` is a database `prepare_demo_database` migrated (used as it is, left open);
    without it the database at `url` is reached and migrated here. Upserts each educator and
    its credentials (a credential whose example data changed is replaced, since the examples
    are the bundled source of truth), stores each evaluation (an identical one is not stored
    twice) and proposes the payroll changes the salary results imply, all in one
    transaction. Returns the SQLite file path, or the URL with its password hidden.
    """
    if engine is None:
        own = prepare_demo_database(url)
        try:
            return save_demo_results(docs, engine=own)
        finally:
            own.dispose()
    with write_session(engine) as session:
        for inp, doc in docs:
            educator = to_educator(inp)
            try:
                put_educator(session=session, educator=educator, scopes=("*",), actor=ACTOR)
            except ConflictError:
                _replace_credentials(session, educator)
                put_educator(session=session, educator=educator, scopes=("*",), actor=ACTOR)
            store_evaluation(
                session=session,
                educator_input=educator_document(educator),
                result=doc,
                result_json=to_json(doc),
                actor=ACTOR,
            )
        session.commit()
    return display_url(engine.url.render_as_string(hide_password=False))


def _replace_credentials(session: Any, educator: Any) -> None:
    """Drop the stored credentials this example educator lists anew (demo data only)."""
    ids = {c.id for c in educator.credentials}
    stored = session.get(EducatorRecord, (educator.id, educator.jurisdiction))
    for rec in credentials_of(session=session, educator=stored) if stored is not None else []:
        if rec.credential_id in ids:
            session.delete(rec)
            audit(
                session=session,
                actor=ACTOR,
                action="credential.replace",
                target=f"{educator.id}/{rec.credential_id}",
                jurisdiction=educator.jurisdiction,
                detail={"old_sha256": rec.sha256, "reason": "bundled example data changed"},
            )
    session.flush()

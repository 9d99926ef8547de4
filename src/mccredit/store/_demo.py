"""Saving the main job's example educators and their evaluations in the store."""

from __future__ import annotations

from typing import Any

from ..evaluation import to_educator, to_json
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

__all__ = ["prepare_demo_database", "save_demo_results"]

ACTOR = "demo"


def prepare_demo_database(url: str | None = None) -> str:
    """Reach and migrate the demo's database before any work is done, so an unreachable or
    refused database is reported first (not after every example was evaluated and printed).
    Returns where the database is."""
    full = database_url(url)
    engine = make_engine(full)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return display_url(full)


def save_demo_results(
    docs: list[tuple[dict[str, Any], dict[str, Any]]], url: str | None = None
) -> str:
    """Store (educator input, evaluation document) pairs; return where the database is.

    Migrates the database first if needed; upserts each educator and its credentials (a
    credential whose example data changed is replaced, since the examples are the bundled
    source of truth), stores each evaluation (an identical one is not stored twice) and
    proposes the payroll changes the salary results imply, all in one transaction. Returns
    the SQLite file path, or the URL with its password hidden.
    """
    full = database_url(url)
    engine = make_engine(full)
    try:
        upgrade(engine)
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
    finally:
        engine.dispose()
    return display_url(full)


def _replace_credentials(session: Any, educator: Any) -> None:
    """Drop the stored credentials this example educator lists anew (demo data only)."""
    ids = {c.id for c in educator.credentials}
    for rec in credentials_of(session=session, educator_id=educator.id):
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

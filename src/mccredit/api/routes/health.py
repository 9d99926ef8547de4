"""Liveness and readiness (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import Engine, text

from ...store._migrate import migration_state
from ..deps import EvaluatorDep
from ..models import Health
from ..problems import ApiProblem

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up: answered on the event loop, never touching the database or the
    thread pool (so a database that hangs does not make liveness hang)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"description": "Not ready."}})
def readyz(request: Request, evaluator: EvaluatorDep) -> Health:
    """The database answers and is at the schema this code needs, and the rules are loaded."""
    engine: Engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        state = migration_state(engine)
    except Exception as e:
        raise ApiProblem(
            503, f"database unreachable: {type(e).__name__}", kind="not-ready"
        ) from None
    if state.pending:
        raise ApiProblem(
            503,
            f"database schema is at {state.current or 'empty'}, needs "
            f"{state.head}: run `mccredit db upgrade`",
            kind="not-ready",
        )
    try:
        n = len(evaluator.rules.ids)
    except Exception as e:
        raise ApiProblem(503, f"rules failed to load: {e}", kind="not-ready") from None
    return Health(
        status="ok", database=engine.dialect.name, schema_revision=state.current, jurisdictions=n
    )

"""Costing runs: queued, then running, then done (with the result and its sha256) or failed
(with a problem document); each move a compare-and-set, so a run finishes once."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col

from ..tables import ScenarioRun, utcnow
from ._common import canonical_json, scoped_get, sha256_text

__all__ = [
    "create_scenario_run",
    "fail_unfinished_scenario_runs",
    "finish_scenario_run",
    "get_scenario_run",
    "start_scenario_run",
]


def create_scenario_run(
    *,
    session: Session,
    jurisdiction: str,
    roster_kind: str,
    educators: int,
    roster_sha256: str,
    ruleset_id: str,
    ruleset_sha256: str,
    assumptions_sha256: str,
    proposals: list[dict[str, Any]],
    request: dict[str, Any],
    created_by: str,
    request_id: str | None = None,
) -> ScenarioRun:
    """A queued costing run; `request` is what reproduces it (see `ScenarioRun`)."""
    text = canonical_json(request)
    run = ScenarioRun(
        id=secrets.token_hex(16),
        jurisdiction=jurisdiction,
        roster_kind=roster_kind,
        educators=educators,
        roster_sha256=roster_sha256,
        ruleset_id=ruleset_id,
        ruleset_sha256=ruleset_sha256,
        assumptions_sha256=assumptions_sha256,
        proposals_json=canonical_json(proposals),
        request_json=text,
        request_sha256=sha256_text(text),
        created_by=created_by,
        request_id=request_id,
    )
    session.add(run)
    session.flush()
    return run


def get_scenario_run(*, session: Session, run_id: str, scopes: Sequence[str]) -> ScenarioRun | None:
    return scoped_get(session, ScenarioRun, run_id, scopes)


def start_scenario_run(*, session: Session, run_id: str) -> bool:
    """queued → running (compare-and-set); False when the run is not queued any more."""
    res = session.execute(
        sa.update(ScenarioRun)
        .where(col(ScenarioRun.id) == run_id, col(ScenarioRun.status) == "queued")
        .values(status="running", started=utcnow())
    )
    return bool(cast(Any, res).rowcount)


def finish_scenario_run(
    *,
    session: Session,
    run_id: str,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    roster_sha256: str | None = None,
    educators: int | None = None,
) -> bool:
    """queued|running → done (with `result`, hashed over its canonical JSON) or failed (with
    `error`, a problem document); False when the run had already finished. A stored
    district's roster is read when the run starts: its sha256 and size are recorded here."""
    if (result is None) == (error is None):
        raise ValueError("finish a scenario run with a result or an error")
    values: dict[str, Any] = {"finished": utcnow()}
    if roster_sha256 is not None:
        values["roster_sha256"] = roster_sha256
    if educators is not None:
        values["educators"] = educators
    if result is not None:
        text = canonical_json(result)
        values.update(status="done", result_json=text, result_sha256=sha256_text(text))
    else:
        values.update(status="failed", error_json=canonical_json(error))
    res = session.execute(
        sa.update(ScenarioRun)
        .where(
            col(ScenarioRun.id) == run_id,
            col(ScenarioRun.status).in_(["queued", "running"]),
        )
        .values(**values)
    )
    return bool(cast(Any, res).rowcount)


def fail_unfinished_scenario_runs(*, session: Session, error: dict[str, Any]) -> list[str]:
    """queued|running → failed (with `error`) for every run not finished: what a server
    starting over this database does with the runs its predecessor left (a process killed
    mid-run leaves its run `running`, and queued runs lived in its memory only). Returns the
    ids failed."""
    found = session.execute(
        sa.select(col(ScenarioRun.id)).where(col(ScenarioRun.status).in_(["queued", "running"]))
    )
    ids = [str(r) for r in found.scalars()]
    if ids:
        session.execute(
            sa.update(ScenarioRun)
            .where(col(ScenarioRun.id).in_(ids), col(ScenarioRun.status).in_(["queued", "running"]))
            .values(status="failed", finished=utcnow(), error_json=canonical_json(error))
        )
    return ids

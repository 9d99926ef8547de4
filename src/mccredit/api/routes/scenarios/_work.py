"""Costing runs in the background: the job a submitted run becomes (queued → running → done
or failed, each step its own short transaction), and what marks a run the server stopped
before starting."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy import Engine

from ....errors import MccreditError, ProblemsError
from ....io.educator import Educator
from ....rules import RuleSet
from ....scenarios import Proposal
from ....scenarios.assumptions import Assumptions
from ....scenarios.costing import cost_scenarios
from ....store._config import read_session, write_session
from ....store.repositories import (
    fail_unfinished_scenario_runs,
    finish_scenario_run,
    jurisdiction_educator_inputs,
    start_scenario_run,
)
from ..._jobs import Jobs
from ...problems import problems_from
from ._checks import roster_sha256

__all__ = ["jobs", "mark_interrupted", "recover_runs", "work"]

log = logging.getLogger("mccredit.api")


def jobs(request: Request) -> Jobs:
    """The app's background jobs (created with the app; see `create_app`)."""
    j: Jobs = request.app.state.jobs
    return j


def mark_interrupted(engine: Engine) -> Callable[[str], None]:
    """What `Jobs` calls for a run still queued when the server stops."""

    def cancel(run_id: str) -> None:
        with write_session(engine) as s:
            finish_scenario_run(
                session=s,
                run_id=run_id,
                error={
                    "type": "/problems/interrupted",
                    "title": "Interrupted",
                    "detail": "the server stopped before this run started; submit it again",
                },
            )
            s.commit()

    return cancel


def recover_runs(engine: Engine) -> list[str]:
    """At start-up: fail every run a stopped server left queued or running (a process killed
    mid-run leaves its run `running` forever otherwise; queued runs lived in its memory), so
    `GET /v1/scenarios/{id}` says `failed` with the reason and the client can submit again.
    One server process per database is assumed, as the in-memory job queue already does.
    Returns the ids failed; nothing when the database has no runs table yet, or cannot be
    reached: the server still starts (every route then answers 503, `/healthz` 200) and the
    runs are failed at the next start that reaches the database."""
    try:
        return _recover_runs(engine)
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError) as e:
        log.warning(
            "database unreachable at start-up; unfinished scenario runs left as they are (%s)",
            str(e).splitlines()[0] if str(e) else type(e).__name__,
        )
        return []


def _recover_runs(engine: Engine) -> list[str]:
    from ....store.tables import ScenarioRun

    if not sa.inspect(engine).has_table(str(ScenarioRun.__tablename__)):
        return []
    with write_session(engine) as s:
        ids = fail_unfinished_scenario_runs(
            session=s,
            error={
                "type": "/problems/interrupted",
                "title": "Interrupted",
                "detail": "the server stopped before this run finished; submit it again",
            },
        )
        s.commit()
    if ids:
        log.warning("failed %d scenario run(s) a stopped server left unfinished", len(ids))
    return ids


def work(
    engine: Engine,
    rules: RuleSet,
    run_id: str,
    jid: str,
    eds: list[Educator] | None,
    proposals: list[Proposal],
    assumptions: Assumptions,
    to_educator: Any,
) -> Callable[[], None]:
    def run() -> None:
        with write_session(engine) as s:
            if not start_scenario_run(session=s, run_id=run_id):
                return
            s.commit()
        roster = eds
        try:
            if roster is None:
                with read_session(engine) as s:
                    roster = [
                        to_educator(d)
                        for d in jurisdiction_educator_inputs(session=s, jurisdiction=jid)
                    ]
            doc = cost_scenarios(rules.get(jid), roster, proposals, assumptions)
            outcome: dict[str, Any] = {"result": doc}
        except MccreditError as e:
            errs = problems_from(e) if isinstance(e, ProblemsError) else []
            outcome = {
                "error": {
                    "type": "/problems/scenario-failed",
                    "title": "The costing failed",
                    "detail": str(e),
                    "errors": errs,
                }
            }
        except Exception:
            log.exception("scenario run %s failed", run_id)
            outcome = {
                "error": {
                    "type": "/problems/internal",
                    "title": "Internal error",
                    "detail": f"unexpected error in scenario run {run_id}; see the server log",
                }
            }
        with write_session(engine) as s:
            finish_scenario_run(
                session=s,
                run_id=run_id,
                roster_sha256=roster_sha256(roster) if roster is not None else None,
                educators=len(roster) if roster is not None else None,
                **outcome,
            )
            s.commit()

    return run

"""Costing runs over HTTP: submit one (checked at once, then queued: 202 with the status URL),
read its status, its result, its HTML report and its CSV tables. A union key gets the union
view (small groups suppressed) through every route."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import Engine

from ....reports import costing_report
from ....scenarios.costing import csv_tables
from ....scenarios.privacy import suppress_small_groups
from ....store._config import read_session, write_session
from ....store.repositories import (
    audit,
    count_jurisdiction_educators,
    create_scenario_run,
    get_scenario_run,
)
from ....store.tables import ScenarioRun
from ...deps import EvaluatorDep, KeyDep, Principal, RequestIdDep, SessionDep, SettingsDep
from ...models import (
    ProposalRef,
    RulesetRef,
    ScenarioRunLinks,
    ScenarioRunPublic,
    ScenarioRunRequest,
)
from ...problems import ApiProblem
from .._shared import NOT_FOUND
from ._checks import MIN_GROUP, problem, roster_sha256, too_small, validate_run
from ._work import jobs, work

__all__ = ["TABLES", "router"]

router = APIRouter(prefix="/scenarios")

TABLES = ("years", "scattergram", "vs_baseline", "gains_bands", "gains_by_lane")
RunId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$", description="A costing run's id.")]


def _public(run: ScenarioRun, key: Principal) -> ScenarioRunPublic:
    base = f"/v1/scenarios/{run.id}"
    return ScenarioRunPublic(
        id=run.id,
        status=run.status,
        jurisdiction=run.jurisdiction,
        roster=run.roster_kind,
        educators=run.educators,
        roster_sha256=run.roster_sha256,
        ruleset=RulesetRef(id=run.ruleset_id, sha256=run.ruleset_sha256),
        assumptions_sha256=run.assumptions_sha256,
        proposals=[ProposalRef(**p) for p in json.loads(run.proposals_json)],
        request_sha256=run.request_sha256,
        result_sha256=run.result_sha256,
        view="union" if key.role == "union" else "full",
        created=run.created,
        started=run.started,
        finished=run.finished,
        created_by=run.created_by,
        error=json.loads(run.error_json) if run.error_json else None,
        links=ScenarioRunLinks(
            status=base,
            result=f"{base}/result",
            report=f"{base}/report",
            tables={t: f"{base}/tables/{t}" for t in TABLES},
        ),
    )


@router.post(
    "",
    status_code=202,
    responses={
        202: {"description": "Queued: poll the `Location` (the run's status URL)."},
        **NOT_FOUND,
    },
)
def submit_scenario(
    body: ScenarioRunRequest,
    request: Request,
    response: Response,
    key: KeyDep,
    evaluator: EvaluatorDep,
    settings: SettingsDep,
    rid: RequestIdDep,
) -> ScenarioRunPublic:
    """Queue a costing run: a roster (stored `roster` or uploaded `educators`), proposals and
    assumptions; baseline against each proposal over the assumptions' years."""
    rules = evaluator.rules
    jid, eds, proposals, assumptions = validate_run(
        body, key, rules, settings.max_batch_items, evaluator.to_educator
    )
    engine: Engine = request.app.state.engine
    if eds is None:
        with read_session(engine) as s:
            n = count_jurisdiction_educators(session=s, jurisdiction=jid)
        if n == 0:
            raise problem(
                422,
                f"no stored educator of {jid} to cost",
                [{"type": "scenario.no_roster", "msg": "empty", "pointer": "/roster"}],
            )
    else:
        n = len(eds)
    if key.role == "union":
        costed = (
            n
            if eds is None
            else sum(1 for e in eds if e.jurisdiction == jid and e.salary is not None)
        )
        if costed < MIN_GROUP:
            raise too_small(costed, "/roster" if eds is None else "/educators")
    j = rules.get(jid)
    summaries = [p.summary() for p in proposals]
    request_doc = {
        "roster": {"jurisdiction": jid}
        if eds is None
        else {"uploaded": True, "sha256": roster_sha256(eds), "educators": len(eds)},
        "proposals": body.proposals,
        "assumptions": assumptions.model_dump(mode="json", by_alias=True),
        "ruleset": {"id": f"{j.id}@{j.version}", "sha256": j.sha256},
    }
    with write_session(engine) as s:
        run = create_scenario_run(
            session=s,
            jurisdiction=jid,
            roster_kind="stored" if eds is None else "uploaded",
            educators=n,
            roster_sha256="" if eds is None else roster_sha256(eds),
            ruleset_id=f"{j.id}@{j.version}",
            ruleset_sha256=j.sha256,
            assumptions_sha256=assumptions.sha256,
            proposals=[{"name": p["name"], "sha256": p["sha256"]} for p in summaries],
            request=request_doc,
            created_by=key.actor,
            request_id=rid,
        )
        audit(
            session=s,
            actor=key.actor,
            action="scenario.submit",
            target=run.id,
            jurisdiction=jid,
            request_id=rid,
            detail={"request_sha256": run.request_sha256, "educators": n},
        )
        s.commit()
        public = _public(run, key)
    jobs(request).submit(
        public.id,
        work(engine, rules, public.id, jid, eds, proposals, assumptions, evaluator.to_educator),
    )
    response.headers["Location"] = public.links.status
    return public


def _run(session: Any, run_id: str, key: Principal) -> ScenarioRun:
    run = get_scenario_run(session=session, run_id=run_id, scopes=key.scopes)
    if run is None:
        raise ApiProblem(404, f"no scenario run {run_id!r} for this key", kind="not-found")
    return run


def _result(session: Any, run_id: str, key: Principal) -> dict[str, Any]:
    run = _run(session, run_id, key)
    if run.status != "done" or run.result_json is None:
        raise ApiProblem(
            409,
            f"scenario run {run_id} is {run.status}: "
            + (
                "see its status for the error"
                if run.status == "failed"
                else "poll its status until it is done"
            ),
            kind="scenario-not-done",
            headers={"Location": f"/v1/scenarios/{run_id}"},
        )
    doc: dict[str, Any] = json.loads(run.result_json)
    return suppress_small_groups(doc, MIN_GROUP) if key.role == "union" else doc


@router.get("/{run_id}", responses=NOT_FOUND)
def scenario_status(run_id: RunId, session: SessionDep, key: KeyDep) -> ScenarioRunPublic:
    """Where a costing run stands (`queued`, `running`, `done`, `failed`), what it was
    computed from (by sha256) and where its outputs are."""
    return _public(_run(session, run_id, key), key)


@router.get(
    "/{run_id}/result",
    responses={**NOT_FOUND, 409: {"description": "Not done (yet): see the status."}},
)
def scenario_result(run_id: RunId, session: SessionDep, key: KeyDep) -> dict[str, Any]:
    """The costing document (as `mccredit scenario` writes `scenario.json`); for a union key
    with small groups suppressed (`suppression` says how)."""
    return _result(session, run_id, key)


@router.get(
    "/{run_id}/report",
    response_class=HTMLResponse,
    responses={**NOT_FOUND, 409: {"description": "Not done (yet): see the status."}},
)
def scenario_report(run_id: RunId, session: SessionDep, key: KeyDep) -> HTMLResponse:
    """The self-contained HTML report of the run (as `mccredit scenario` writes it)."""
    return HTMLResponse(costing_report(_result(session, run_id, key)))


@router.get(
    "/{run_id}/tables/{table}",
    response_class=PlainTextResponse,
    responses={**NOT_FOUND, 409: {"description": "Not done (yet): see the status."}},
)
def scenario_table(
    run_id: RunId, table: str, session: SessionDep, key: KeyDep
) -> PlainTextResponse:
    """One CSV table of the run (`years`, `scattergram`, `vs_baseline`, `gains_bands`,
    `gains_by_lane`), as `mccredit scenario` writes `TABLE.csv`."""
    tables = csv_tables(_result(session, run_id, key))
    if table not in tables:
        raise ApiProblem(
            404,
            f"no table {table!r} in this run (it has {', '.join(tables)})",
            kind="not-found",
        )
    return PlainTextResponse(
        tables[table],
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{table}.csv"'},
    )

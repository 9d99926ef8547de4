"""Scenarios: contract costing over a workforce, as aggregates only.

```
POST /v1/scenarios                     202: a costing run queued (status URL in `Location`)
GET  /v1/scenarios/{id}                its status, inputs by sha256, links
GET  /v1/scenarios/{id}/result         the costing document (`mccredit scenario`'s JSON)
GET  /v1/scenarios/{id}/report         the HTML report (`report.html`)
GET  /v1/scenarios/{id}/tables/{name}  one CSV table (years, scattergram, vs_baseline, …)
POST /v1/scenarios/cost                one proposal evaluated per educator, year by year
```

A run costs a roster (the stored educators of a jurisdiction, `roster`, or an uploaded
`educators` list) under the assumptions, baseline against each proposal
(`mccredit.scenarios.costing.cost_scenarios`), in the background (`_jobs`): the POST checks
everything it can at once (422 naming each field, 404 outside the key's scope) and answers
202. The result is stored with the sha256 of every input and of itself (`scenario_run`), so a
figure quoted at the table can be found and re-derived later; the same inputs give the same
`result_sha256`.

Any role in scope may cost. The documents hold aggregates only; a `union` key always gets the
union view (`mccredit.scenarios.privacy.suppress_small_groups`: groups of fewer than
`MIN_GROUP` people suppressed), of its own runs and of any other run it may read, through
every route (result, report, tables), and its rosters must hold at least `MIN_GROUP`
educators.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import Engine

from ...errors import InputError, MccreditError, ProblemsError
from ...io.educator import Educator
from ...reports import costing_report
from ...rules import RuleSet
from ...scenarios import Proposal, apply_proposal, cost_proposal, parse_proposal
from ...scenarios.assumptions import Assumptions, parse_assumptions
from ...scenarios.costing import cost_scenarios, csv_tables
from ...scenarios.privacy import suppress_small_groups
from ...store._config import read_session, write_session
from ...store.repositories import (
    audit,
    canonical_json,
    count_jurisdiction_educators,
    create_scenario_run,
    educator_document,
    finish_scenario_run,
    get_scenario_run,
    jurisdiction_educator_inputs,
    sha256_text,
    start_scenario_run,
)
from ...store.tables import ScenarioRun
from .._jobs import Jobs
from ..deps import EvaluatorDep, KeyDep, Principal, RequestIdDep, SessionDep, SettingsDep
from ..models import (
    ProposalRef,
    RulesetRef,
    ScenarioCostRequest,
    ScenarioRunLinks,
    ScenarioRunPublic,
    ScenarioRunRequest,
)
from ..problems import ApiProblem, problems_from
from ._shared import NOT_FOUND

router = APIRouter(prefix="/scenarios", tags=["scenarios"])
log = logging.getLogger("mccredit.api")

MIN_GROUP = 5
"""The smallest group a union key sees figures for (rosters, cells, bands, lanes)."""
TABLES = ("years", "scattergram", "vs_baseline", "gains_bands", "gains_by_lane")
RunId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$", description="A costing run's id.")]


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


def _problem(status: int, detail: str, errors: list[dict[str, Any]]) -> ApiProblem:
    return ApiProblem(status, detail, kind="validation", errors=errors)


def _proposal_errors(e: ProblemsError, i: int) -> list[dict[str, Any]]:
    out = []
    for err in problems_from(e, keep=()):
        loc = list(err.get("loc") or [])
        if loc[:1] == ["proposal"]:
            loc = loc[1:]
        loc = ["proposals", i, *loc]
        out.append({**err, "loc": loc, "pointer": "".join(f"/{x}" for x in loc)})
    return out


def _roster_sha256(eds: list[Educator]) -> str:
    docs = sorted((educator_document(e) for e in eds), key=lambda d: str(d["id"]))
    return sha256_text(canonical_json(docs))


def _out_of_scope(jurisdiction: str, where: str) -> ApiProblem:
    """404 for a jurisdiction outside the key's scope (exactly as for an unknown one)."""
    return ApiProblem(
        404,
        f"no jurisdiction {jurisdiction!r} in this key's scope",
        kind="not-found",
        errors=[{"type": "jurisdiction.not_found", "msg": "not in scope", "pointer": where}],
    )


def _too_small(n: int, where: str) -> ApiProblem:
    return ApiProblem(
        422,
        f"a scenario costed with a union key must cover at least {MIN_GROUP} educators "
        f"(this one covers {n}), so that no one's pay can be read from it",
        kind="group-too-small",
        errors=[
            {"type": "too_short", "msg": f"fewer than {MIN_GROUP} educators", "pointer": where}
        ],
    )


def _validate(
    body: ScenarioRunRequest, key: Principal, rules: RuleSet, max_items: int, to_educator: Any
) -> tuple[str, list[Educator] | None, list[Proposal], Assumptions]:
    if (body.roster is None) == (body.educators is None):
        raise _problem(
            422,
            "give either `roster` (stored educators) or `educators` (an uploaded roster)",
            [{"type": "missing", "msg": "exactly one of roster, educators", "pointer": "/roster"}],
        )
    errors: list[dict[str, Any]] = []
    assumptions: Assumptions | None = None
    try:
        assumptions = parse_assumptions(body.assumptions)
    except ProblemsError as e:
        errors += problems_from(e, prefix=["assumptions"], keep=())
    proposals: list[Proposal] = []
    for i, raw in enumerate(body.proposals):
        try:
            proposals.append(parse_proposal(raw))
        except ProblemsError as e:
            errors += _proposal_errors(e, i)
    eds: list[Educator] | None = None
    if body.educators is not None:
        if len(body.educators) > max_items:
            raise _problem(
                422,
                f"at most {max_items} educators per request",
                [{"type": "too_long", "msg": "too many educators", "pointer": "/educators"}],
            )
        eds = []
        for i, raw in enumerate(body.educators):
            try:
                ed = to_educator(raw)
            except InputError as e:
                errors += problems_from(e, prefix=["educators", i])
                continue
            if not key.sees(ed.jurisdiction):
                raise _out_of_scope(ed.jurisdiction, f"/educators/{i}/jurisdiction")
            eds.append(ed)
    if errors or assumptions is None:
        raise _problem(422, f"{len(errors)} problem(s) in the request", errors)
    if body.roster is not None:
        wanted = {body.roster.jurisdiction}
        where = "/roster/jurisdiction"
    else:
        wanted = {p.jurisdiction for p in proposals if p.jurisdiction} or {
            e.jurisdiction for e in eds or []
        }
        where = "/proposals" if any(p.jurisdiction for p in proposals) else "/educators"
    if len(wanted) != 1:
        raise _problem(
            422,
            f"cost one jurisdiction at a time: the request names {sorted(wanted) or 'none'}",
            [{"type": "scenario.jurisdiction", "msg": "one jurisdiction", "pointer": where}],
        )
    jid = wanted.pop()
    if not key.sees(jid) or jid not in rules.jurisdictions:
        raise ApiProblem(
            404,
            f"no jurisdiction {jid!r} for this key",
            kind="not-found",
            errors=[{"type": "jurisdiction.not_found", "msg": "not found", "pointer": where}],
        )
    j = rules.get(jid)
    for i, p in enumerate(proposals):
        if p.jurisdiction is not None and p.jurisdiction != jid:
            errors.append(
                {
                    "type": "scenario.jurisdiction",
                    "msg": f"the proposal is for {p.jurisdiction}, the roster for {jid}",
                    "pointer": f"/proposals/{i}/jurisdiction",
                }
            )
            continue
        try:
            apply_proposal(j, p)
        except ProblemsError as e:
            errors += _proposal_errors(e, i)
    if errors:
        raise _problem(422, f"{len(errors)} problem(s) in the proposals", errors)
    return jid, eds, proposals, assumptions


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


def _work(
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
                roster_sha256=_roster_sha256(roster) if roster is not None else None,
                educators=len(roster) if roster is not None else None,
                **outcome,
            )
            s.commit()

    return run


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
    jid, eds, proposals, assumptions = _validate(
        body, key, rules, settings.max_batch_items, evaluator.to_educator
    )
    engine: Engine = request.app.state.engine
    if eds is None:
        with read_session(engine) as s:
            n = count_jurisdiction_educators(session=s, jurisdiction=jid)
        if n == 0:
            raise _problem(
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
            raise _too_small(costed, "/roster" if eds is None else "/educators")
    j = rules.get(jid)
    summaries = [p.summary() for p in proposals]
    request_doc = {
        "roster": {"jurisdiction": jid}
        if eds is None
        else {"uploaded": True, "sha256": _roster_sha256(eds), "educators": len(eds)},
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
            roster_sha256="" if eds is None else _roster_sha256(eds),
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
        _work(engine, rules, public.id, jid, eds, proposals, assumptions, evaluator.to_educator),
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


@router.post(
    "/cost",
    responses={
        200: {
            "description": "Per year: baseline, proposal and delta (renewals complete, "
            "eligible to advance, salary changes, annual payroll, this year's cost, totals "
            "per unit)."
        },
        404: {"description": "An educator's jurisdiction is outside this key's scope."},
    },
)
def cost_scenario(
    body: ScenarioCostRequest, key: KeyDep, evaluator: EvaluatorDep, settings: SettingsDep
) -> dict[str, Any]:
    """Cost a proposal year by year over the given educators (those of the proposal's
    jurisdiction, when it names one)."""
    if len(body.educators) > settings.max_batch_items:
        raise ApiProblem(
            422,
            f"at most {settings.max_batch_items} educators per request",
            kind="validation",
            errors=[{"type": "too_long", "msg": "too many educators", "pointer": "/educators"}],
        )
    educators = []
    errors: list[dict[str, Any]] = []
    for i, raw in enumerate(body.educators):
        try:
            ed = evaluator.to_educator(raw)
        except InputError as e:
            errors.extend(problems_from(e, prefix=["educators", i]))
            continue
        if not key.sees(ed.jurisdiction):
            raise _out_of_scope(ed.jurisdiction, f"/educators/{i}/jurisdiction")
        educators.append(ed)
    if errors:
        raise ApiProblem(
            422, f"{len(errors)} problem(s) in the educators", kind="validation", errors=errors
        )
    try:
        result = cost_proposal(
            body.proposal,
            educators,
            years=body.years,
            month_day=body.month_day,
            rules=evaluator.rules,
        )
    except ProblemsError as e:
        raise ApiProblem(
            422,
            f"{len(e.problems)} problem(s) in the proposal",
            kind="validation",
            errors=problems_from(e, prefix=["proposal"]),
        ) from None
    if key.role == "union" and result["educators"] < MIN_GROUP:
        raise ApiProblem(
            422,
            f"a scenario costed with a union key must cover at least {MIN_GROUP} educators of "
            f"the proposal's jurisdiction (this one covers {result['educators']}), so that no "
            "one's pay can be read from it",
            kind="group-too-small",
            errors=[
                {
                    "type": "too_short",
                    "msg": f"fewer than {MIN_GROUP} educators",
                    "pointer": "/educators",
                }
            ],
        )
    return result

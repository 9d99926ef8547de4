"""Evaluate one educator, many (NDJSON), or explain: stateless unless `store=true`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from ... import _api
from ...errors import InputError, MccreditError, ProblemsError, UnknownJurisdictionError
from ...result import Evaluation
from ...store._writer import EvaluationWriter, WriterClosed
from ...store.repositories import educator_document, evaluation_values
from ..deps import EvaluatorDep, KeyDep, Principal, RequestIdDep, SettingsDep
from ..models import BatchRequest, EvaluateRequest, EvaluationDocument
from ..problems import ApiProblem, problems_from

router = APIRouter(tags=["evaluate"])

STORE_ROLES = ("licensure", "payroll", "admin")
STORE_FAILURE = "mccredit.store_failure"
"""Key in the request's state: the exception storing this request's evaluation raised when
`EvaluateFastPath` tried (the route raises it instead of storing the row again)."""


def out_of_scope(jurisdiction: str) -> ApiProblem:
    return ApiProblem(
        404,
        f"no jurisdiction {jurisdiction!r} in this key's scope",
        kind="not-found",
        errors=[
            {
                "type": "jurisdiction.not_found",
                "msg": "not in this key's scope",
                "pointer": "/educator/jurisdiction",
                "loc": ["educator", "jurisdiction"],
            }
        ],
    )


def _engine_problems(exc: ProblemsError) -> ApiProblem:
    """Engine problems after the body validated: in the proposal, else in the educator."""
    return ApiProblem(
        422,
        f"{len(exc.problems)} problem(s) in the request",
        kind="validation",
        errors=problems_from(exc, prefix=["educator"]),
    )


def run(evaluator: Any, body: EvaluateRequest) -> Evaluation:
    """Evaluate, pointing engine problems at the request field they came from."""
    body.educator = evaluator.normalize(body.educator, as_of=body.as_of)
    try:
        doc: Evaluation = evaluator.evaluate(
            body.educator, as_of=body.as_of, proposal=body.proposal
        )
    except ProblemsError as e:
        raise _engine_problems(e) from None
    return doc


@router.post(
    "/evaluate",
    response_class=Response,
    responses={
        200: {
            "model": EvaluationDocument,
            "description": "Exactly the `mccredit evaluate --json` document for this input.",
        },
        403: {"description": "`store=true` with a role that may not store."},
        404: {"description": "The educator's jurisdiction is outside this key's scope."},
        501: {"description": "A proposal was sent but this build cannot apply proposals."},
    },
)
async def evaluate(
    body: EvaluateRequest,
    key: KeyDep,
    evaluator: EvaluatorDep,
    request: Request,
    request_id: RequestIdDep,
    store: Annotated[
        bool,
        Query(
            description="Also store the evaluation (for the record: payroll changes come "
            "only from evaluations of stored educators, GET /v1/educators/{id}/evaluation)."
        ),
    ] = False,
) -> Response:
    """Evaluate one educator in its own jurisdiction; the body is byte-identical to the CLI's
    `mccredit evaluate FILE --json --as-of DATE` for the same input.

    The evaluation (well under a millisecond of CPU) runs on the event loop; with
    `store=true` the row goes to the process's evaluation writer, which commits it with the
    other rows queued meanwhile (one transaction per batch), and the answer waits for that
    commit."""
    if not key.sees(body.educator.jurisdiction):
        raise out_of_scope(body.educator.jurisdiction)
    if store:
        key.require(*STORE_ROLES)
    if body.proposal is None:
        doc = run(evaluator, body)  # well under a millisecond: not worth a thread hop
    else:  # applying a proposal copies and recompiles the jurisdiction
        doc = await run_in_threadpool(run, evaluator, body)
    text = _api.to_json(doc)
    headers = {}
    if store:
        failure = request.scope.get("state", {}).pop(STORE_FAILURE, None)
        if failure is not None:
            raise failure
        eid = await store_row(request.app.state.writer, body, doc, text, key, request_id)
        headers = {"Location": f"/v1/evaluations/{eid}", "X-Evaluation-Id": str(eid)}
    return Response(content=text, media_type="application/json", headers=headers)


async def store_row(
    writer: EvaluationWriter,
    body: EvaluateRequest,
    doc: Evaluation,
    text: str,
    key: Principal,
    request_id: str,
) -> int:
    """Store the evaluation (returns once committed) and return its id; raises what storing
    it raised (the exception handlers answer it)."""
    # ids are namespaced by jurisdiction: the evaluation is stored under the body's
    # jurisdiction (in scope, checked before), whatever another jurisdiction holds
    values = evaluation_values(
        educator_input=educator_document(body.educator),
        result=doc,
        result_json=text,
        proposal=body.proposal,
        actor=key.actor,
        request_id=request_id,
    )
    try:
        return await writer.store(values)
    except WriterClosed:
        raise ApiProblem(
            503,
            "the server is shutting down; retry",
            kind="shutting-down",
            title="Service unavailable",
            headers={"Retry-After": "1"},
        ) from None


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _error_line(
    index: int, educator: Any, status: int, detail: str, kind: str, errors: list[dict[str, Any]]
) -> bytes:
    return _line(
        {
            "index": index,
            "educator": educator if isinstance(educator, str) else None,
            "error": {
                "type": f"/problems/{kind}",
                "status": status,
                "detail": detail,
                "errors": errors,
            },
        }
    )


def _batch_lines(body: BatchRequest, key: Principal, evaluator: Any) -> Iterator[bytes]:
    for i, raw in enumerate(body.educators):
        ed_id = raw.get("id")
        try:
            ed = evaluator.to_educator(raw)
        except InputError as e:
            yield _error_line(
                i,
                ed_id,
                422,
                f"{len(e.problems)} problem(s) in this educator",
                "validation",
                problems_from(e, prefix=["educators", i]),
            )
            continue
        if not key.sees(ed.jurisdiction):
            yield _error_line(
                i,
                ed_id,
                404,
                f"no jurisdiction {ed.jurisdiction!r} in this key's scope",
                "not-found",
                [],
            )
            continue
        try:
            doc = evaluator.evaluate(ed, as_of=body.as_of, proposal=body.proposal)
        except UnknownJurisdictionError as e:
            yield _error_line(
                i,
                ed_id,
                422,
                str(e),
                "unknown-jurisdiction",
                [
                    {
                        "type": "jurisdiction.unknown",
                        "msg": str(e),
                        "pointer": f"/educators/{i}/jurisdiction",
                    }
                ],
            )
            continue
        except ProblemsError as e:
            yield _error_line(
                i, ed_id, 422, str(e), "validation", problems_from(e, prefix=["proposal"])
            )
            continue
        except MccreditError as e:
            yield _error_line(i, ed_id, 422, str(e), "invalid", [])
            continue
        yield _line(doc.to_dict())


@router.post(
    "/evaluate/batch",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "NDJSON, one line per educator in input order: the evaluation "
            'document (as in /v1/evaluate, on one line), or `{"index", "educator", '
            '"error": <problem>}` for an educator that could not be evaluated.',
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
        501: {"description": "A proposal was sent but this build cannot apply proposals."},
    },
)
def evaluate_batch(
    body: BatchRequest, key: KeyDep, evaluator: EvaluatorDep, settings: SettingsDep
) -> StreamingResponse:
    """Evaluate many educators, streamed as NDJSON while they are evaluated."""
    if len(body.educators) > settings.max_batch_items:
        raise ApiProblem(
            422,
            f"at most {settings.max_batch_items} educators per request; split the roster",
            kind="validation",
            errors=[{"type": "too_long", "msg": "too many educators", "pointer": "/educators"}],
        )
    if body.proposal is not None and not evaluator.supports_proposals:
        raise ApiProblem(
            501,
            "what-if proposals are not available in this build of mccredit",
            kind="proposals-unavailable",
        )
    return StreamingResponse(_batch_lines(body, key, evaluator), media_type="application/x-ndjson")


@router.post(
    "/explain",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "A readable account of every figure: rule, title, source, file:line.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        404: {"description": "The educator's jurisdiction is outside this key's scope."},
    },
)
def explain(body: EvaluateRequest, key: KeyDep, evaluator: EvaluatorDep) -> PlainTextResponse:
    """Why each number: the same text as `mccredit explain`."""
    if not key.sees(body.educator.jurisdiction):
        raise out_of_scope(body.educator.jurisdiction)
    body.educator = evaluator.normalize(body.educator, as_of=body.as_of)
    try:
        text = evaluator.explain(body.educator, as_of=body.as_of, proposal=body.proposal)
    except ProblemsError as e:
        raise _engine_problems(e) from None
    return PlainTextResponse(text)

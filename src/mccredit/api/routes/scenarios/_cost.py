"""`POST /v1/scenarios/cost`: one proposal costed year by year over the given educators, at
once (no run is stored), aggregates only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ....errors import InputError, ProblemsError
from ....scenarios import cost_proposal
from ...deps import EvaluatorDep, KeyDep, SettingsDep
from ...models import ScenarioCostRequest
from ...problems import ApiProblem, problems_from
from ._checks import MIN_GROUP, out_of_scope

__all__ = ["router"]

router = APIRouter(prefix="/scenarios")


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
            raise out_of_scope(ed.jurisdiction, f"/educators/{i}/jurisdiction")
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

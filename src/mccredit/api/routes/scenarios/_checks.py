"""What a costing request must satisfy before anything is queued or costed: one roster (stored
or uploaded), parseable assumptions and proposals that apply to the roster's one
jurisdiction, every educator in the key's scope, and (for a union key) at least `MIN_GROUP`
people. Each failure is a problem document naming its field (422) or a 404 outside the scope.
"""

from __future__ import annotations

from typing import Any

from ....errors import InputError, ProblemsError
from ....io.educator import Educator
from ....rules import Jurisdiction, RuleSet
from ....scenarios import Proposal, apply_proposal, parse_proposal
from ....scenarios.assumptions import Assumptions, parse_assumptions
from ....scenarios.costing import check_degree_lanes
from ....store.repositories import canonical_json, educator_document, sha256_text
from ...deps import Principal
from ...models import ScenarioRunRequest
from ...problems import ApiProblem, problems_from

__all__ = [
    "MIN_GROUP",
    "out_of_scope",
    "problem",
    "proposal_errors",
    "roster_sha256",
    "too_small",
    "validate_run",
]

MIN_GROUP = 5
"""The smallest group a union key sees figures for (rosters, cells, bands, lanes)."""


def problem(status: int, detail: str, errors: list[dict[str, Any]]) -> ApiProblem:
    return ApiProblem(status, detail, kind="validation", errors=errors)


def proposal_errors(e: ProblemsError, i: int) -> list[dict[str, Any]]:
    out = []
    for err in problems_from(e, keep=()):
        loc = list(err.get("loc") or [])
        if loc[:1] == ["proposal"]:
            loc = loc[1:]
        loc = ["proposals", i, *loc]
        out.append({**err, "loc": loc, "pointer": "".join(f"/{x}" for x in loc)})
    return out


def roster_sha256(eds: list[Educator]) -> str:
    docs = sorted((educator_document(e) for e in eds), key=lambda d: str(d["id"]))
    return sha256_text(canonical_json(docs))


def out_of_scope(jurisdiction: str, where: str) -> ApiProblem:
    """404 for a jurisdiction outside the key's scope (exactly as for an unknown one)."""
    return ApiProblem(
        404,
        f"no jurisdiction {jurisdiction!r} in this key's scope",
        kind="not-found",
        errors=[{"type": "jurisdiction.not_found", "msg": "not in scope", "pointer": where}],
    )


def too_small(n: int, where: str) -> ApiProblem:
    return ApiProblem(
        422,
        f"a scenario costed with a union key must cover at least {MIN_GROUP} educators "
        f"(this one covers {n}), so that no one's pay can be read from it",
        kind="group-too-small",
        errors=[
            {"type": "too_short", "msg": f"fewer than {MIN_GROUP} educators", "pointer": where}
        ],
    )


def validate_run(
    body: ScenarioRunRequest, key: Principal, rules: RuleSet, max_items: int, to_educator: Any
) -> tuple[str, list[Educator] | None, list[Proposal], Assumptions]:
    if (body.roster is None) == (body.educators is None):
        raise problem(
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
            errors += proposal_errors(e, i)
    eds: list[Educator] | None = None
    if body.educators is not None:
        if len(body.educators) > max_items:
            raise problem(
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
                raise out_of_scope(ed.jurisdiction, f"/educators/{i}/jurisdiction")
            eds.append(ed)
    if errors or assumptions is None:
        raise problem(422, f"{len(errors)} problem(s) in the request", errors)
    if body.roster is not None:
        wanted = {body.roster.jurisdiction}
        where = "/roster/jurisdiction"
    else:
        wanted = {p.jurisdiction for p in proposals if p.jurisdiction} or {
            e.jurisdiction for e in eds or []
        }
        where = "/proposals" if any(p.jurisdiction for p in proposals) else "/educators"
    if len(wanted) != 1:
        raise problem(
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
    applied: list[Jurisdiction] = []
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
            applied.append(apply_proposal(j, p))
        except ProblemsError as e:
            errors += proposal_errors(e, i)
    try:
        check_degree_lanes([j, *applied], assumptions, None)
    except ProblemsError as e:
        errors += problems_from(e, prefix=["assumptions"], keep=())
    if errors:
        raise problem(422, f"{len(errors)} problem(s) in the proposals or assumptions", errors)
    return jid, eds, proposals, assumptions

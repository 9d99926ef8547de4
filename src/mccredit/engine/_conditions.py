"""The non-credit conditions (experience, recommendation, evaluations) and the alternative ways
to renew or advance, shared by the renewal and advancement steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..io.educator import Educator, License
from ..result import AlternativeResult, Check, Span
from ..rules._models import Alternative, Conditions
from ._facts import ZERO
from ._plan import Plan


def _condition_checks(
    cond: Conditions, ed: Educator | None, lic: License | None
) -> list[dict[str, Any]]:
    """Each non-credit condition with what it requires, what was found and whether it holds
    (`message` says what is missing)."""
    out: list[dict[str, Any]] = []
    if cond.experience_years is not None:
        have = ed.experience_years if ed is not None else None
        out.append(
            {
                "condition": "experience_years",
                "required": str(cond.experience_years),
                "found": None if have is None else str(have),
                "met": have is not None and have >= cond.experience_years,
                "message": f"at least {cond.experience_years} years of experience",
            }
        )
    if cond.cycle_experience_years is not None:
        got = lic.experience_years if lic is not None else None
        out.append(
            {
                "condition": "cycle_experience_years",
                "required": str(cond.cycle_experience_years),
                "found": None if got is None else str(got),
                "met": got is not None and got >= cond.cycle_experience_years,
                "message": f"at least {cond.cycle_experience_years} years of qualifying "
                "experience within the license's validity period",
            }
        )
    if cond.recommendation is not None:
        recs = list(ed.recommendations) if ed is not None else []
        out.append(
            {
                "condition": "recommendation",
                "required": cond.recommendation,
                "found": ", ".join(recs) or None,
                "met": cond.recommendation in recs,
                "message": f"the recommendation of {cond.recommendation.replace('_', ' ')}",
            }
        )
    if cond.evaluation_min_score is not None:
        evs = ed.evaluations if ed is not None else []
        recent = sorted(evs, key=lambda ev: ev.year, reverse=True)[: cond.evaluation_years]
        ok = len(recent) == cond.evaluation_years and all(
            ev.score >= cond.evaluation_min_score for ev in recent
        )
        out.append(
            {
                "condition": "evaluations",
                "required": f"last {cond.evaluation_years} scores >= {cond.evaluation_min_score}",
                "found": ", ".join(f"{ev.year}: {ev.score}" for ev in recent) or None,
                "met": ok,
                "message": f"the last {cond.evaluation_years} evaluation(s) must "
                f"score at least {cond.evaluation_min_score}",
            }
        )
    return out


def _alternatives(
    plan: Plan,
    alts: list[Alternative],
    ed: Educator | None,
    lic: License | None,
    earned: dict[str, Decimal],
) -> tuple[list[dict[str, Any]], str | None]:
    """The alternatives in force on as_of, each with its checks and whether it is met, and the
    id of the first met one (None: none is)."""
    out: list[dict[str, Any]] = []
    first: str | None = None
    for alt in alts:
        if not alt.in_force(plan.as_of):
            continue
        checks: list[dict[str, Any]] = [
            {
                "condition": unit,
                "required": plan.show(unit, need),
                "found": plan.show(unit, earned.get(unit, ZERO)),
                "met": earned.get(unit, ZERO) >= need,
                "message": f"{plan.show(unit, max(ZERO, need - earned.get(unit, ZERO)))} more "
                f"{unit} needed",
            }
            for unit, need in alt.requires.items()
        ]
        checks.extend(_condition_checks(alt.conditions, ed, lic))
        met = all(c["met"] for c in checks)
        if met and first is None:
            first = alt.id
        out.append(
            {
                "id": alt.id,
                "title": alt.title,
                "source": alt.source.cite() if alt.source is not None else None,
                "effective": None
                if alt.effective is None
                else {"from": alt.effective.start, "until": alt.effective.until},
                "met": met,
                "conditions": checks,
            }
        )
    return out, first


def alternative_results(alternatives: list[dict[str, Any]]) -> list[AlternativeResult]:
    """`_alternatives`' results as the document's parts, built from their typed values (what
    validating the dicts gives, without validating: tests/unit/result/test_build.py)."""
    out: list[AlternativeResult] = []
    for a in alternatives:
        eff = a["effective"]
        out.append(
            AlternativeResult.build(
                id=a["id"],
                title=a["title"],
                source=a["source"],
                effective=None
                if eff is None
                else Span.build(from_=eff["from"], until=eff["until"]),
                met=a["met"],
                conditions=[Check.build(**c) for c in a["conditions"]],
            )
        )
    return out

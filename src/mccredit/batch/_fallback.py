"""The per-educator path: build an `Educator` from typed roster rows, call the reference
engine (`evaluate_plan`), and turn its document into the same rows as the columnar path.

Used for what the columnar path hands back (category allocations a solver decides, stacks
that may complete, caps that bind, salary) and, with `--engine reference`, for everyone: the
baseline and the oracle of the equivalence tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
from pydantic import BaseModel, ValidationError

from .._gc import paused_gc
from ..errors import InputError
from ..evaluation import evaluate_plan
from ..io.educator import Credential, Educator, License, PerformanceEvaluation, Placement
from ..result import WarningCode
from ._columns import SCALE_DIGITS
from ._compile import ColumnarPlan

ZERO = Decimal(0)

__all__ = ["FallbackOut", "educators_from_rows", "evaluate_fallback"]

SALARY_TEXT = ("lane", "new_lane")
SALARY_INT = ("step", "new_step")
SALARY_MONEY = ("annual", "new_annual", "annual_delta", "this_year_delta", "retro")
SALARY_COLUMNS: dict[str, pl.DataType] = {
    "salary_lane": pl.String(),
    "salary_step": pl.Int64(),
    "salary_annual": pl.Int64(),
    "new_lane": pl.String(),
    "new_step": pl.Int64(),
    "new_annual": pl.Int64(),
    "annual_delta": pl.Int64(),
    "effective_date": pl.Date(),
    "this_year_delta": pl.Int64(),
    "retro": pl.Int64(),
}  # money in cents


def _dec(v: int | None) -> Decimal | None:
    return None if v is None else Decimal(v).scaleb(-SCALE_DIGITS)


def educators_from_rows(
    edu: pl.DataFrame,
    cred: pl.DataFrame,
    evals: pl.DataFrame,
    jurisdiction: str,
    *,
    validate: bool = False,
) -> tuple[list[tuple[str, Educator, dict[str, int]]], list[dict[str, Any]]]:
    """(educator id, Educator, credential id -> row) for each educator; and rejects.

    The rows come from `_columns.prepare`, which has already checked every constraint of the
    input models (text lengths, kinds, roles, dates and their order, measures, ranges,
    duplicate credential ids and evaluation years), so the models are built from the typed
    values without validating them again (`model_construct`). `validate=True` validates as
    `Educator.model_validate` does (an educator failing it is a reject), for rows that did
    not come through `prepare`; `tests/unit/batch/test_fallback.py` shows both give equal models."""
    creds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows_of: dict[str, dict[str, int]] = defaultdict(dict)
    for r in cred.sort("_row").iter_rows(named=True):
        c: dict[str, Any] = {
            "id": r["credential_id"],
            "kind": r["kind"],
            "earned": r["earned"],
            "categories": list(r["categories"] or ()),
            "audited": bool(r["audited"]),
        }
        for k in ("issuer", "code", "title", "submitted", "approved"):
            if r[k] is not None:
                c[k] = r[k]
        for k in ("contact_hours", "semester_credits", "ceus"):
            if r[k] is not None:
                c[k] = _dec(r[k])
        creds[r["educator_id"]].append(c)
        rows_of[r["educator_id"]][r["credential_id"]] = r["_row"]
    evs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in evals.sort("_row").iter_rows(named=True):
        evs[r["educator_id"]].append({"year": r["year"], "score": r["score"]})
    people: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for r in edu.sort("_row").iter_rows(named=True):
        eid = r["educator_id"]
        if eid not in people:
            first_row[eid] = r["_row"]
            d: dict[str, Any] = {
                "id": eid,
                "jurisdiction": r["jurisdiction"] or jurisdiction,
                "licenses": [],
            }
            for k in ("name", "role", "grade_band", "school"):
                if r[k] is not None:
                    d[k] = r[k]
            if r["experience_years"] is not None:
                d["experience_years"] = _dec(r["experience_years"])
            if r.get("recommendations"):
                d["recommendations"] = list(r["recommendations"])
            if r["salary_lane"] is not None:
                d["salary"] = {"lane": r["salary_lane"], "step": r["salary_step"]}
                if r["salary_schedule"] is not None:
                    d["salary"]["schedule"] = r["salary_schedule"]
                if r["salary_since"] is not None:
                    d["salary"]["since"] = r["salary_since"]
            people[eid] = d
        if r["license_type"] is not None:
            lic: dict[str, Any] = {"type": r["license_type"], "issued": r["license_issued"]}
            for k, src in (
                ("tier", "license_tier"),
                ("id", "license_id"),
                ("expires", "license_expires"),
            ):
                if r[src] is not None:
                    lic[k] = r[src]
            if r.get("license_experience_years") is not None:
                lic["experience_years"] = _dec(r["license_experience_years"])
            people[eid]["licenses"].append(lic)
    out: list[tuple[str, Educator, dict[str, int]]] = []
    rejects: list[dict[str, Any]] = []
    for eid, d in people.items():
        d["credentials"] = creds.get(eid, [])
        d["evaluations"] = evs.get(eid, [])
        if not validate:
            out.append((eid, _construct(d), rows_of.get(eid, {})))
            continue
        try:
            out.append((eid, Educator.model_validate(d), rows_of.get(eid, {})))
        except ValidationError as e:
            msg = "; ".join(
                f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()
            )
            rejects.append(
                {
                    "table": "educators",
                    "row": first_row[eid],
                    "educator_id": eid,
                    "item": None,
                    "reason": f"educator rejected by the engine: {msg}",
                }
            )
    return out, rejects


class _Trusted:
    """Builds one model class from values already checked, without validating them: what
    `model_construct` does, with the defaults worked out once per class rather than for every
    instance (pydantic's own `model_construct` walks aliases and defaults each time and is
    slower than validating)."""

    def __init__(self, cls: type[BaseModel]) -> None:
        if cls.__pydantic_post_init__ or cls.__private_attributes__:
            raise TypeError(f"{cls.__name__}: post-init or private attributes to set up")
        self.cls = cls
        self.names = list(cls.model_fields)
        self.static: dict[str, Any] = {}
        self.factory: dict[str, Callable[[], Any]] = {}
        for name, f in cls.model_fields.items():
            if f.default_factory is not None:
                if f.default_factory_takes_validated_data:
                    raise TypeError(f"{cls.__name__}.{name}: a default that reads the data")
                self.factory[name] = f.default_factory  # type: ignore[assignment]
            elif not f.is_required():
                self.static[name] = f.default

    def __call__(self, values: dict[str, Any]) -> Any:
        d: dict[str, Any] = {}
        for name in self.names:
            if name in values:
                d[name] = values[name]
            elif name in self.factory:
                d[name] = self.factory[name]()
            else:
                d[name] = self.static[name]  # a required field is always given
        m = self.cls.__new__(self.cls)
        object.__setattr__(m, "__dict__", d)
        object.__setattr__(m, "__pydantic_fields_set__", set(values))
        object.__setattr__(m, "__pydantic_extra__", None)
        object.__setattr__(m, "__pydantic_private__", None)
        return m


_EDUCATOR = _Trusted(Educator)
_LICENSE = _Trusted(License)
_CREDENTIAL = _Trusted(Credential)
_EVALUATION = _Trusted(PerformanceEvaluation)
_PLACEMENT = _Trusted(Placement)


def _construct(d: dict[str, Any]) -> Educator:
    """The `Educator` of `d` (as built above from checked rows), without validation."""
    fields = {
        **d,
        "licenses": [_LICENSE(x) for x in d["licenses"]],
        "credentials": [_CREDENTIAL(x) for x in d["credentials"]],
        "evaluations": [_EVALUATION(x) for x in d["evaluations"]],
    }
    if d.get("salary") is not None:
        fields["salary"] = _PLACEMENT(d["salary"])
    out: Educator = _EDUCATOR(fields)
    return out


def _scaled(amount: Decimal | None, scale: int) -> int | None:
    """A document amount as the columnar path's scaled integer."""
    return None if amount is None else int(amount.scaleb(scale))


def _money(amount: Decimal | None) -> int | None:
    """Money as integer cents."""
    return None if amount is None else int(amount.quantize(Decimal("0.01")).scaleb(2))


class FallbackOut:
    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []
        self.rejects: list[dict[str, Any]] = []


def evaluate_fallback(
    cp: ColumnarPlan,
    edu: pl.DataFrame,
    cred: pl.DataFrame,
    evals: pl.DataFrame,
    *,
    with_ledger: bool,
) -> FallbackOut:
    """The engine's rows for every educator of these (checked) roster rows."""
    with paused_gc():
        return _evaluate_fallback(cp, edu, cred, evals, with_ledger=with_ledger)


def _evaluate_fallback(
    cp: ColumnarPlan,
    edu: pl.DataFrame,
    cred: pl.DataFrame,
    evals: pl.DataFrame,
    *,
    with_ledger: bool,
) -> FallbackOut:
    plan = cp.plan
    scale = cp.scale
    units = cp.units
    out = FallbackOut()
    people, rejects = educators_from_rows(edu, cred, evals, plan.jurisdiction.id)
    out.rejects.extend(rejects)
    lic_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in edu.filter(pl.col("license_type").is_not_null()).sort("_row").iter_rows(named=True):
        lic_rows[r["educator_id"]].append(r)
    first = dict(edu.group_by("educator_id").agg(pl.col("_row").min()).iter_rows())
    for eid, ed, rows_of in people:
        try:
            doc = evaluate_plan(plan, ed)
        except InputError as err:  # e.g. a salary placement its schedule lacks
            why = "; ".join(f"{'.'.join(map(str, p.loc))}: {p.message}" for p in err.problems)
            out.rejects.append(
                {
                    "table": "educators",
                    "row": first.get(eid),
                    "educator_id": eid,
                    "item": None,
                    "reason": f"educator rejected by the engine: {why}",
                }
            )
            continue
        totals = {u: _scaled(doc.totals.get(u, ZERO), scale[u]) or 0 for u in units}
        adv = doc.advancement
        base: dict[str, Any] = {"educator_id": eid}
        base.update({f"total_{u}": totals[u] for u in units})
        base["advance_tiers"] = ";".join(a.tier for a in adv)
        base["advance_eligible"] = ";".join(a.tier for a in adv if a.eligible)
        sal = doc.salary
        if sal is not None:
            base.update(
                {
                    "salary_lane": sal.lane,
                    "salary_step": sal.step,
                    "salary_annual": _money(sal.annual),
                    "new_lane": sal.new_lane,
                    "new_step": sal.new_step,
                    "new_annual": _money(sal.new_annual),
                    "annual_delta": _money(sal.annual_delta),
                    "effective_date": sal.effective_date,
                    "this_year_delta": _money(sal.this_year_delta),
                    "retro": _money(sal.retro),
                }
            )
        warnings = [w for w in doc.warnings if w.code != WarningCode.RULE_REVIEW_DUE]
        base["warnings"] = len(warnings)
        for w in warnings:
            c = w.credential
            out.warnings.append(
                {
                    "educator_id": eid,
                    "credential": c,
                    "code": w.code.value,
                    "rule": w.rule,
                    "message": w.message,
                    "table": "credentials" if c in rows_of else None,
                    "row": rows_of.get(c) if c is not None else None,
                }
            )
        if with_ledger:
            for e in doc.ledger:
                out.ledger.append(
                    {
                        "educator_id": eid,
                        "credential": e.credential,
                        "unit": e.unit,
                        "amount": _scaled(e.amount, scale.get(e.unit, 4)),
                        "rule": e.rule,
                        "date": e.date,
                        "kind": e.kind,
                    }
                )
        lics = sorted(
            enumerate(lic_rows.get(eid, [])),
            key=lambda p: (p[1]["license_issued"], p[1]["license_type"], p[0]),
        )
        renewal = list(doc.renewal)
        if not lics:
            out.results.append(base)
            continue
        for seq, lr in lics:
            row = dict(base)
            row.update(
                {
                    k: lr[k]
                    for k in (
                        "license_type",
                        "license_tier",
                        "license_id",
                        "license_issued",
                        "license_expires",
                    )
                }
            )
            row["_lic"] = seq
            ren = renewal[0] if renewal else None
            if (
                ren is not None
                and ren.license == lr["license_type"]
                and ren.license_id == lr["license_id"]
            ):
                renewal.pop(0)
                row["requirement"] = ren.rule
                row["cycle_start"] = ren.cycle.start
                row["cycle_end"] = ren.cycle.end
                for u in units:
                    row[f"required_{u}"] = _scaled(ren.required.get(u), scale[u])
                    row[f"earned_{u}"] = _scaled(ren.earned.get(u), scale[u])
                    row[f"remaining_{u}"] = _scaled(ren.remaining.get(u), scale[u])
                row["complete"] = ren.complete
                row["status"] = ren.status
                short = ren.short_categories
                row["short_categories"] = ";".join(short) if short else None
            out.results.append(row)
    return out

"""Licensure office work lists (issue 15): per educator, the credit entries ready to approve in
the shape the state portal asks for, the renewals at risk this cycle, the educators eligible to
advance, and (where the state works that way) one batch per license-expiration cohort.

A work list's shape is data, like a payroll layout: `rules/worklists/<id>.yaml` names the
columns of the entries file (header and source field), the portal's names for each kind of
activity, and whether entries are batched by license expiration. A jurisdiction names its work
list in its jurisdiction.yaml (`licensure: {worklist: <id>}`, checked at load), else
`generic-worklist`.

An entry is "ready to approve" when the engine credited it (a ledger entry from one of the
educator's credentials, dated within the license's renewal cycle); its `verification` column is
the credential's verification record from badge intake (`verified`, `unsigned`, `expired`, …;
`no badge` for a credential declared without a badge document), which the engine's
`accept.verification` policy has already applied. Everything else the roster holds is listed as
`held`, with the reason (the warning's code and message).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..evaluation import evaluate_plan, plan_for
from ..io.educator import CREDENTIAL_KINDS, Educator
from ..result import Evaluation
from ..rules import RuleSet, worklist_files
from ._data import Shape, load_all, load_named

__all__ = [
    "DEFAULT_WORKLIST",
    "SECTION_COLUMNS",
    "WORKLIST_FIELDS",
    "Worklist",
    "WorklistDocument",
    "build_worklist",
    "choose_worklist",
    "entries_csv",
    "load_worklist",
    "section_csv",
    "worklists_in",
]

DEFAULT_WORKLIST = "generic-worklist"
# Every field an entries column can name (one list: the model checks against it).
WORKLIST_FIELDS: tuple[str, ...] = (
    "educator_id",
    "educator_name",
    "license",
    "license_id",
    "license_expires",
    "cohort",
    "credential_id",
    "kind",
    "activity_type",
    "date_completed",
    "title",
    "issuer",
    "code",
    "clock_hours",
    "ceus",
    "semester_hours",
    "credit",
    "credit_unit",
    "categories",
    "documentation",
    "verification",
    "rule",
    "source",
)
_DATES = frozenset({"date_completed", "license_expires", "cohort"})
_DATE_FORMATS = {"iso": "%Y-%m-%d", "mm/dd/yyyy": "%m/%d/%Y"}
# renewal statuses a licensure clerk must act on this cycle
AT_RISK = ("at_risk", "not_started")


class WorklistColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    header: str
    source: str
    date_format: Literal["iso", "mm/dd/yyyy"] | None = None

    @field_validator("source")
    @classmethod
    def _known(cls, source: str) -> str:
        if source not in WORKLIST_FIELDS:
            raise ValueError(
                f"unknown field {source!r}; a work list can name: {', '.join(WORKLIST_FIELDS)}"
            )
        return source


class Worklist(Shape):
    batch_by: Literal["none", "license_expiration"] = "none"
    activity_types: dict[str, str] = {}
    columns: list[WorklistColumn] = Field(min_length=1)

    @field_validator("activity_types")
    @classmethod
    def _kinds(cls, v: dict[str, str]) -> dict[str, str]:
        bad = sorted(set(v) - set(CREDENTIAL_KINDS))
        if bad:
            raise ValueError(
                f"unknown credential kind(s) {', '.join(bad)}; kinds: {', '.join(CREDENTIAL_KINDS)}"
            )
        return v


def load_worklist(path: Path, *, display: str | None = None) -> Worklist:
    """The work list shape in `path`; RuleError with file:line:col for each problem."""
    return load_named(path, Worklist, kind="worklist", what="a work list", display=display)


@functools.cache
def worklists_in(root: Path) -> dict[str, Worklist]:
    """Every work list shape under the rules root (`rules/worklists/*.yaml`), by id."""
    return load_all(root, worklist_files(root), lambda p, rel: load_worklist(p, display=rel))


def choose_worklist(rules: RuleSet, jurisdiction: str, name: str | None = None) -> Worklist:
    """`name`, else the jurisdiction's own (`licensure.worklist`), else generic-worklist."""
    from ..errors import UnknownLayoutError

    known = worklists_in(rules.root)
    wid = name or rules.get(jurisdiction).worklist or DEFAULT_WORKLIST
    if wid not in known:
        raise UnknownLayoutError(wid, known=sorted(known), what="work list")
    return known[wid]


# ── building the list ──────────────────────────────────────────────────────────────────────


@dataclass
class WorklistDocument:
    """The work list: JSON-ready sections (`as_dict`) and the CSV renderings."""

    jurisdiction: str
    as_of: dt.date
    worklist: Worklist
    ruleset: dict[str, str]
    educators: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)
    at_risk: list[dict[str, Any]] = field(default_factory=list)
    advancement_eligible: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def cohorts(self) -> list[dict[str, Any]]:
        """One batch per license-expiration date (when the work list batches by it)."""
        if self.worklist.batch_by != "license_expiration":
            return []
        by: dict[str, list[dict[str, Any]]] = {}
        for e in self.entries:
            by.setdefault(e["cohort"] or "none", []).append(e)
        return [
            {
                "cohort": c,
                "educators": len({e["educator_id"] for e in es}),
                "entries": len(es),
                "credit": _sum_credit(es),
            }
            for c, es in sorted(by.items())
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "as_of": self.as_of.isoformat(),
            "worklist": {"id": self.worklist.id, "title": self.worklist.title},
            "ruleset": self.ruleset,
            "educators": self.educators,
            "entries": self.entries,
            "held": self.held,
            "at_risk": self.at_risk,
            "advancement_eligible": self.advancement_eligible,
            "cohorts": self.cohorts(),
            "rejected": self.rejected,
        }


def _sum_credit(entries: Iterable[dict[str, Any]]) -> dict[str, str]:
    totals: dict[str, Decimal] = {}
    for e in entries:
        totals[e["credit_unit"]] = totals.get(e["credit_unit"], Decimal(0)) + Decimal(e["credit"])
    return {u: str(a) for u, a in sorted(totals.items())}


def _measure(v: Decimal | None) -> str:
    return "" if v is None else format(v.normalize(), "f")


def build_worklist(
    educators: Iterable[Educator],
    *,
    rules: RuleSet,
    jurisdiction: str,
    as_of: dt.date,
    worklist: Worklist,
    rejected: Sequence[dict[str, Any]] = (),
) -> WorklistDocument:
    """Evaluate each educator for `as_of` and sort what a licensure clerk must see into the
    work list's sections (`rejected`: roster rows or files that could not be read)."""
    j = rules.get(jurisdiction)
    plan = plan_for(rules, j, as_of)
    doc = WorklistDocument(
        jurisdiction=jurisdiction,
        as_of=as_of,
        worklist=worklist,
        ruleset={"id": f"{j.id}@{j.version}", "sha256": j.sha256},
        rejected=list(rejected),
    )
    for ed in sorted(educators, key=lambda e: e.id):
        doc.educators += 1
        _sections(doc, ed, evaluate_plan(plan, ed), j.catalog)
    return doc


def _amounts(amounts: dict[str, Decimal]) -> dict[str, str]:
    """A unit → amount map as the work list's JSON shows it (decimal strings)."""
    return {u: str(a) for u, a in amounts.items()}


def _sections(
    doc: WorklistDocument,
    ed: Educator,
    result: Evaluation,
    catalog: dict[tuple[str, str], Any],
) -> None:
    creds = {c.id: c for c in ed.credentials}
    renewals = result.renewal
    kinds = doc.worklist.activity_types
    credited: set[str] = set()
    for entry in result.ledger:
        cred = creds.get(entry.credential)
        if cred is None:
            continue  # a stack or an evaluation-derived award: nothing for the portal to key
        lic = next(
            (
                r
                for r in renewals
                if r.cycle.start <= entry.date <= r.cycle.end and entry.unit in r.required
            ),
            None,
        )
        if renewals and lic is None:
            continue  # outside every renewal cycle: it counts for nothing a clerk approves
        credited.add(cred.id)
        status = cred.verification.status if cred.verification is not None else "no badge"
        expires = lic.cycle.end.isoformat() if lic else ""
        known = catalog.get((cred.issuer or "", cred.code or ""))  # the catalog's title, hours
        hours = (
            cred.contact_hours
            if cred.contact_hours is not None
            else (known.contact_hours if known is not None else None)
        )
        doc.entries.append(
            {
                "educator_id": ed.id,
                "educator_name": ed.name or "",
                "license": lic.license if lic else "",
                "license_id": (lic.license_id or "") if lic else "",
                "license_expires": expires,
                "cohort": expires,
                "credential_id": cred.id,
                "kind": cred.kind,
                "activity_type": kinds.get(cred.kind, cred.kind.replace("_", " ")),
                "date_completed": cred.earned.isoformat(),
                "title": cred.title or (known.title if known is not None else ""),
                "issuer": cred.issuer or "",
                "code": cred.code or "",
                "clock_hours": _measure(hours),
                "ceus": _measure(cred.ceus),
                "semester_hours": _measure(cred.semester_credits),
                "credit": str(entry.amount),
                "credit_unit": entry.unit,
                "categories": ";".join(entry.categories or cred.categories),
                "documentation": cred.evidence or "",
                "verification": status,
                "rule": entry.rule,
                "source": entry.source,
            }
        )
    for w in result.warnings:
        cid = w.credential
        if cid and cid in creds and cid not in credited:
            doc.held.append(
                {
                    "educator_id": ed.id,
                    "credential_id": cid,
                    "title": creds[cid].title or "",
                    "date_completed": creds[cid].earned.isoformat(),
                    "code": w.code.value,
                    "message": w.message,
                }
            )
    for r in renewals:
        if r.status in AT_RISK:
            doc.at_risk.append(
                {
                    "educator_id": ed.id,
                    "educator_name": ed.name or "",
                    "license": r.license,
                    "license_id": r.license_id or "",
                    "cycle_start": r.cycle.start.isoformat(),
                    "cycle_end": r.cycle.end.isoformat(),
                    "status": r.status,
                    "required": _amounts(r.required),
                    "earned": _amounts(r.earned),
                    "remaining": _amounts(r.remaining),
                    "short_categories": list(r.short_categories),
                    "rule": r.rule,
                }
            )
    for a in result.advancement:
        if a.eligible:
            doc.advancement_eligible.append(
                {
                    "educator_id": ed.id,
                    "educator_name": ed.name or "",
                    "from": a.from_,
                    "tier": a.tier,
                    "rule": a.rule,
                }
            )


# ── CSV ────────────────────────────────────────────────────────────────────────────────────


def _cell(col: WorklistColumn, entry: dict[str, Any]) -> str:
    text = str(entry.get(col.source) or "")
    if text and col.source in _DATES and col.date_format is not None:
        return dt.date.fromisoformat(text).strftime(_DATE_FORMATS[col.date_format])
    return text


def entries_csv(doc: WorklistDocument, cohort: str | None = None) -> str:
    """The entries in the work list's columns (one cohort's when `cohort` is given)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.header for c in doc.worklist.columns])
    for e in doc.entries:
        if cohort is None or (e["cohort"] or "none") == cohort:
            w.writerow([_cell(c, e) for c in doc.worklist.columns])
    return buf.getvalue()


def section_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A section (held, at_risk, advancement_eligible) as CSV; unit maps as `unit=amount`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        out = []
        for c in columns:
            v = r.get(c, "")
            if isinstance(v, dict):
                v = ";".join(f"{k}={x}" for k, x in sorted(v.items()))
            elif isinstance(v, list):
                v = ";".join(str(x) for x in v)
            out.append(str(v))
        w.writerow(out)
    return buf.getvalue()


SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "held": ("educator_id", "credential_id", "title", "date_completed", "code", "message"),
    "at_risk": (
        "educator_id",
        "educator_name",
        "license",
        "license_id",
        "cycle_start",
        "cycle_end",
        "status",
        "required",
        "earned",
        "remaining",
        "short_categories",
        "rule",
    ),
    "advancement_eligible": ("educator_id", "educator_name", "from", "tier", "rule"),
}

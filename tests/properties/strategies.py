"""Hypothesis strategies: schema-valid educators for a loaded jurisdiction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from mccredit.io.educator import CREDENTIAL_KINDS
from mccredit.rules import Jurisdiction

D = dt.date
MEASURE = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)
DATES = st.dates(min_value=D(1995, 1, 1), max_value=D(2035, 12, 31))
AS_OF = st.dates(min_value=D(2000, 1, 1), max_value=D(2036, 12, 31))


def _facts(j: Jurisdiction) -> dict[str, list[str]]:
    license_types = sorted(
        {
            *j.file.license_types,
            *(t for r in j.requirements for t in r.license),
            *(t for a in j.advancement for t in a.from_),
            "professional",
        }
    )
    categories = sorted(
        {c for r in j.requirements for c in (*r.categories, *r.open_categories)}
        | {c for e in j.catalog.values() for c in e.categories}
        | {"general", "literacy"}
    )
    issuers = sorted({*j.accepted_issuers, *j.issuer_names, "badgemill"})
    codes = sorted({code for (_i, code) in j.catalog} | {"X-UNKNOWN"})
    return {
        "license_types": license_types,
        "categories": categories,
        "issuers": issuers,
        "codes": codes,
    }


@st.composite
def credential(draw: st.DrawFn, facts: dict[str, list[str]]) -> dict[str, Any]:
    kind = draw(st.sampled_from(CREDENTIAL_KINDS))
    earned = draw(DATES)
    out: dict[str, Any] = {"id": "?", "kind": kind, "earned": earned.isoformat()}
    if kind == "micro_credential" or draw(st.booleans()):
        if draw(st.integers(0, 9)):
            out["issuer"] = draw(st.sampled_from(facts["issuers"]))
        if draw(st.integers(0, 9)):
            out["code"] = draw(st.sampled_from(facts["codes"]))
    for measure in ("contact_hours", "semester_credits", "ceus"):
        if draw(st.integers(0, 2)) == 0:
            out[measure] = str(draw(MEASURE))
    if draw(st.booleans()):
        out["categories"] = draw(
            st.lists(st.sampled_from(facts["categories"]), max_size=3, unique=True)
        )
    if draw(st.integers(0, 4)) == 0:
        out["audited"] = True
    if draw(st.integers(0, 3)) == 0:
        out["submitted"] = (earned + dt.timedelta(days=draw(st.integers(0, 400)))).isoformat()
    return out


@st.composite
def license_(draw: st.DrawFn, facts: dict[str, list[str]]) -> dict[str, Any]:
    issued = draw(DATES)
    out: dict[str, Any] = {
        "type": draw(st.sampled_from(facts["license_types"])),
        "issued": issued.isoformat(),
    }
    if draw(st.integers(0, 3)):
        out["expires"] = (issued + dt.timedelta(days=draw(st.integers(1, 3000)))).isoformat()
    if draw(st.integers(0, 4)) == 0:
        out["id"] = draw(st.text(min_size=1, max_size=10))
    if draw(st.integers(0, 4)) == 0:
        out["tier"] = draw(st.sampled_from(["initial", "professional", "master"]))
    return out


@st.composite
def educator(
    draw: st.DrawFn, j: Jurisdiction, *, min_credentials: int = 0, max_credentials: int = 12
) -> dict[str, Any]:
    facts = _facts(j)
    creds = draw(st.lists(credential(facts), min_size=min_credentials, max_size=max_credentials))
    for i, c in enumerate(creds):
        c["id"] = f"c{i:02d}"
    ed: dict[str, Any] = {
        "id": "E-prop",
        "jurisdiction": j.id,
        "licenses": draw(st.lists(license_(facts), max_size=2)),
        "credentials": creds,
    }
    years = draw(st.lists(st.integers(1995, 2036), max_size=4, unique=True))
    if years:
        ed["evaluations"] = [{"year": y, "score": draw(st.integers(1, 5))} for y in years]
    if draw(st.booleans()):
        ed["experience_years"] = str(draw(st.decimals(0, 40, places=1)))
    if draw(st.booleans()):
        ed["role"] = draw(st.sampled_from(["teacher", "administrator"]))
    if draw(st.booleans()):
        ed["grade_band"] = draw(st.sampled_from(["k-5", "6-12", "9-12"]))
    schedules = j.schedules
    if schedules and draw(st.integers(0, 3)):
        sch = draw(st.sampled_from(schedules))
        # a placement every year's file of that schedule has: the file in force on the
        # evaluation date (drawn later) may have fewer lanes or steps than the one drawn here
        # (PWCS 2020-21 starts at step 4), and a cell it lacks is an input error, not a result
        years = [s for s in schedules if s.schedule == sch.schedule]
        lanes = [ln for ln in sch.lanes if all(ln in s.lanes for s in years)]
        steps = sorted(set.intersection(*(set(s.steps) for s in years)))
        ed["salary"] = {
            "lane": draw(st.sampled_from(lanes)),
            "step": draw(st.sampled_from(steps)),
            "schedule": sch.schedule,
        }
        if draw(st.booleans()):
            ed["salary"]["since"] = draw(DATES).isoformat()
    if draw(st.integers(0, 4)) == 0:
        ed["name"] = draw(st.text(max_size=20))
    return ed


def units(doc: dict[str, Any]) -> dict[str, Decimal]:
    return {u: Decimal(a) for u, a in doc["totals"].items()}


# the suite's one profile (tests/conftest.py; HYPOTHESIS_PROFILE=stress for many more examples)
PROPERTY = settings()

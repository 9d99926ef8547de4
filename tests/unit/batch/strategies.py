"""Hypothesis strategies: small rosters drawn from a jurisdiction's own vocabulary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from mccredit.io.educator import CREDENTIAL_KINDS
from mccredit.rules import Jurisdiction

_DAY0 = dt.date(2017, 1, 1)


def _date(lo: int = 0, hi: int = 3800) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda d: (_DAY0 + dt.timedelta(days=d)).isoformat())


_MEASURE = st.one_of(
    st.none(),
    st.integers(0, 40).map(str),
    st.decimals(min_value=0, max_value=60, places=4, allow_nan=False).map(str),
    st.sampled_from(["0.5", "1.25", "2.005", "7.5", "0.0001", "15.0000", "1.15"]),
)


def roster(
    j: Jurisdiction, max_educators: int = 6
) -> st.SearchStrategy[tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(educator rows, credential rows, evaluation rows), sorted by educator id."""
    entries = list(j.catalog.values())
    issuers = sorted(j.accepted_issuers) + ["badgemill", None]
    codes = [e.code for e in entries] + ["XX-1", None]
    cats = sorted(
        {c for e in entries for c in e.categories}
        | {c for r in j.requirements for c in r.categories}
        | {c.category for c in j.caps if c.category}
        | {"literacy", "general"}
    )
    types = list(j.file.license_types) or ["professional"]
    types = types + sorted({t for r in j.requirements for t in r.license} - set(types))

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        n = draw(st.integers(1, max_educators))
        edu: list[dict[str, Any]] = []
        cred: list[dict[str, Any]] = []
        evals: list[dict[str, Any]] = []
        for i in range(n):
            eid = f"E{i:03d}"
            base = {
                "educator_id": eid,
                "role": draw(st.sampled_from([None, "teacher", "administrator"])),
                "grade_band": draw(st.sampled_from([None, "k-5", "6-12"])),
                "experience_years": draw(st.sampled_from([None, "0", "3", "5", "7.5", "12"])),
                "recommendations": draw(
                    st.sampled_from([None, "director_of_schools", "principal;director_of_schools"])
                ),
            }
            for _ in range(draw(st.integers(0, 2))):
                issued = draw(st.integers(0, 3400))
                span = draw(st.sampled_from([None, 3 * 365, 5 * 365, 6 * 365 + 1]))
                edu.append(
                    {
                        **base,
                        "license_type": draw(st.sampled_from(types + ["emergency"])),
                        "license_id": draw(st.sampled_from([None, f"L{i}"])),
                        "license_issued": (_DAY0 + dt.timedelta(days=issued)).isoformat(),
                        "license_expires": None
                        if span is None
                        else (_DAY0 + dt.timedelta(days=issued + span)).isoformat(),
                        "license_experience_years": draw(
                            st.sampled_from([None, "0", "1", "2", "2.5"])
                        ),
                    }
                )
            if not any(r["educator_id"] == eid for r in edu):
                edu.append(base)
            for k in range(draw(st.integers(0, 8))):
                e = draw(st.sampled_from(entries)) if entries and draw(st.booleans()) else None
                kind = draw(st.sampled_from(CREDENTIAL_KINDS))
                earned = draw(st.integers(0, 3800))
                cred.append(
                    {
                        "educator_id": eid,
                        "credential_id": f"C{k}",
                        "kind": "micro_credential" if e is not None else kind,
                        "issuer": e.issuer if e is not None else draw(st.sampled_from(issuers)),
                        "code": e.code if e is not None else draw(st.sampled_from(codes)),
                        "earned": (_DAY0 + dt.timedelta(days=earned)).isoformat(),
                        "submitted": draw(
                            st.sampled_from(
                                [None, (_DAY0 + dt.timedelta(days=earned + 30)).isoformat()]
                            )
                        ),
                        "categories": ";".join(draw(st.lists(st.sampled_from(cats), max_size=2))),
                        "contact_hours": draw(_MEASURE),
                        "semester_credits": draw(_MEASURE),
                        "ceus": draw(_MEASURE),
                        "audited": draw(st.sampled_from(["false", "true", None])),
                    }
                )
            for year in draw(st.lists(st.integers(2019, 2026), max_size=3, unique=True)):
                evals.append({"educator_id": eid, "year": year, "score": draw(st.integers(1, 5))})
        return edu, cred, evals

    return build()

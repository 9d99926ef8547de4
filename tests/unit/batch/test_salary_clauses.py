"""The batch path reads the credential's `approved` date, so a prior-approval clause gives the
same salary on a roster as in the engine (issue 10: salary runs through the engine per
educator, fed from the roster's rows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import mccredit
from mccredit.batch._chunk import process_chunk
from mccredit.batch._roster import Chunk

from .conftest import CRED_COLS, EDU_COLS, EVAL_COLS, compiled, frame

AS_OF = dt.date(2024, 9, 15)
FILES = {"educators": "e.csv", "credentials": "c.csv", "evaluations": "v.csv"}


def test_prior_approval_on_a_roster_matches_the_engine(rules: mccredit.RuleSet) -> None:
    creds = [
        {"credential_id": "g-1", "approved": "2024-01-01", "earned": "2024-02-01", "hours": 12},
        {"credential_id": "g-2", "approved": None, "earned": "2024-03-01", "hours": 12},
        {"credential_id": "g-3", "approved": "2024-03-10", "earned": "2024-04-01", "hours": 12},
    ]
    rows = [
        {
            "educator_id": "T-1",
            "credential_id": c["credential_id"],
            "kind": "graduate_course",
            "earned": c["earned"],
            "submitted": c["earned"],
            "approved": c["approved"],
            "semester_credits": c["hours"],
        }
        for c in creds
    ]
    edu = [{"educator_id": "T-1", "salary_lane": "BA", "salary_step": 3}]
    chunk = Chunk(frame(edu, EDU_COLS), frame(rows, [*CRED_COLS, "approved"]), frame([], EVAL_COLS))
    cp = compiled(rules, "us-il/troy-30c", AS_OF)
    out = process_chunk(cp, chunk, files=FILES, mode="vector", with_ledger=True)
    [row] = out.results.to_pylist()
    doc = mccredit.evaluate(
        {
            "id": "T-1",
            "jurisdiction": "us-il/troy-30c",
            "salary": {"lane": "BA", "step": 3},
            "credentials": [
                {
                    "id": c["credential_id"],
                    "kind": "graduate_course",
                    "earned": c["earned"],
                    "submitted": c["earned"],
                    "semester_credits": c["hours"],
                    **({"approved": c["approved"]} if c["approved"] else {}),
                }
                for c in creds
            ],
        },
        as_of=AS_OF,
    )
    assert doc["totals"]["salary_credit"] == "24.00"  # g-2 has no approval
    assert Decimal(row["total_salary_credit"]) == Decimal("24")
    assert row["new_lane"] == doc["salary"]["new_lane"]
    codes = [w["code"] for w in out.warnings.to_pylist() if w["credential"] == "g-2"]
    assert codes == ["prior_approval_missing"]

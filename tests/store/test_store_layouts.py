"""Payroll export layouts (issue 15): each bundled layout re-renders a real stored export on
SQLite and PostgreSQL; the generic layout is byte-identical to the stored CSV; a bad layout file
is a located load error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from test_store_repositories import salary_change, transition

from mccredit.errors import RuleError
from mccredit.handoff import bundled_layouts, load_layout, render
from mccredit.store import repositories as repo
from mccredit.store import write_session


def _export(db: Engine) -> repo.PayrollExport:
    for who in ("P-1", "P-2"):
        transition(db, salary_change(db, who).id, "approved")
    with write_session(db) as s:
        export = repo.export_payroll(session=s, scopes=("*",), actor="test")
        s.commit()
    assert export is not None
    return export


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_bundled_layouts_render_a_stored_export(db: Engine) -> None:
    export = _export(db)
    layouts = bundled_layouts()
    assert set(layouts) == {
        "generic-csv",
        "workday-comp-change",
        "tyler-munis-personnel-action",
        "powerschool-future-pay-rates",
    }
    assert render(layouts["generic-csv"], export.csv) == export.csv.encode("utf-8")
    for layout in layouts.values():
        assert render(layout, export.csv) == render(layout, export.csv)  # same export, same bytes
    workday = _rows(render(layouts["workday-comp-change"], export.csv))
    assert list(workday[0]) == [
        "Employee ID",
        "Effective Date",
        "Reason",
        "Amount",
        "Amount Change",
        "Currency",
        "Frequency",
        "Comment",
    ]
    changes = [r for r in workday if "Retro" not in r["Reason"]]
    assert [r["Employee ID"] for r in changes] == ["P-1", "P-2"]
    assert changes[0]["Effective Date"] == "08/15/2024"
    assert changes[0]["Amount Change"] == "6787.00" and changes[0]["Comment"] == export.id
    munis = _rows(render(layouts["tyler-munis-personnel-action"], export.csv))
    assert {r["Reason Code"] for r in munis} <= {"SALCHG (example)", "RETRO (example)"}
    assert munis[0]["Group"] == "MA" and munis[0]["Employee Number"] == "P-1"
    ps = _rows(render(layouts["powerschool-future-pay-rates"], export.csv))
    assert len(ps) == 2 and {r["Increase Flag"] for r in ps} == {"M"}


BAD = """\
id: bad
title: Bad
system: x
sourced: test
columns:
  - header: A
    source: educator_id
  - header: B
    source: salary_grade
  - header: C
    source: educator_id
    date_format: mm/dd/yyyy
"""


def test_bad_layout_is_a_located_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(BAD, encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_layout(p)
    probs = e.value.problems
    assert [(pr.line, pr.loc[:2]) for pr in probs] == [(9, ("columns", 1)), (10, ("columns", 2))]
    assert all(pr.path == str(p) and pr.col is not None for pr in probs)
    assert "unknown field 'salary_grade'" in probs[0].message
    assert "not a date" in probs[1].message

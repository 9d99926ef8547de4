"""Payroll export layouts (issue 15): each bundled layout re-renders a real stored export on
SQLite and PostgreSQL; the generic layout is byte-identical to the stored CSV; the Workday one
is an .xlsx workbook with the same bytes every time; a bad layout file is a located load
error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from test_store_repositories import salary_change, transition

from mccredit.errors import RuleError
from mccredit.handoff import bundled_layouts, load_layout, render
from mccredit.store import repositories as repo
from mccredit.store import write_session

REPO = Path(__file__).resolve().parents[2]


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


def _sheet(data: bytes) -> list[tuple[object, ...]]:
    """The rows of the one sheet of an .xlsx file, read back with openpyxl (money as read)."""
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Request Compensation Change"]
    ws = wb.active
    assert ws is not None
    return [
        tuple(Decimal(str(v)) if isinstance(v, float) else v for v in row)
        for row in ws.iter_rows(values_only=True)
    ]


def test_the_workday_workbook_is_reproducible(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    export = _export(db)
    layout = bundled_layouts()["workday-comp-change"]
    first = render(layout, export.csv)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # another day and hour
    again = render(layout, export.csv)
    assert again == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and "mccredit" in core


def test_text_that_looks_like_a_formula_stays_text() -> None:
    layout = bundled_layouts()["workday-comp-change"]
    header = ",".join(repo.EXPORT_COLUMNS)
    row = "exp_1,1,=HYPERLINK(1),us-va/pwcs,BA,4,1.00,MA,4,2.00,1.00,2024-08-15,1.00,,1,a,b"
    wb = load_workbook(io.BytesIO(render(layout, f"{header}\n{row}\n")))
    ws = wb.active
    assert ws is not None
    cell = ws["A2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_bundled_layouts_render_a_stored_export(db: Engine) -> None:
    export = _export(db)
    layouts = bundled_layouts()
    assert set(layouts) == {
        "generic-csv",
        "workday-comp-change",
        "tyler-munis-personnel-action",
        "powerschool-future-pay-rates",
        "pay-period-lines",
    }
    assert render(layouts["generic-csv"], export.csv) == export.csv.encode("utf-8")
    for layout in layouts.values():
        if layout.rows == "per_change":  # same export, same bytes
            assert render(layout, export.csv) == render(layout, export.csv)
    workday = _sheet(render(layouts["workday-comp-change"], export.csv))
    assert workday[0] == (
        "Employee ID",
        "Effective Date",
        "Reason",
        "Amount",
        "Amount Change",
        "Currency",
        "Frequency",
        "Comment",
    )
    lines = [dict(zip(workday[0], r, strict=True)) for r in workday[1:]]
    changes = [r for r in lines if "Retro" not in str(r["Reason"])]
    retros = [r for r in lines if "Retro" in str(r["Reason"])]
    assert [r["Employee ID"] for r in changes] == ["P-1", "P-2"]
    assert changes[0]["Effective Date"] == dt.datetime(2024, 8, 15)  # a date cell
    assert changes[0]["Amount Change"] == 6787 and changes[0]["Comment"] == export.id
    assert changes[0]["Amount"] == 70000 and changes[0]["Currency"] == "USD"
    assert [r["Amount Change"] for r in retros] == [Decimal("1234.56")] * 2
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


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("file: xlsx\ndelimiter: '|'\n", "delimiter"),
        ("file: pdf\n", "'csv' or 'xlsx'"),
        ("sheet: Pay\n", "sheet"),
        ("file: xlsx\nsheet: 'a/b'\n", "sheet name"),
    ],
)
def test_a_format_a_layout_cannot_write_is_a_located_error(
    tmp_path: Path, extra: str, words: str
) -> None:
    p = tmp_path / "fmt.yaml"
    body = "id: fmt\ntitle: T\nsystem: x\nsourced: test\n" + extra
    p.write_text(body + "columns:\n  - header: A\n    source: educator_id\n", encoding="utf-8")
    with pytest.raises(RuleError) as e:
        load_layout(p)
    (prob,) = e.value.problems
    assert words in prob.message and prob.path == str(p) and prob.line is not None


def test_a_layout_id_is_its_file_name(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(
        "id: other\ntitle: T\nsystem: x\nsourced: t\ncolumns:\n  - {header: A, value: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as e:
        load_layout(p)
    (prob,) = e.value.problems
    assert (prob.type, prob.line, prob.expected, prob.got) == ("layout.id", 1, "mine", "other")


def test_pay_period_lines_need_pay_periods_and_nothing_is_exported_without(db: Engine) -> None:
    """The hand-made evaluations here carry no salary periods: the per-pay-period layout
    refuses the export before it is committed."""
    from mccredit.errors import LayoutError
    from mccredit.handoff import export_in_layout
    from mccredit.rules import load_rules

    transition(db, salary_change(db, "P-1").id, "approved")
    with write_session(db) as s, pytest.raises(LayoutError) as e:
        export_in_layout(
            session=s, rules=load_rules(REPO), scopes=("*",), actor="t", layout="pay-period-lines"
        )
    assert "educator P-1" in str(e.value) and "per-change layout" in str(e.value)
    with write_session(db) as s:
        assert repo.list_payroll_changes(session=s, scopes=("*",), status="approved")[1] == 1


def test_pay_date_needs_per_pay_period_rows(tmp_path: Path) -> None:
    p = tmp_path / "pp.yaml"
    p.write_text(
        "id: pp\ntitle: T\nsystem: x\nsourced: t\ncolumns:\n  - {header: A, source: pay_date}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as e:
        load_layout(p)
    assert "rows: per_pay_period" in e.value.problems[0].message

"""Payroll changes: proposed by evaluations, approved or rejected, exported once (generic CSV
or a layout: Workday .xlsx, Munis, PowerSchool; a district's default layout)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from api_support import As, pwcs
from openpyxl import load_workbook
from sqlalchemy import Engine

from mccredit._yaml import load_file

REPO = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def propose(as_: As, educator_id: str = "P-1", key: str = "payroll") -> dict:
    assert as_[key].put(f"/v1/educators/{educator_id}", json=pwcs(educator_id)).status_code == 201
    r = as_[key].get(f"/v1/educators/{educator_id}/evaluation?as_of=2024-12-01")
    assert r.status_code == 200, r.text
    change = r.json()["payroll_change"]
    assert change is not None
    return change


def test_one_change_per_educator_lane_and_date(as_: As) -> None:
    change = propose(as_)
    again = as_["payroll"].get("/v1/educators/P-1/evaluation?as_of=2024-12-02").json()
    assert again["payroll_change"]["id"] == change["id"]
    listed = as_["payroll"].get("/v1/payroll/changes").json()
    assert listed["count"] == 1
    assert listed["data"][0]["effective_date"] == change["effective_date"]


def test_roles_and_scopes_on_payroll(as_: As) -> None:
    change = propose(as_)
    cid = change["id"]
    assert as_["licensure_va"].get("/v1/payroll/changes").status_code == 403
    assert as_["licensure_va"].post(f"/v1/payroll/changes/{cid}/approve").status_code == 403
    other = as_["payroll_other"]
    assert other.get(f"/v1/payroll/changes/{cid}").status_code == 404
    assert other.post(f"/v1/payroll/changes/{cid}/approve").status_code == 404
    assert other.get("/v1/payroll/changes").json()["count"] == 0
    assert other.post("/v1/payroll/exports", json={"jurisdiction": "us-va/pwcs"}).status_code == 404
    assert as_["payroll"].get("/v1/payroll/changes/999999").status_code == 404


def test_approve_export_once(as_: As) -> None:
    a = propose(as_, "P-1")
    b = propose(as_, "P-2")
    r = as_["payroll"].post(f"/v1/payroll/changes/{a['id']}/approve", json={"note": "checked"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    hist = r.json()["transitions"]
    assert [t["to_status"] for t in hist] == ["proposed", "approved"]
    assert hist[1]["by"].startswith("key:") and hist[1]["note"] == "checked"
    assert as_["payroll"].post(f"/v1/payroll/changes/{a['id']}/approve").status_code == 409
    assert as_["payroll"].post(f"/v1/payroll/changes/{b['id']}/reject", json={}).status_code == 422
    r = as_["payroll"].post(f"/v1/payroll/changes/{b['id']}/reject", json={"note": "duplicate"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"

    r = as_["payroll"].post("/v1/payroll/exports", json={"jurisdiction": "us-va/pwcs"})
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("text/csv")
    export_id = r.headers["x-export-id"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 1
    row = rows[0]
    assert row["export_id"] == export_id and row["educator_id"] == "P-1"
    assert row["effective_date"] == a["effective_date"] and row["retro"] == (a["retro"] or "")
    assert row["new_lane"] == a["new_lane"] and row["approved_by"].startswith("key:")

    assert as_["payroll"].post("/v1/payroll/exports").status_code == 204  # nothing left
    again = as_["payroll"].get(f"/v1/payroll/exports/{export_id}")
    assert again.status_code == 200 and again.content == r.content
    assert as_["payroll_other"].get(f"/v1/payroll/exports/{export_id}").status_code == 404
    listed = as_["payroll"].get("/v1/payroll/exports").json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == export_id
    assert listed["data"][0]["count"] == 1
    assert as_["payroll_other"].get("/v1/payroll/exports").json()["count"] == 0
    got = as_["payroll"].get(f"/v1/payroll/changes/{a['id']}").json()
    assert got["status"] == "exported" and got["export_id"] == export_id
    assert (
        as_["payroll"]
        .post(f"/v1/payroll/changes/{a['id']}/reject", json={"note": "too late"})
        .status_code
        == 409
    )
    exported = as_["payroll"].get("/v1/payroll/changes?status=exported").json()
    assert exported["count"] == 1


def test_a_tampered_export_is_never_served(as_: As, engine: Engine) -> None:
    """Issue 14: an export is checked against its stored sha256 when read. The append-only
    triggers have to be switched off to change it at all, as someone with the database's
    owner role could."""
    a = propose(as_, "P-1")
    assert as_["payroll"].post(f"/v1/payroll/changes/{a['id']}/approve").status_code == 200
    r = as_["payroll"].post("/v1/payroll/exports", json={"jurisdiction": "us-va/pwcs"})
    export_id = r.headers["x-export-id"]
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER payroll_export_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE payroll_export DISABLE TRIGGER USER")
        conn.execute(
            sa.text("UPDATE payroll_export SET csv = replace(csv, 'P-1', 'P-9') WHERE id = :i"),
            {"i": export_id},
        )
    for layout in ("", "?layout=workday-comp-change"):
        got = as_["payroll"].get(f"/v1/payroll/exports/{export_id}{layout}")
        assert got.status_code == 500
        assert got.headers["content-type"].startswith("application/problem+json")
        body = got.json()
        assert body["type"] == "/problems/integrity"
        assert export_id in body["detail"] and "sha256" in body["detail"]
        assert "P-9" not in got.text


def test_admin_sees_every_district(as_: As) -> None:
    propose(as_)
    assert as_["admin"].get("/v1/payroll/changes").json()["count"] == 1


def test_ad_hoc_evaluations_never_reach_payroll(as_: As) -> None:
    r = as_["payroll"].post(
        "/v1/evaluate?store=true", json={"educator": pwcs(), "as_of": "2024-12-01"}
    )
    assert r.status_code == 200 and r.json()["salary"]["new_lane"]
    assert as_["payroll"].get("/v1/payroll/changes").json()["count"] == 0


def test_export_in_a_layout(as_: As) -> None:
    a = propose(as_, "P-1")
    as_["payroll"].post(f"/v1/payroll/changes/{a['id']}/approve", json={"note": "ok"})
    bad = as_["payroll"].post("/v1/payroll/exports?layout=sap")
    assert bad.status_code == 422 and "workday-comp-change" in bad.json()["detail"]
    assert bad.json()["errors"][0]["pointer"] == "#/query/layout"
    assert as_["payroll"].get(f"/v1/payroll/changes/{a['id']}").json()["status"] == "approved"
    r = as_["payroll"].post("/v1/payroll/exports?layout=workday-comp-change")
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == XLSX and r.headers["x-export-layout"] == (
        "workday-comp-change"
    )
    export_id = r.headers["x-export-id"]
    assert f'filename="{export_id}.workday-comp-change.xlsx"' in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["Employee ID"] == "P-1" and row["Comment"] == export_id
    again = as_["payroll"].get(f"/v1/payroll/exports/{export_id}?layout=workday-comp-change")
    assert again.status_code == 200 and again.content == r.content
    generic = as_["payroll"].get(f"/v1/payroll/exports/{export_id}")
    assert generic.text.splitlines()[0].startswith("export_id,change_id,")
    assert generic.headers["x-export-layout"] == "generic-csv"
    munis = as_["payroll"].get(
        f"/v1/payroll/exports/{export_id}?layout=tyler-munis-personnel-action"
    )
    assert munis.headers["content-type"].startswith("text/csv")
    assert munis.text.startswith("Employee Number,Action Code,Reason Code,")
    assert as_["payroll"].get(f"/v1/payroll/exports/{export_id}?layout=x").status_code == 422


def test_export_defaults_to_the_districts_layout(as_: As) -> None:
    """Troy 30-C names powerschool-future-pay-rates in its jurisdiction.yaml."""
    case = load_file(REPO / "jurisdictions/us-il/troy-30c/cases/salary.yaml").data[0]
    educator = {**case["input"], "jurisdiction": "us-il/troy-30c"}
    assert as_["admin"].put(f"/v1/educators/{educator['id']}", json=educator).status_code == 201
    ev = as_["admin"].get(f"/v1/educators/{educator['id']}/evaluation?as_of={case['as_of']}")
    change = ev.json()["payroll_change"]
    assert change is not None, ev.text
    as_["admin"].post(f"/v1/payroll/changes/{change['id']}/approve", json={"note": "ok"})
    r = as_["admin"].post("/v1/payroll/exports", json={"jurisdiction": "us-il/troy-30c"})
    assert r.status_code == 201, r.text
    assert r.headers["x-export-layout"] == "powerschool-future-pay-rates"
    (row,) = csv.DictReader(io.StringIO(r.text))
    assert row["Employee Number"] == educator["id"] and row["Salary Schedule"] == change["new_lane"]
    assert row["Annual Salary"] == change["new_annual"]


def test_pay_period_lines_sum_to_the_changes_figures(as_: As) -> None:
    """One line per pay date from the stored evaluation: the lines add up to this school
    year's increase, and the retro lines (pay dates on or before the evaluation) to the retro."""
    a = propose(as_, "P-1")
    as_["payroll"].post(f"/v1/payroll/changes/{a['id']}/approve", json={"note": "ok"})
    r = as_["payroll"].post("/v1/payroll/exports?layout=pay-period-lines")
    assert r.status_code == 201, r.text
    lines = list(csv.DictReader(io.StringIO(r.text)))
    assert len(lines) > 1 and {x["educator_id"] for x in lines} == {"P-1"}
    dates = [x["pay_date"] for x in lines]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert all(d >= a["effective_date"] for d in dates)
    total = sum(Decimal(x["amount"]) for x in lines)
    assert total == Decimal(a["this_year_delta"])
    retro = sum(Decimal(x["amount"]) for x in lines if x["kind"] == "retro")
    assert retro == Decimal(a["retro"] or "0")
    assert {x["kind"] for x in lines} <= {"increase", "retro"}
    assert all(x["pay_date"] <= "2024-12-01" for x in lines if x["kind"] == "retro")
    again = as_["payroll"].get(
        f"/v1/payroll/exports/{r.headers['x-export-id']}?layout=pay-period-lines"
    )
    assert again.content == r.content

"""Issue 13: `GET /v1/notifications` (scoped per key; kind, since, acknowledged filters),
`POST /v1/notifications/{id}/ack`, union keys see aggregate counts only; through HTTP on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from api_support import As, pwcs
from sqlalchemy import Engine

import mccredit
from mccredit.events import run_events

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def raise_events(as_: As, engine: Engine) -> None:
    tn = json.loads((EXAMPLES / "tn-renewal.json").read_text())
    assert as_["licensure"].put("/v1/educators/TN-0001", json=tn).status_code == 201
    assert as_["payroll"].put("/v1/educators/P-1", json=pwcs("P-1")).status_code == 201
    rules = mccredit.default_rules()
    # P-1: BA → BA+15 from 2024-08-15 (retro on 2024-12-01)
    first = run_events(engine, rules=rules, today=dt.date(2024, 12, 1), deliver=False)
    assert first.by_kind == {"lane_eligible": 1} and first.payroll_proposed == 1, first
    # TN-0001: 1 PDP short, 91 days before its cycle ends
    later = run_events(engine, rules=rules, today=dt.date(2027, 6, 1), deliver=False)
    assert later.by_kind == {"renewal_at_risk": 1}, later


def test_each_key_sees_its_jurisdictions_notifications(as_: As, engine: Engine) -> None:
    raise_events(as_, engine)
    tn = as_["licensure"].get("/v1/notifications").json()
    assert [(n["kind"], n["educator"]) for n in tn["data"]] == [("renewal_at_risk", "TN-0001")]
    assert tn["count"] == 1 and tn["aggregate_only"] is False
    (n,) = tn["data"]
    assert n["subject"] == "professional" and n["period"] == "2021-09-01/2027-08-31"
    assert n["detail"]["remaining"] == {"pdp": "1.00"} and n["acknowledged_at"] is None
    pay = as_["payroll"].get("/v1/notifications").json()
    assert [(n["kind"], n["educator"]) for n in pay["data"]] == [("lane_eligible", "P-1")]
    lane = pay["data"][0]
    assert lane["detail"]["to_lane"] == "BA+15" and lane["period"] == "2024-08-15"
    # the lane move was proposed to payroll through the existing workflow, not applied
    change = as_["payroll"].get(f"/v1/payroll/changes/{lane['detail']['payroll_change']}")
    assert change.status_code == 200 and change.json()["status"] == "proposed"
    assert as_["payroll_other"].get("/v1/notifications").json()["count"] == 0
    assert as_["licensure_va"].get("/v1/notifications").json()["count"] == 1  # beneath us-va
    assert as_["admin"].get("/v1/notifications").json()["count"] == 2
    # another key's row is absent, not forbidden
    assert as_["payroll_other"].get(f"/v1/notifications/{lane['id']}").status_code == 404
    assert as_["payroll_other"].post(f"/v1/notifications/{lane['id']}/ack").status_code == 404
    assert as_["payroll"].get(f"/v1/notifications/{lane['id']}").json() == lane


def test_union_keys_see_aggregate_counts_only(as_: As, engine: Engine) -> None:
    raise_events(as_, engine)
    r = as_["union"].get("/v1/notifications")
    assert r.status_code == 200
    body = r.json()
    assert body["data"] == [] and body["aggregate_only"] is True and body["count"] == 2
    assert body["aggregates"] == [
        {"kind": "lane_eligible", "jurisdiction": "us-va/pwcs", "count": 1},
        {"kind": "renewal_at_risk", "jurisdiction": "us-tn", "count": 1},
    ]
    assert "TN-0001" not in r.text and "P-1" not in r.text
    one = as_["union"].get("/v1/notifications?kind=renewal_at_risk").json()
    assert one["count"] == 1 and one["data"] == []
    assert as_["union"].get("/v1/notifications?educator_id=P-1").status_code == 403
    ident = as_["admin"].get("/v1/notifications").json()["data"][0]["id"]
    assert as_["union"].get(f"/v1/notifications/{ident}").status_code == 403
    assert as_["union"].post(f"/v1/notifications/{ident}/ack").status_code == 403


def test_filters_and_ack(as_: As, engine: Engine) -> None:
    raise_events(as_, engine)
    admin = as_["admin"]
    assert admin.get("/v1/notifications?kind=lane_eligible").json()["count"] == 1
    assert admin.get("/v1/notifications?kind=stack_completed").json()["count"] == 0
    assert admin.get("/v1/notifications?kind=nonsense").status_code == 422
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert admin.get("/v1/notifications", params={"since": later}).json()["count"] == 0
    assert admin.get("/v1/notifications", params={"since": "2020-01-01"}).json()["count"] == 2
    lane = admin.get("/v1/notifications?kind=lane_eligible").json()["data"][0]
    r = as_["payroll"].post(f"/v1/notifications/{lane['id']}/ack")
    assert r.status_code == 200
    acked = r.json()
    assert acked["acknowledged_at"] is not None and acked["acknowledged_by"].startswith("key:")
    again = as_["admin"].post(f"/v1/notifications/{lane['id']}/ack").json()
    assert again["acknowledged_at"] == acked["acknowledged_at"]  # the first one stands
    assert again["acknowledged_by"] == acked["acknowledged_by"]
    open_ = admin.get("/v1/notifications?acknowledged=false").json()
    assert [n["kind"] for n in open_["data"]] == ["renewal_at_risk"]
    done = admin.get("/v1/notifications?acknowledged=true").json()
    assert [n["id"] for n in done["data"]] == [lane["id"]]
    audit = admin.get("/v1/audit?action=notification.ack").json()
    assert audit["count"] == 1  # acknowledged once, audited once
    assert as_["admin"].post("/v1/notifications/999999/ack").status_code == 404


def test_pagination_counts_every_match(as_: As, engine: Engine) -> None:
    raise_events(as_, engine)
    page = as_["admin"].get("/v1/notifications?limit=1").json()
    assert len(page["data"]) == 1 and page["count"] == 2
    nxt = as_["admin"].get("/v1/notifications?limit=1&offset=1").json()
    assert nxt["data"][0]["id"] > page["data"][0]["id"]
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM outbox")).scalar() == 2

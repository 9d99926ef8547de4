"""POST /v1/scenarios: costing runs in the background, stored with their hashes; union keys
get aggregates with small groups suppressed, through every route (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from api_support import As
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import select

import mccredit
from mccredit.api._jobs import Jobs
from mccredit.api.routes.scenarios import MIN_GROUP, mark_interrupted
from mccredit.scenarios.assumptions import parse_assumptions
from mccredit.scenarios.costing import cost_scenarios, csv_tables
from mccredit.store import read_session, write_session
from mccredit.store.repositories import create_scenario_run, get_scenario_run
from mccredit.store.tables import ScenarioRun

LANES = ["BA", "BA+15", "MA", "MA+30", "DOC"]
ASSUME: dict[str, Any] = {
    "assumptions": "API test (example values)",
    "from_year": 2025,
    "years": 2,
    "scale_growth": "0.02",
    "accrual": {"per_lane": {"BA": 4}},
    "attrition": {"rate": "0.1", "replace_lane": "BA", "replace_step": 1, "seed": 5},
}
BA12 = {
    "proposal": "BA+15 at 12 graduate hours",
    "jurisdiction": "us-va/pwcs",
    "effective": "2025-07-01",
    "set": [{"rule": "pwcs.lane.ba15", "path": "requires", "value": 12}],
}


def roster(n: int, prefix: str = "SR") -> list[dict[str, Any]]:
    """`n` PWCS educators spread over lanes and steps (most cells hold one or two people)."""
    return [
        {
            "id": f"{prefix}-{i:03d}",
            "jurisdiction": "us-va/pwcs",
            "salary": {"lane": LANES[i % 5] if i % 3 else "BA", "step": 1 + (i * 7) % 14},
            "credentials": [
                {
                    "id": "g",
                    "kind": "graduate_course",
                    "earned": "2025-08-01",
                    "semester_credits": 6 + i % 9,
                }
            ],
        }
        for i in range(n)
    ]


def wait(as_: As, who: str, url: str) -> dict[str, Any]:
    """Poll a run's status until it is done or failed (bounded: a hung job fails the test)."""
    deadline = time.monotonic() + 120
    while True:
        r = as_[who].get(url)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def submit(as_: As, who: str, body: dict[str, Any]) -> dict[str, Any]:
    r = as_[who].post("/v1/scenarios", json=body)
    assert r.status_code == 202, r.text
    queued = r.json()
    assert r.headers["location"] == queued["links"]["status"] == f"/v1/scenarios/{queued['id']}"
    assert queued["status"] in ("queued", "running", "done")
    return wait(as_, who, r.headers["location"])


def test_an_uploaded_roster_is_costed_in_the_background_and_stored(as_: As) -> None:
    body = {"educators": roster(40), "proposals": [BA12], "assumptions": ASSUME}
    run = submit(as_, "payroll", body)
    assert run["status"] == "done", run
    assert run["roster"] == "uploaded" and run["educators"] == 40 and run["view"] == "full"
    pw = mccredit.default_rules().get("us-va/pwcs")
    assert run["ruleset"] == {"id": f"{pw.id}@{pw.version}", "sha256": pw.sha256}
    a = parse_assumptions(ASSUME)
    assert run["assumptions_sha256"] == a.sha256
    # the stored result is exactly the costing of the same inputs, hashed over its JSON
    result = as_["payroll"].get(run["links"]["result"]).json()
    want = cost_scenarios(pw, [mccredit.to_educator(e) for e in roster(40)], [BA12], a)
    assert result == json.loads(json.dumps(want))
    canonical = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert run["result_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert run["proposals"] == [
        {"name": BA12["proposal"], "sha256": result["proposals"][0]["proposal"]["sha256"]}
    ]
    # the same inputs again: the same hashes (a figure quoted at the table is reproducible)
    again = submit(as_, "payroll", body)
    assert again["id"] != run["id"]
    for k in ("request_sha256", "roster_sha256", "result_sha256"):
        assert again[k] == run[k]
    # tables and report, as `mccredit scenario` writes them
    r = as_["payroll"].get(run["links"]["tables"]["years"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == csv_tables(result)["years"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4 and {x["scenario"] for x in rows} == {"baseline", BA12["proposal"]}
    r = as_["payroll"].get(run["links"]["report"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.count("<figure class=chart") == 6 and run["assumptions_sha256"] in r.text
    assert as_["payroll"].get(f"{run['links']['status']}/tables/nope").status_code == 404


def test_the_stored_educators_of_a_district_are_costed(as_: As) -> None:
    people = roster(12, "ST")
    for e in people:
        assert as_["admin"].put(f"/v1/educators/{e['id']}", json=e).status_code in (200, 201)
    run = submit(as_, "payroll", {"roster": {"jurisdiction": "us-va/pwcs"}, "assumptions": ASSUME})
    assert run["status"] == "done", run
    assert run["roster"] == "stored" and run["educators"] == 12
    assert len(run["roster_sha256"]) == 64 and run["proposals"] == []
    result = as_["payroll"].get(run["links"]["result"]).json()
    assert result["educators"] == 12 and result["proposals"] == []
    # the stored roster hashes like the same people uploaded
    up = submit(as_, "payroll", {"educators": people, "assumptions": ASSUME})
    assert up["roster_sha256"] == run["roster_sha256"]
    assert up["result_sha256"] == run["result_sha256"]


def test_fte_and_contract_days_weigh_uploaded_and_stored_rosters(as_: As) -> None:
    """A placement's `fte` and `contract_days` weigh pay through the API as the batch
    roster's columns do through the command (pay × FTE × days ÷ `contract_days`)."""
    people = roster(12, "FT")
    for k, e in enumerate(people):
        if k % 3 == 0:
            e["salary"] = {**e["salary"], "fte": "0.5"}
        if k % 4 == 1:
            e["salary"] = {**e["salary"], "fte": "0.8", "contract_days": 180}
    assume = {**ASSUME, "contract_days": 195}
    pw = mccredit.default_rules().get("us-va/pwcs")
    a = parse_assumptions(assume)
    eds = [mccredit.to_educator(e) for e in people]
    weights = {
        e.id: (e.salary.fte or 1) * Decimal(e.salary.contract_days or 195) / 195
        for e in eds
        if e.salary is not None and (e.salary.fte or e.salary.contract_days)
    }
    want = json.loads(json.dumps(cost_scenarios(pw, eds, [BA12], a, weights=weights)))
    full = json.loads(json.dumps(cost_scenarios(pw, eds, [BA12], a, weights={})))
    # k = 0, 3, 6 at 0.5; k = 1, 5, 9 at 0.8 × 180 ÷ 195; the other six full-time
    assert Decimal(want["baseline"]["years"][0]["fte"]) == 6 + Decimal("1.5") + 3 * (
        Decimal("0.8") * Decimal(180) / Decimal(195)
    )
    assert (
        want["baseline"]["years"][0]["total_salary"] != full["baseline"]["years"][0]["total_salary"]
    )
    up = submit(as_, "payroll", {"educators": people, "proposals": [BA12], "assumptions": assume})
    assert up["status"] == "done", up
    assert as_["payroll"].get(up["links"]["result"]).json() == want
    for e in people:
        assert as_["admin"].put(f"/v1/educators/{e['id']}", json=e).status_code in (200, 201)
    run = submit(
        as_,
        "payroll",
        {"roster": {"jurisdiction": "us-va/pwcs"}, "proposals": [BA12], "assumptions": assume},
    )
    assert run["status"] == "done", run
    assert as_["payroll"].get(run["links"]["result"]).json() == want
    # days without the scale's days in the assumptions: the run fails with the reason
    bad = submit(as_, "payroll", {"educators": people, "assumptions": ASSUME})
    assert bad["status"] == "failed" and "contract_days" in json.dumps(bad)


def test_union_keys_get_aggregates_with_small_groups_suppressed_everywhere(as_: As) -> None:
    people = roster(60, "UN")
    body = {"educators": people, "proposals": [BA12], "assumptions": ASSUME}
    run = submit(as_, "union", body)
    assert run["status"] == "done" and run["view"] == "union"
    answers = [as_["union"].get(run["links"]["status"]).text]
    result = as_["union"].get(run["links"]["result"]).json()
    answers.append(json.dumps(result))
    answers.append(as_["union"].get(run["links"]["report"]).text)
    answers += [as_["union"].get(u).text for u in run["links"]["tables"].values()]
    for text in answers:
        assert "UN-0" not in text  # no educator id through any route
    assert result["suppression"]["minimum"] == MIN_GROUP
    cells = result["baseline"]["scattergram"]
    hidden = [c for c in cells if c["suppressed"]]
    assert hidden and all(c["fte"] is None and c["cost"] is None for c in hidden)
    assert all(
        c["fte"] is None or float(c["fte"]) >= MIN_GROUP or float(c["fte"]) == 0 for c in cells
    )
    for g in result["proposals"][0]["gains"]["bands"]:
        assert g["people"] is None or g["people"] == 0 or g["people"] >= MIN_GROUP
    for g in result["proposals"][0]["gains"]["by_lane"]:
        for k in ("people", "winners", "losers"):
            assert g[k] is None or g[k] == 0 or g[k] >= MIN_GROUP, g
    # a payroll key reads the same run in full; a union key never does, even of payroll's run
    full = as_["payroll"].get(run["links"]["result"]).json()
    assert "suppression" not in full
    assert any(0 < float(c["fte"]) < MIN_GROUP for c in full["baseline"]["scattergram"])
    theirs = submit(as_, "payroll", body)
    assert "suppression" in as_["union"].get(theirs["links"]["result"]).json()
    # a roster too small to cost without singling someone out is refused, nothing queued
    small = {"educators": roster(MIN_GROUP - 1, "SM"), "assumptions": ASSUME}
    r = as_["union"].post("/v1/scenarios", json=small)
    assert r.status_code == 422 and r.json()["type"] == "/problems/group-too-small"


def test_bad_requests_name_the_field_and_queue_nothing(as_: As, engine: Engine) -> None:
    def post(body: dict[str, Any], who: str = "payroll") -> Any:
        return as_[who].post("/v1/scenarios", json=body)

    r = post(
        {"educators": roster(5), "roster": {"jurisdiction": "us-va/pwcs"}, "assumptions": ASSUME}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/roster"
    r = post({"educators": roster(5), "assumptions": {**ASSUME, "years": 0}})
    assert r.status_code == 422
    assert [e["pointer"] for e in r.json()["errors"]] == ["/assumptions/years"]
    bad = {**BA12, "set": [{"rule": "pwcs.lane.nope", "path": "requires", "value": 1}]}
    r = post({"educators": roster(5), "proposals": [BA12, bad], "assumptions": ASSUME})
    assert r.status_code == 422, r.text
    assert all(e["pointer"].startswith("/proposals/1") for e in r.json()["errors"]), r.json()
    r = post({"educators": [*roster(2), {"id": "X"}], "assumptions": ASSUME})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"].startswith("/educators/2")
    # an assumed degree on a lane no scale has: named before anything is queued
    degrees = {"code": "masters", "per_lane": {"BA": 0.05, "MA+90": 0.1}, "filed": "01-20"}
    r = post({"educators": roster(5), "assumptions": {**ASSUME, "degrees": degrees}})
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["/assumptions/degrees/per_lane/MA+90"]
    r = post({"educators": roster(5), "assumptions": ASSUME}, who="payroll_other")
    assert r.status_code == 404
    r = post({"roster": {"jurisdiction": "us-va/pwcs"}, "assumptions": ASSUME})
    assert r.status_code == 422 and r.json()["errors"][0]["type"] == "scenario.no_roster"
    r = post({"roster": {"jurisdiction": "us-tn"}, "assumptions": ASSUME}, who="payroll")
    assert r.status_code == 404
    with read_session(engine) as s:
        assert s.exec(select(ScenarioRun)).all() == []
    assert as_["payroll"].get("/v1/scenarios/" + "0" * 32).status_code == 404
    assert as_["payroll"].get("/v1/scenarios/not-an-id").status_code == 422


def test_a_run_that_cannot_be_costed_fails_with_the_reason(as_: As) -> None:
    people = roster(6)
    people[0]["salary"]["step"] = 40  # no such step on the PWCS scale
    run = submit(as_, "payroll", {"educators": people, "assumptions": ASSUME})
    assert run["status"] == "failed" and run["result_sha256"] is None
    assert run["error"]["type"] == "/problems/scenario-failed"
    assert "step 40" in run["error"]["detail"]
    r = as_["payroll"].get(run["links"]["result"])
    assert r.status_code == 409 and r.json()["type"] == "/problems/scenario-not-done"


def _queued(engine: Engine, n: int) -> list[str]:
    """`n` runs queued straight in the store (no job behind them)."""
    with write_session(engine) as s:
        ids = [
            create_scenario_run(
                session=s,
                jurisdiction="us-va/pwcs",
                roster_kind="uploaded",
                educators=0,
                roster_sha256="",
                ruleset_id="x",
                ruleset_sha256="y",
                assumptions_sha256="z",
                proposals=[],
                request={},
                created_by="test",
            ).id
            for _ in range(n)
        ]
        s.commit()
    return ids


def test_a_queued_run_answers_409_until_done(as_: As, engine: Engine) -> None:
    [run_id] = _queued(engine, 1)
    st = as_["payroll"].get(f"/v1/scenarios/{run_id}").json()
    assert st["status"] == "queued" and st["started"] is None
    for tail in ("result", "report", "tables/years"):
        r = as_["payroll"].get(f"/v1/scenarios/{run_id}/{tail}")
        assert r.status_code == 409 and r.headers["location"] == f"/v1/scenarios/{run_id}"
    assert as_["licensure"].get(f"/v1/scenarios/{run_id}").status_code == 404  # out of scope


def test_queued_jobs_are_marked_interrupted_on_shutdown(engine: Engine, app: FastAPI) -> None:
    ids = _queued(engine, 2)
    jobs = Jobs(mark_interrupted(engine))
    started, release = threading.Event(), threading.Event()

    def block() -> None:
        started.set()
        release.wait(30)

    jobs.submit("blocker", block)
    jobs.submit(ids[0], lambda: None)
    jobs.submit(ids[1], lambda: None)
    assert started.wait(30)
    stopper = threading.Thread(target=jobs.shutdown)
    stopper.start()
    release.set()
    stopper.join(30)
    assert not stopper.is_alive()
    with read_session(engine) as s:
        for run_id in ids:
            run = get_scenario_run(session=s, run_id=run_id, scopes=["*"])
            assert run is not None and run.status == "failed"
            assert json.loads(run.error_json or "{}")["type"] == "/problems/interrupted"


def test_a_server_killed_mid_run_leaves_no_run_running(engine: Engine, app: FastAPI) -> None:
    """A process killed outright leaves its run `running` and its queue lost: the next server
    over the database fails them, with the reason, and leaves finished runs alone."""
    from mccredit.api.main import create_app
    from mccredit.store.repositories import finish_scenario_run, start_scenario_run

    running, queued, done = _queued(engine, 3)
    with write_session(engine) as s:
        assert start_scenario_run(session=s, run_id=running)
        assert start_scenario_run(session=s, run_id=done)
        assert finish_scenario_run(session=s, run_id=done, result={"ok": 1})
        s.commit()
    fresh = create_app(engine=engine)
    try:
        with read_session(engine) as s:
            for run_id in (running, queued):
                run = get_scenario_run(session=s, run_id=run_id, scopes=["*"])
                assert run is not None and run.status == "failed" and run.finished is not None
                err = json.loads(run.error_json or "{}")
                assert err["type"] == "/problems/interrupted"
                assert "submit it again" in err["detail"]
            kept = get_scenario_run(session=s, run_id=done, scopes=["*"])
            assert kept is not None and kept.status == "done"
    finally:
        fresh.state.jobs.shutdown()


@pytest.fixture(autouse=True)
def _no_leftover_jobs(app: FastAPI) -> Any:
    yield
    app.state.jobs.shutdown()

"""The account behind every figure (issue 10, point 3): `explain` lists what did not count and
why, and `explain --json` gives the same account under `trace`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import mccredit
from mccredit._yaml import load_file
from mccredit.cli import app

REPO = Path(__file__).resolve().parents[3]
TN_WINDOW = REPO / "examples" / "tn-window.json"


def _trace(inp: Any, as_of: str, jurisdiction: str | None = None) -> dict[str, Any]:
    return mccredit.evaluate(inp, jurisdiction=jurisdiction, as_of=as_of, trace=True)


def test_tn_ledger_of_92_50_shows_which_12_fell_outside_the_window() -> None:
    doc = _trace(TN_WINDOW, "2026-06-30")
    [r] = doc["renewal"]
    assert r["earned"] == {"pdp": "80.50"}
    [t] = doc["trace"]["renewal"]
    assert t["ledger_total"] == {"pdp": "92.50"}
    assert t["outside_window"]["total"] == {"pdp": "12.00"}
    assert [(o["credential"], o["amount"]) for o in t["outside_window"]["entries"]] == [
        ("mc-1", "6.00"),
        ("mc-2", "6.00"),
    ]
    assert "before the cycle starts" in t["outside_window"]["entries"][0]["detail"]
    by_id = {c["credential"]: c for c in doc["trace"]["credentials"]}
    assert set(by_id) == {c["id"] for c in json.loads(TN_WINDOW.read_text())["credentials"]}
    assert [m["reason"] for m in by_id["mc-1"]["not_counted"]] == ["outside_window"]
    assert [m["reason"] for m in by_id["junk-1"]["not_counted"]] == ["not_accepted"]
    assert by_id["mc-3"]["not_counted"] == [] and by_id["mc-3"]["counted"]


def test_the_plain_document_has_no_trace_and_is_otherwise_the_same() -> None:
    plain = mccredit.evaluate(TN_WINDOW, as_of="2026-06-30")
    traced = _trace(TN_WINDOW, "2026-06-30")
    assert "trace" not in plain
    assert {k: v for k, v in traced.items() if k != "trace"} == plain


def test_explain_text_and_json_give_the_same_account() -> None:
    r = CliRunner().invoke(app, ["explain", str(TN_WINDOW), "--as-of", "2026-06-30"])
    assert r.exit_code == 0, r.output
    assert "outside the cycle: 12.00 pdp" in r.output
    assert "mc-1: 6.00 pdp (tn.pdp.micro_credential), credited on 2021-03-01" in r.output
    assert "Rule notes" in r.output and "tn.pdp.micro_credential [S]" in r.output
    j = CliRunner().invoke(app, ["explain", str(TN_WINDOW), "--as-of", "2026-06-30", "--json"])
    assert j.exit_code == 0, j.output
    doc = json.loads(j.output)
    assert set(doc["trace"]) == {"credentials", "renewal", "advancement", "salary", "notes"}
    assert doc["trace"]["renewal"][0]["outside_window"]["total"] == {"pdp": "12.00"}
    again = CliRunner().invoke(app, ["explain", str(TN_WINDOW), "--as-of", "2026-06-30", "--json"])
    assert again.output == j.output  # stable, like --json


def test_advancement_shows_every_condition_with_required_and_found() -> None:
    ed = {
        "id": "TN-P",
        "jurisdiction": "us-tn",
        "experience_years": 1,
        "licenses": [{"type": "practitioner", "issued": "2023-08-01", "expires": "2026-08-31"}],
        "credentials": [
            {"id": "ws", "kind": "workshop", "earned": "2024-06-01", "contact_hours": 31}
        ],
    }
    doc = _trace(ed, "2026-03-01")
    [a] = doc["trace"]["advancement"]
    conds = {c["condition"]: c for c in a["conditions"]}
    assert conds["pdp"]["required"] == "30.00" and conds["pdp"]["found"] == "31.00"
    assert conds["pdp"]["met"] is True
    assert all(
        {"condition", "required", "found", "met", "message"} <= set(c) for c in conds.values()
    )
    unmet = {u["condition"] for u in doc["advancement"][0]["unmet"]}
    assert unmet == {c for c, v in conds.items() if not v["met"]}


def test_nc_allocation_shows_every_part_including_credit_no_category_needed() -> None:
    path = REPO / "jurisdictions" / "us-nc" / "cases"
    case = next(
        c
        for f in sorted(path.glob("*.yaml"))
        for c in load_file(f).data
        if "FACTS §5.2" in c["name"]
    )
    doc = _trace({**case["input"], "jurisdiction": "us-nc"}, str(case["as_of"]))
    parts = doc["trace"]["renewal"][0]["allocation"]
    total = sum(Decimal(p["amount"]) for p in parts)
    assert total == Decimal(doc["renewal"][0]["earned"]["ceu"])  # every counted credit placed
    assert any(p["category"] is None for p in parts)
    assert len(parts) > len(doc["renewal"][0]["allocation"])


def test_salary_credit_shows_what_each_line_became() -> None:
    ed = {
        "id": "PW",
        "jurisdiction": "us-va/pwcs",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": "g1",
                "kind": "graduate_course",
                "semester_credits": 12,
                "earned": "2024-09-01",
                "submitted": "2024-12-15",
            },
            {
                "id": "g2",
                "kind": "graduate_course",
                "semester_credits": 8,
                "earned": "2024-10-01",
                "submitted": "2024-12-15",
            },
            {
                "id": "g3",
                "kind": "graduate_course",
                "semester_credits": 3,
                "earned": "2024-10-01",
                "submitted": "2025-09-01",
            },
        ],
    }
    doc = _trace(ed, "2025-01-05")
    lines = [(s["credential"], s["amount"], s["status"]) for s in doc["trace"]["salary"]]
    assert ("g1", "12.00", "consumed_by_lane_move") in lines
    assert ("g2", "3.00", "consumed_by_lane_move") in lines
    assert ("g2", "5.00", "banked") in lines
    g3 = next(c for c in doc["trace"]["credentials"] if c["credential"] == "g3")
    assert [m["reason"] for m in g3["not_counted"]] == ["future_dated"]


def _bundled_cases() -> list[Any]:
    out = []
    for f in sorted((REPO / "jurisdictions").rglob("cases/*.yaml")):
        for c in load_file(f).data or []:
            if isinstance(c, dict) and "expect" in c:
                jid = f.parent.parent.relative_to(REPO / "jurisdictions").as_posix()
                out.append(pytest.param(c, jid, id=f"{jid}:{c['name'][:40]}"))
    return out


@pytest.mark.parametrize(("case", "jid"), _bundled_cases())
def test_the_account_adds_up_for_every_bundled_case(case: dict[str, Any], jid: str) -> None:
    inp = {**case["input"]}
    inp.setdefault("jurisdiction", jid)
    doc = _trace(inp, str(case["as_of"]), case.get("jurisdiction"))
    t = doc["trace"]
    # every credential of the input is accounted for (badges add theirs)
    ids = [c["credential"] for c in t["credentials"]]
    assert {c["id"] for c in inp.get("credentials", [])} <= set(ids)
    for r, acct in zip(doc["renewal"], t["renewal"], strict=True):
        for unit, earned in r["earned"].items():
            ledger = Decimal(acct["ledger_total"].get(unit, "0"))
            outside = Decimal(acct["outside_window"]["total"].get(unit, "0"))
            cut = sum(
                (Decimal(c["excluded"]) for c in acct["capped"] if c["unit"] == unit), Decimal(0)
            )
            # the ledger, less what fell outside the cycle and what the cycle caps cut, is
            # exactly what the renewal counts
            assert ledger - outside - cut == Decimal(earned), (unit, acct)


def test_pooled_hours_short_of_a_credit_are_listed_as_banked() -> None:
    rules = mccredit.load_rules(REPO / "tests" / "fixtures" / "contract-clauses")
    ed = {
        "id": "XX",
        "jurisdiction": "xx-ex",
        "salary": {"lane": "BA", "step": 4},
        "credentials": [
            {
                "id": "w-1",
                "kind": "workshop",
                "earned": "2024-09-10",
                "contact_hours": 6,
                "submitted": "2024-09-12",
            },
            {"id": "c-1", "kind": "conference", "earned": "2024-09-11", "submitted": "2024-09-12"},
        ],
    }
    doc = mccredit.evaluate(ed, as_of="2024-12-01", rules=rules, trace=True)
    by_id = {c["credential"]: c["not_counted"] for c in doc["trace"]["credentials"]}
    assert [m["reason"] for m in by_id["w-1"]] == ["banked"]
    assert [m["reason"] for m in by_id["c-1"]] == ["not_approved"]

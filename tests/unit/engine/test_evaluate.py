"""Awards, windows, evaluation awards, rounding, warnings and renewal status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import mccredit
from mccredit.ledger import Rounder
from mccredit.rules._models import UnitDef

from ._trees import (
    MICRO,
    RULE,
    WORKSHOP,
    award,
    awards,
    by_credential,
    educator,
    mc,
    requirement,
    ws,
)

TN_PRO = {"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}


def tn(*creds, **kw):
    return {
        "id": "TN-1",
        "jurisdiction": "us-tn",
        "licenses": [TN_PRO],
        "credentials": list(creds),
        **kw,
    }


# --- windows (bundled Tennessee rules) ------------------------------------------------------


def test_credit_before_the_license_was_issued_does_not_count_toward_renewal(rules) -> None:
    doc = mccredit.evaluate(
        tn(
            ws("before", "2021-08-31", 10),
            ws("first-day", "2021-09-01", 7),
            ws("after", "2027-09-01", 5),
        ),
        as_of="2026-06-30",
        rules=rules,
    )
    # the ledger keeps what came before the license; nothing earned after as_of counts
    assert doc["totals"] == {"pdp": "17.00"}
    assert [w["code"] for w in doc["warnings"]] == ["earned_after_as_of"]
    (r,) = doc["renewal"]
    assert r["earned"] == {"pdp": "7.00"}
    assert r["remaining"] == {"pdp": "53.00"}
    later = mccredit.evaluate(
        tn(ws("before", "2021-08-31", 10), ws("after", "2027-09-01", 5)),
        as_of="2027-09-01",
        rules=rules,
    )
    (r,) = later["renewal"]  # after the cycle's end (2027-08-31): outside the window
    assert later["totals"] == {"pdp": "15.00"} and r["earned"] == {"pdp": "0.00"}


def test_advancement_counts_only_inside_the_practitioner_license(rules) -> None:
    ed = tn(
        ws("before", "2019-12-31", 20),
        ws("in", "2020-06-01", 25),
        licenses=[{"type": "practitioner", "issued": "2020-01-01", "expires": "2023-12-31"}],
        experience_years=3,  # Policy 5.502 p.14: three years of experience on every path
    )
    (a,) = mccredit.evaluate(ed, as_of="2022-01-01", rules=rules)["advancement"]
    assert (a["tier"], a["from"], a["eligible"]) == ("professional", "practitioner", False)
    assert a["unmet"][0]["found"] == "25.00"
    ed["credentials"].append(ws("more", "2021-06-01", 5))
    (a,) = mccredit.evaluate(ed, as_of="2022-01-01", rules=rules)["advancement"]
    assert a["eligible"] is True and a["unmet"] == []


# --- awards ---------------------------------------------------------------------------------


def test_tennessee_conversions(rules) -> None:
    ed = tn(
        {"id": "sh", "kind": "graduate_course", "earned": "2022-01-01", "semester_credits": 3},
        {
            "id": "au",
            "kind": "graduate_course",
            "earned": "2022-01-02",
            "semester_credits": 1,
            "audited": True,
        },
        {"id": "ceu", "kind": "ceu_course", "earned": "2022-01-03", "ceus": "1.5"},
        {"id": "nb", "kind": "national_board", "earned": "2022-01-04"},
        mc("mc", "2022-01-05", "DP-LIT-201", issuer="digital-promise"),
        ws("ws", "2022-01-06", "2.5"),
    )
    doc = mccredit.evaluate(ed, as_of="2026-06-30", rules=rules)
    assert by_credential(doc) == {
        "sh": "30.00",
        "au": "5.00",
        "ceu": "7.50",
        "nb": "30.00",
        "mc": "6.00",
        "ws": "2.50",
    }
    au = next(e for e in doc["ledger"] if e["credential"] == "au")
    assert au["basis"] == "1 audited semester credits × 5"
    assert doc["totals"] == {"pdp": "81.00"}
    assert doc["renewal"][0]["complete"] is True
    assert doc["renewal"][0]["status"] == "complete"


def test_evaluation_awards_by_score(rules) -> None:
    evs = [
        {"year": 2022, "score": 5},
        {"year": 2023, "score": 4},
        {"year": 2024, "score": 3},
        {"year": 2025, "score": 2},
    ]
    doc = mccredit.evaluate(tn(evaluations=evs), as_of="2026-06-30", rules=rules)
    assert by_credential(doc) == {
        "evaluation:2022": "20.00",
        "evaluation:2023": "15.00",
        "evaluation:2024": "10.00",
    }
    e = doc["ledger"][0]
    assert (e["kind"], e["date"]) == ("evaluation", "2022-06-30")
    assert e["basis"] == "school year 2021-22 score 5 → 20"


def test_an_evaluation_year_before_the_license_does_not_count(rules) -> None:
    evs = [{"year": 2021, "score": 5}]  # 2020-21 ends 2021-06-30, before 2021-09-01
    doc = mccredit.evaluate(tn(evaluations=evs), as_of="2026-06-30", rules=rules)
    assert doc["totals"] == {"pdp": "20.00"}
    assert doc["renewal"][0]["earned"] == {"pdp": "0.00"}


def test_max_per_credential(make_tree) -> None:
    rule = award("xx.hr.workshop", "{kind: workshop}", extra="    max_per_credential: 4\n")
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(rule)}))
    doc = mccredit.evaluate(educator(ws("w", "2021-01-01", 9)), as_of="2024-01-01", rules=rules)
    (e,) = doc["ledger"]
    assert e["amount"] == "4.00"
    assert e["notes"] == ["limited to 4 per credential by xx.hr.workshop"]


def test_catalog_hours_fill_a_missing_measure(make_tree) -> None:
    rule = award("xx.hr.mc_hours", "{kind: micro_credential, accepted: true}")
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(rule)}))
    ed = educator(mc("m", "2021-01-01", "A-LIT"), mc("m2", "2021-01-02", "A-SUB", contact_hours=12))
    assert by_credential(mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)) == {
        "m": "10.00",
        "m2": "12.00",
    }


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "hours", "want"),
    [
        ("half_up", "2.25", "2.5"),
        ("half_up", "2.2", "2.0"),
        ("down", "2.45", "2.0"),
        ("up", "2.05", "2.5"),
        ("half_even", "2.25", "2.0"),
        ("half_even", "2.75", "3.0"),
    ],
)
def test_amounts_round_to_the_units_increment(make_tree, mode, hours, want) -> None:
    root = make_tree({"rules/r.yaml": awards(WORKSHOP)}, round="0.5", rounding=mode)
    rules = mccredit.load_rules(root)
    doc = mccredit.evaluate(educator(ws("w", "2021-01-01", hours)), as_of="2024-01-01", rules=rules)
    (e,) = doc["ledger"]
    assert e["amount"] == want
    assert doc["totals"] == {"hr": want}
    if Decimal(want) != Decimal(hours):
        assert e["notes"] == [f"rounded from {hours} to the 0.5 increment"]


@pytest.mark.parametrize(
    ("inc", "mode", "amount", "want"),
    [
        ("0.01", "half_up", "1.005", "1.01"),
        ("0.01", "half_even", "1.005", "1.00"),
        ("0.1", "down", "0.99", "0.9"),
        ("1", "up", "0.01", "1"),
        ("0.25", "half_up", "0.125", "0.25"),
        ("10", "half_up", "15", "20"),
    ],
)
def test_rounder(inc: str, mode: str, amount: str, want: str) -> None:
    r = Rounder(UnitDef(title="u", round=Decimal(inc), rounding=mode))  # type: ignore[arg-type]
    assert str(r(Decimal(amount))) == want


def test_a_rounding_increment_must_be_positive(make_tree) -> None:
    with pytest.raises(mccredit.RuleError, match="must be > 0"):
        mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP)}, round="0"))


# --- warnings -------------------------------------------------------------------------------


def _warnings(doc) -> list[tuple[str, str | None]]:
    return [(w["code"], w["credential"]) for w in doc["warnings"]]


def test_unaccepted_and_missing_issuers_are_warned_unknown_codes_credited(rules) -> None:
    ed = tn(
        mc("junk", "2022-01-01", "X-1", issuer="badgemill"),
        {"id": "anon", "kind": "micro_credential", "earned": "2022-01-02"},
        mc("typo", "2022-01-03", "DP-LIT-999", issuer="digital-promise"),
        mc("ok", "2022-01-04", "DP-LIT-201", issuer="digital-promise"),
    )
    doc = mccredit.evaluate(ed, as_of="2026-06-30", rules=rules)
    assert _warnings(doc) == [
        ("issuer_not_accepted", "junk"),
        ("issuer_missing", "anon"),
    ]
    # the bundled catalog is an example list: an unknown code from an accepted issuer is
    # credited on the issuer's acceptance, and its ledger line says so
    assert by_credential(doc) == {"typo": "6.00", "ok": "6.00"}
    typo = next(e for e in doc["ledger"] if e["credential"] == "typo")
    assert typo["basis"].startswith("issuer accepted; code not in catalog")
    ok = next(e for e in doc["ledger"] if e["credential"] == "ok")
    assert "code not in catalog" not in ok["basis"]
    junk = doc["warnings"][0]["message"]
    assert "'badgemill'" in junk and "not credited" in junk and "digital-promise" in junk


@pytest.mark.parametrize(
    ("setting", "credited"),
    [
        ("", {"m": "6.00"}),
        ("\n  strict_codes: false", {"m": "6.00"}),
        ("\n  strict_codes: true", {}),
        ("\n  approved_codes_only: true", {}),
    ],
)
def test_unknown_codes_follow_approved_codes_only(make_tree, setting, credited) -> None:
    root = make_tree({"rules/r.yaml": awards(MICRO)})
    j = root / "jurisdictions" / "xx-yy" / "jurisdiction.yaml"
    j.write_text(j.read_text().replace("issuers: [acme]", "issuers: [acme]" + setting))
    rules = mccredit.load_rules(root)
    doc = mccredit.evaluate(
        educator(mc("m", "2021-01-01", "A-NEW")), as_of="2024-01-01", rules=rules
    )
    assert by_credential(doc) == credited
    if not credited:
        w = next(w for w in doc["warnings"] if w["credential"] == "m")
        assert w["code"] == "code_not_in_catalog" and "approved_codes_only" in w["message"]


def test_strict_codes_off_credits_unknown_codes(make_tree) -> None:
    root = make_tree({"rules/r.yaml": awards(MICRO)})
    j = root / "jurisdictions" / "xx-yy" / "jurisdiction.yaml"
    j.write_text(j.read_text().replace("issuers: [acme]", "issuers: [acme]\n  strict_codes: false"))
    rules = mccredit.load_rules(root)
    doc = mccredit.evaluate(
        educator(mc("m", "2021-01-01", "A-NEW")), as_of="2024-01-01", rules=rules
    )
    assert by_credential(doc) == {"m": "6.00"}


def test_missing_measure_no_rule_and_no_requirement_are_warned(make_tree) -> None:
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP)}))
    ed = educator(
        {"id": "w", "kind": "workshop", "earned": "2021-01-01"},
        {"id": "d", "kind": "degree", "earned": "2021-01-01"},
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    assert sorted(_warnings(doc), key=str) == [
        ("measure_missing", "w"),
        ("no_requirement", None),
        ("no_rule", "d"),
    ]
    by_code = {w["code"]: w for w in doc["warnings"]}
    assert by_code["measure_missing"]["rule"] == "xx.hr.workshop"
    assert "'professional' license" in by_code["no_requirement"]["message"]
    assert doc["ledger"] == [] and doc["totals"] == {}


@pytest.mark.parametrize(("as_of", "stale"), [("2024-12-31", False), ("2025-01-01", True)])
def test_review_by_past_as_of_warns_that_a_rule_may_be_stale(make_tree, as_of, stale) -> None:
    rule = award("xx.hr.workshop", "{kind: workshop}", extra="    review_by: 2024-12-31\n")
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(rule)}))
    doc = mccredit.evaluate(educator(ws("w1", "2023-01-01", 5)), as_of=as_of, rules=rules)
    codes = [(w["code"], w["rule"]) for w in doc["warnings"] if w["code"] == "rule_review_due"]
    assert codes == ([("rule_review_due", "xx.hr.workshop")] if stale else [])
    # a stale rule that plays no part in this educator's result stays silent
    quiet = mccredit.evaluate(educator(), as_of=as_of, rules=rules)
    assert "rule_review_due" not in [w["code"] for w in quiet["warnings"]]


def test_review_by_is_silent_for_a_rule_no_longer_in_force(make_tree) -> None:
    rule = award(
        "xx.hr.workshop",
        "{kind: workshop}",
        extra="    review_by: 2020-01-01\n    effective: {until: 2021-12-31}\n",
    )
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(rule)}))
    doc = mccredit.evaluate(educator(), as_of="2024-01-01", rules=rules)
    assert "rule_review_due" not in [w["code"] for w in doc["warnings"]]


# --- renewal status and cycles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "hours", "status"),
    [
        ("2020-01-01", 0, "not_started"),
        ("2022-01-01", 10, "on_track"),
        ("2024-07-01", 10, "at_risk"),  # within 365 days of the end
        ("2025-07-01", 10, "expired"),
        ("2025-07-01", 90, "complete"),
    ],
)
def test_renewal_status(make_tree, as_of, hours, status) -> None:
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP) + requirement()}))
    doc = mccredit.evaluate(educator(ws("w", "2021-01-01", hours)), as_of=as_of, rules=rules)
    (r,) = doc["renewal"]
    assert r["status"] == status
    assert r["complete"] is (status == "complete")
    assert r["cycle"] == {"start": "2020-07-01", "end": "2025-06-30"}


def test_a_license_without_expiry_renews_in_cycles_of_cycle_years(make_tree) -> None:
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP) + requirement()}))
    ed = educator(
        ws("old", "2019-01-01", 50),
        ws("new", "2021-01-01", 5),
        licenses=[{"type": "professional", "issued": "2015-07-01"}],
    )
    (r,) = mccredit.evaluate(ed, as_of="2022-01-01", rules=rules)["renewal"]
    assert r["cycle"] == {"start": "2020-07-01", "end": "2025-06-30"}
    assert r["earned"] == {"hr": "5.00"}


def test_requirement_picks_by_educator_and_license(make_tree) -> None:
    admin = RULE.format(id="xx.renew.admin", title="Administrators renew with 200") + (
        "    license: professional\n    when_educator: {role: administrator}\n"
        "    requires: {hr: 200}\n"
    )
    rules = mccredit.load_rules(
        make_tree({"rules/r.yaml": awards(WORKSHOP) + requirement() + admin})
    )
    teacher = mccredit.evaluate(educator(role="teacher"), as_of="2022-01-01", rules=rules)
    boss = mccredit.evaluate(educator(role="administrator"), as_of="2022-01-01", rules=rules)
    assert teacher["renewal"][0]["required"] == {"hr": "90.00"}
    assert boss["renewal"][0]["required"] == {"hr": "200.00"}
    assert boss["renewal"][0]["rule"] == "xx.renew.admin"


def test_advancement_conditions(make_tree) -> None:
    adv = (
        "advancement:\n"
        + RULE.format(id="xx.adv.master", title="Master teacher")
        + (
            "    tier: master\n    from: professional\n    requires: {hr: 10}\n"
            "    conditions: {experience_years: 5, evaluation_min_score: 4, evaluation_years: 2}\n"
        )
    )
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP) + adv}))
    ed = educator(
        ws("w", "2021-01-01", 4),
        experience_years=3,
        evaluations=[{"year": 2021, "score": 5}, {"year": 2022, "score": 3}],
    )
    (a,) = mccredit.evaluate(ed, as_of="2022-07-01", rules=rules)["advancement"]
    assert a["eligible"] is False
    assert [u["condition"] for u in a["unmet"]] == ["hr", "experience_years", "evaluations"]
    assert a["unmet"][2]["found"] == "2022: 3, 2021: 5"
    ed = educator(
        ws("w", "2021-01-01", 10),
        experience_years=5,
        evaluations=[{"year": 2021, "score": 4}, {"year": 2022, "score": 5}],
    )
    (a,) = mccredit.evaluate(ed, as_of="2022-07-01", rules=rules)["advancement"]
    assert a["eligible"] is True and a["unmet"] == []


def test_amounts_are_decimal_strings_and_exact(rules) -> None:
    ed = tn(*[ws(f"w{i}", "2022-01-01", "0.1") for i in range(3)])
    doc = mccredit.evaluate(ed, as_of="2026-06-30", rules=rules)
    assert doc["totals"] == {"pdp": "0.30"}
    assert all(isinstance(e["amount"], str) for e in doc["ledger"])


@pytest.mark.parametrize("license_type", ["professional", "practitioner"])
def test_a_license_near_the_end_of_the_calendar_does_not_crash(rules, license_type) -> None:
    ed = tn(licenses=[{"type": license_type, "issued": "9998-01-01"}])
    try:
        doc = mccredit.evaluate(ed, as_of="9999-06-01", rules=rules)
    except mccredit.MccreditError:
        return  # refusing the date with a located problem is fine too
    assert doc["as_of"] == "9999-06-01"


def test_a_license_issued_on_29_february_has_contiguous_cycles(make_tree) -> None:
    rules = mccredit.load_rules(make_tree({"rules/r.yaml": awards(WORKSHOP) + requirement()}))
    ed = educator(licenses=[{"type": "professional", "issued": "2024-02-29"}])
    first = mccredit.evaluate(ed, as_of="2025-01-01", rules=rules)["renewal"][0]["cycle"]
    second = mccredit.evaluate(ed, as_of="2030-01-01", rules=rules)["renewal"][0]["cycle"]
    assert first["start"] == "2024-02-29"
    end = first["end"]
    assert second["start"] > end
    assert dt.date.fromisoformat(second["start"]) - dt.date.fromisoformat(end) == dt.timedelta(1)


ADMIN_200 = RULE.format(id="xx.renew.admin", title="Administrators renew with 200") + (
    "    license: professional\n    when_educator: {role: administrator}\n    requires: {hr: 200}\n"
)


def test_which_requirement_applies_does_not_depend_on_file_order(make_tree) -> None:
    general = requirement().replace("requirements:\n", "")
    root = make_tree({"rules/r.yaml": awards(WORKSHOP) + "requirements:\n" + ADMIN_200 + general})
    try:
        rules = mccredit.load_rules(root)
    except mccredit.RuleError:
        return  # reporting the ambiguous overlap at load time is a fix too
    boss = mccredit.evaluate(educator(role="administrator"), as_of="2022-01-01", rules=rules)
    assert boss["renewal"][0]["rule"] == "xx.renew.admin"

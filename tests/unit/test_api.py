"""The public Python API: the same answer whatever form the educator arrives in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import mccredit

ED = {
    "id": "TN-API",
    "jurisdiction": "us-tn",
    "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
    "credentials": [{"id": "w", "kind": "workshop", "earned": "2022-01-01", "contact_hours": 7}],
}


def test_dict_path_str_and_model_give_the_same_document(tmp_path: Path) -> None:
    path = tmp_path / "ed.json"
    path.write_text(json.dumps(ED))
    forms = [ED, path, str(path), mccredit.to_educator(ED)]
    docs = [mccredit.to_json(mccredit.evaluate(f, as_of="2026-06-30")) for f in forms]
    assert len(set(docs)) == 1
    assert mccredit.evaluate(ED, as_of=dt.date(2026, 6, 30)) == json.loads(docs[0])


def test_to_json_is_stable_text() -> None:
    text = mccredit.to_json(mccredit.evaluate(ED, as_of="2026-06-30"))
    assert text.endswith("}\n")
    assert list(json.loads(text)) == [
        "educator",
        "jurisdiction",
        "as_of",
        "ruleset",
        "totals",
        "renewal",
        "advancement",
        "salary",
        "ledger",
        "warnings",
    ]


def test_the_jurisdiction_argument_overrides_the_educators_own() -> None:
    doc = mccredit.evaluate(
        {**ED, "jurisdiction": "zz-zz"}, jurisdiction="us-tn", as_of="2026-06-30"
    )
    assert doc["jurisdiction"] == "us-tn"
    with pytest.raises(mccredit.UnknownJurisdictionError):
        mccredit.evaluate({**ED, "jurisdiction": "zz-zz"}, as_of="2026-06-30")


def test_default_rules_are_loaded_once() -> None:
    assert mccredit.default_rules() is mccredit.default_rules()
    assert mccredit.load_rules() is not mccredit.default_rules()


def test_explain_is_text_naming_every_figure() -> None:
    text = mccredit.explain(ED, as_of="2026-06-30")
    assert text.startswith("Educator TN-API in us-tn as of 2026-06-30\n")
    assert "w: +7.00 pdp" in text
    assert mccredit.explain(ED, as_of="2026-06-30") == text  # callable twice


def test_as_of_defaults_to_today() -> None:
    before = dt.date.today().isoformat()
    got = mccredit.evaluate(ED)["as_of"]
    assert got in {before, dt.date.today().isoformat()}  # midnight may pass meanwhile


def test_as_of_may_be_a_datetime() -> None:
    doc = mccredit.evaluate(ED, as_of=dt.datetime(2026, 6, 30, 12, 0))
    assert doc["as_of"] == "2026-06-30"
    assert doc == mccredit.evaluate(ED, as_of="2026-06-30")

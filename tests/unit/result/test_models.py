"""The typed evaluation: it describes the JSON document completely (no key it does not
model, none it drops), carries typed values, and is what the API documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import mccredit
from mccredit.api.models import EvaluationDocument
from mccredit.result import Evaluation, WarningCode
from mccredit.testing import collect_case_files

REPO = Path(__file__).resolve().parents[3]


def _cases() -> list[Any]:
    out = []
    for f in collect_case_files(REPO / "jurisdictions"):
        folder = f.parent.parent.relative_to(REPO / "jurisdictions").as_posix()
        for i, case in enumerate(yaml.safe_load(f.read_text()) or []):
            if isinstance(case, dict) and "expect" in case and "error" not in case:
                out.append(pytest.param(case, folder, id=f"{folder}:{i}"))
    return out


@pytest.mark.parametrize(("case", "jid"), _cases())
def test_the_json_document_round_trips_through_the_model(case: dict[str, Any], jid: str) -> None:
    inp = {"jurisdiction": jid, **case["input"]}
    as_of = str(case.get("as_of") or dt.date.today())
    ev = mccredit.evaluation_of(inp, as_of=as_of)
    doc = ev.to_dict()
    assert doc == mccredit.evaluate(inp, as_of=as_of)
    # every key of the document is a field of the model (extra keys are refused) and reading
    # the JSON back gives the same evaluation
    again = Evaluation.model_validate(doc)
    assert again == ev
    assert mccredit.to_json(again) == mccredit.to_json(doc)


def test_fields_are_typed() -> None:
    ev = mccredit.evaluation_of(REPO / "examples" / "pwcs-ba15.json", as_of="2025-03-01")
    assert isinstance(ev.as_of, dt.date)
    assert all(isinstance(a, Decimal) for a in ev.totals.values())
    assert ev.salary is not None and isinstance(ev.salary.annual, Decimal)
    assert all(isinstance(e.amount, Decimal) and isinstance(e.date, dt.date) for e in ev.ledger)
    assert all(isinstance(w.code, WarningCode) for w in ev.warnings)


def test_optional_keys_appear_only_when_set() -> None:
    ev = mccredit.evaluation_of(REPO / "examples" / "tn-renewal.json", as_of="2026-06-30")
    doc = ev.to_dict()
    assert "proposal" not in doc
    for line, shown in zip(ev.ledger, doc["ledger"], strict=True):
        assert ("kind" in shown) == (line.kind != "award")
        assert ("notes" in shown) == bool(line.notes)
        assert ("before_caps" in shown) == (line.before_caps is not None)


def test_the_api_documents_the_typed_model() -> None:
    assert issubclass(EvaluationDocument, Evaluation)
    assert EvaluationDocument.model_config.get("extra") == "forbid"
    with pytest.raises(ValueError, match="surprise"):
        doc = mccredit.evaluate(REPO / "examples" / "tn-renewal.json", as_of="2026-06-30")
        EvaluationDocument.model_validate({**doc, "surprise": 1})

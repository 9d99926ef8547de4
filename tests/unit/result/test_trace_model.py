"""The typed account (`Trace`): explain's JSON is exactly the model's, and the contract refuses
what it does not declare (an unknown reason or key)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import mccredit
from mccredit.result._trace import Trace, TraceMissed

REPO = Path(__file__).resolve().parents[3]


def test_explain_json_round_trips_through_the_model() -> None:
    doc = mccredit.evaluate(REPO / "examples" / "tn-window.json", as_of="2026-06-30", trace=True)
    assert Trace.model_validate(doc["trace"]).to_dict() == doc["trace"]


def test_an_undeclared_reason_or_key_is_refused() -> None:
    base = {"figure": "totals", "unit": None, "amount": None, "rule": None, "detail": "x"}
    assert TraceMissed.model_validate({**base, "reason": "capped"}).reason == "capped"
    with pytest.raises(ValidationError):
        TraceMissed.model_validate({**base, "reason": "because"})
    with pytest.raises(ValidationError):
        TraceMissed.model_validate({**base, "reason": "capped", "extra": 1})

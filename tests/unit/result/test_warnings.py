"""Warning codes: one template each, filled in full or not at all."""

from __future__ import annotations

import polars as pl
import pytest

from mccredit.batch._warnings import message_expr
from mccredit.result import Warning, WarningCode, placeholders
from mccredit.result._warnings import TEMPLATES


def test_every_code_has_one_template() -> None:
    assert set(TEMPLATES) == set(WarningCode)


def test_render_fills_every_placeholder() -> None:
    msg = WarningCode.RULE_REVIEW_DUE.render(rule="tn.x", review_by="2025-01-01")
    assert msg == "rule 'tn.x' was due for review by 2025-01-01: it may be stale"


def test_render_refuses_a_missing_or_unknown_placeholder() -> None:
    with pytest.raises(KeyError):
        WarningCode.RULE_REVIEW_DUE.render(rule="tn.x")
    with pytest.raises(ValueError, match="reviewed"):
        WarningCode.RULE_REVIEW_DUE.render(rule="tn.x", review_by="d", reviewed="d")


def test_a_warning_fills_credential_and_rule_placeholders() -> None:
    w = Warning.of(
        WarningCode.MEASURE_MISSING,
        credential="c-1",
        rule="r.1",
        measure="contact hours",
        per="contact_hours",
    )
    assert w.to_dict() == {
        "code": "measure_missing",
        "credential": "c-1",
        "rule": "r.1",
        "message": "rule 'r.1' credits contact hours but credential 'c-1' has no contact_hours",
    }


@pytest.mark.parametrize("code", list(WarningCode))
def test_the_columnar_rendering_equals_the_python_one(code: WarningCode) -> None:
    values = {name: f"<{name}>" for name in placeholders(code)}
    # half the parameters per row (columns), half the same for every row (plain values)
    names = list(values)
    cols = {n: pl.lit(values[n]) for n in names[::2]}
    plain = {n: values[n] for n in names[1::2]}
    got = pl.select(message_expr(code, **cols, **plain).alias("m")).item()
    assert got == code.render(**values)

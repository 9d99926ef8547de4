"""The per-educator path builds its `Educator` models from rows `prepare` has checked without
validating them again; the models are the ones validation gives, field for field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import mccredit
from mccredit.batch._chunk import _typed
from mccredit.batch._fallback import educators_from_rows

from .conftest import chunk_of
from .strategies import roster


@pytest.mark.parametrize("jid", ["us-tn", "us-nc", "us-il/troy-30c"])
def test_trusted_models_equal_validated(rules: mccredit.RuleSet, jid: str) -> None:
    j = rules.get(jid)

    @settings(
        max_examples=25,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(roster(j))
    def check(data: Any) -> None:
        ch = chunk_of(*data)
        edu, _ = _typed(ch.educators, "educators")
        cred, _ = _typed(ch.credentials, "credentials")
        evals, _ = _typed(ch.evaluations, "evaluations")
        fast, rej_fast = educators_from_rows(edu, cred, evals, jid)
        slow, rej_slow = educators_from_rows(edu, cred, evals, jid, validate=True)
        assert rej_fast == rej_slow == []  # rows prepare passed satisfy the models
        assert [(e, r) for e, _, r in fast] == [(e, r) for e, _, r in slow]
        for (_, a, _), (_, b, _) in zip(fast, slow, strict=True):
            assert a == b
            assert a.model_dump() == b.model_dump()
            assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
            assert a.model_dump_json() == b.model_dump_json()

    check()

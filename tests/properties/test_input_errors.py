"""Whatever an educator document holds, a bad one is an `InputError` with exactly one line
per problem."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

import mccredit
from mccredit import InputError

from .strategies import PROPERTY
from .test_badge_input import JSON

FIELDS = [
    "id",
    "jurisdiction",
    "licenses",
    "credentials",
    "evaluations",
    "experience_years",
    "role",
    "grade_band",
    "salary",
    "name",
    "badges",
]
KEYS = st.sampled_from(FIELDS) | st.text(max_size=6)


@PROPERTY
@given(st.dictionaries(KEYS, JSON, max_size=6))
@example({"id": "E", "jurisdiction": "us-tn", "a\nb": 1})
def test_bad_documents_are_input_errors_one_line_per_problem(doc: dict[str, Any]) -> None:
    try:
        mccredit.to_educator(doc)
    except InputError as e:
        assert e.problems
        assert len(str(e).splitlines()) == len(e.problems)

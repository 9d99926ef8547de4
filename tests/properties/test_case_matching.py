"""The case runner's matcher: a document always matches itself, and a changed number never."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from mccredit.testing import match

from .strategies import PROPERTY

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-100, 100)
    | st.text(max_size=6)
    | st.decimals(-100, 100, places=2).map(str)
    | st.sampled_from(["NaN", "sNaN", "Infinity", "1e2", "-0"])
)
DOCS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["a", "b", "warnings", "ledger", "totals"]), inner, max_size=3
        )
    ),
    max_leaves=10,
)


@PROPERTY
@given(DOCS)
@example({"id": "NaN"})
def test_a_document_matches_itself(doc) -> None:
    assert match(doc, doc) == []


@PROPERTY
@given(st.decimals(-1000, 1000, places=2), st.decimals(-1000, 1000, places=2))
def test_numbers_compare_as_decimals(a, b) -> None:
    assert (match({"x": str(a)}, {"x": f"{b:.2f}"}) == []) is (a == b)

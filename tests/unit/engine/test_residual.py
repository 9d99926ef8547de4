"""An award found under a credential's kind in `Plan.by_kind` checks only `residual(when)`:
for every matcher and credential, that answers exactly as the whole matcher does."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mccredit.engine._plan import residual
from mccredit.rules._matchers import Matcher

KINDS = ("micro_credential", "workshop", "graduate_course", "conference")
ISSUERS = ("nea", "ctq", None)


def _field() -> st.SearchStrategy[Matcher]:
    kind = st.one_of(
        st.builds(
            lambda v: Matcher(op="field", field="kind", cmp="eq", value=v), st.sampled_from(KINDS)
        ),
        st.builds(
            lambda vs, cmp: Matcher(op="field", field="kind", cmp=cmp, value=tuple(vs)),
            st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True),
            st.sampled_from(("in", "not_in")),
        ),
        st.builds(
            lambda v: Matcher(op="field", field="kind", cmp="ne", value=v), st.sampled_from(KINDS)
        ),
    )
    issuer = st.builds(
        lambda v, cmp: Matcher(op="field", field="issuer", cmp=cmp, value=v),
        st.sampled_from(("nea", "ctq")),
        st.sampled_from(("eq", "ne")),
    )
    hours = st.builds(
        lambda v: Matcher(op="field", field="contact_hours", cmp="gte", value=v),
        st.integers(0, 10),
    )
    return st.one_of(kind, issuer, hours)


MATCHERS = st.recursive(
    _field(),
    lambda inner: st.one_of(
        st.builds(
            lambda cs: Matcher(op="all", children=tuple(cs)),
            st.lists(inner, min_size=1, max_size=4),
        ),
        st.builds(
            lambda cs: Matcher(op="any", children=tuple(cs)),
            st.lists(inner, min_size=1, max_size=3),
        ),
        st.builds(lambda c: Matcher(op="not", children=(c,)), inner),
    ),
    max_leaves=8,
)


@given(
    MATCHERS,
    st.sampled_from(KINDS),
    st.sampled_from(ISSUERS),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_the_residual_answers_as_the_whole_matcher(
    when: Matcher, kind: str, issuer: str | None, hours: int | None
) -> None:
    facts: dict[str, Any] = {"kind": kind, "issuer": issuer, "contact_hours": hours}
    get = facts.get
    indexed = when.values_for("kind")
    listed = indexed is None or kind in indexed  # compile_plan lists the award under these
    left = residual(when)
    by_index = listed and (left is None or left.check(get))
    assert by_index == when.check(get)


def test_a_kind_only_matcher_leaves_nothing_to_check() -> None:
    only = Matcher(op="field", field="kind", cmp="in", value=("workshop", "conference"))
    assert residual(only) is None
    issuer = Matcher(op="field", field="issuer", cmp="eq", value="nea")
    both = Matcher(op="all", children=(only, issuer))
    assert residual(both) == issuer
    assert residual(Matcher(op="any", children=(only, issuer))) is not None

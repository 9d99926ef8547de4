"""Category allocation: optimal (max-flow), never counting an hour twice, deterministic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mccredit
from mccredit.ledger import allocate
from mccredit.ledger._allocate import _max_flow_value
from mccredit.views import render_text

from ._trees import WORKSHOP, awards, educator, requirement, ws

D = Decimal
TENTH = D("0.1")
CATS = "    categories: {subject: 3, literacy: 3, general: 2}\n    open_categories: [general]\n"


def _alloc(items, minimums, open_=(), scale=TENTH):
    return allocate(items, minimums, list(open_), scale)


def test_greedy_trap_a_two_category_credential_goes_where_it_is_needed() -> None:
    # 'a' is listed first and could fill literacy, but only it can fill subject.
    items = [("a", D(3), ["literacy", "subject"]), ("b", D(3), ["literacy"])]
    got = _alloc(items, {"literacy": D(3), "subject": D(3)})
    assert got == [("a", "subject", D(3)), ("b", "literacy", D(3))]


def test_a_credential_may_be_split_across_categories() -> None:
    items = [("a", D(4), ["literacy", "subject"]), ("b", D(2), ["literacy"])]
    got = _alloc(items, {"literacy": D(3), "subject": D(3)})
    assert got == [("a", "literacy", D(1)), ("a", "subject", D(3)), ("b", "literacy", D(2))]


def test_never_counts_an_hour_twice() -> None:
    items = [("a", D("2.5"), ["literacy", "subject"])]
    got = _alloc(items, {"literacy": D(3), "subject": D(3)})
    assert sum(amt for _, _, amt in got) == D("2.5")


def test_open_categories_take_anything_and_unknown_categories_nothing() -> None:
    items = [("a", D(5), ["art"]), ("b", D(1), [])]
    got = _alloc(items, {"literacy": D(3), "general": D(2)}, ["general"])
    assert sum(a for _, c, a in got if c == "general") == D(2)
    assert all(c == "general" for _, c, _ in got)


def test_minimums_cap_what_a_category_takes() -> None:
    got = _alloc([("a", D(10), ["literacy"])], {"literacy": D(3)})
    assert got == [("a", "literacy", D(3))]


def test_empty_inputs() -> None:
    assert _alloc([], {"literacy": D(3)}) == []
    assert _alloc([("a", D(1), ["x"])], {}) == []
    assert _alloc([("a", D(0), ["literacy"])], {"literacy": D(3)}) == []


def test_allocation_is_deterministic() -> None:
    items = [(str(i), D(1), ["literacy", "subject", "general"]) for i in range(8)]
    first = _alloc(items, {"literacy": D(3), "subject": D(3), "general": D(2)})
    for _ in range(5):
        assert _alloc(items, {"literacy": D(3), "subject": D(3), "general": D(2)}) == first


@pytest.fixture
def rules(make_tree):
    root = make_tree({"rules/r.yaml": awards(WORKSHOP) + requirement(8, CATS)}, round="0.1")
    return mccredit.load_rules(root)


def test_renewal_fills_category_minimums_optimally(rules) -> None:
    ed = educator(
        ws("a", "2021-01-01", 3, categories=["literacy", "subject"]),
        ws("b", "2021-02-01", 3, categories=["literacy"]),
        ws("c", "2021-03-01", 2),
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    (r,) = doc["renewal"]
    assert r["categories"] == {
        "subject": {"required": "3.0", "earned": "3.0", "remaining": "0.0"},
        "literacy": {"required": "3.0", "earned": "3.0", "remaining": "0.0"},
        "general": {"required": "2.0", "earned": "2.0", "remaining": "0.0"},
    }
    assert r["complete"] is True
    assert r["short_categories"] == []
    assert {(a["credential"], a["category"], a["amount"]) for a in r["allocation"]} == {
        ("a", "subject", "3.0"),
        ("b", "literacy", "3.0"),
        ("c", "general", "2.0"),
    }


def test_total_met_but_a_category_short_names_the_category(rules) -> None:
    # FACTS §5.2 shape: 3 subject + 2 literacy + 3 general = 8, literacy short by 1
    ed = educator(
        ws("s", "2021-01-01", 3, categories=["subject"]),
        ws("l", "2021-02-01", 2, categories=["literacy"]),
        ws("g", "2021-03-01", 3),
    )
    doc = mccredit.evaluate(ed, as_of="2024-01-01", rules=rules)
    (r,) = doc["renewal"]
    assert r["earned"] == {"hr": "8.0"} and r["remaining"] == {"hr": "0.0"}
    assert r["complete"] is False
    assert r["short_categories"] == ["literacy"]
    assert r["categories"]["literacy"]["remaining"] == "1.0"
    text = render_text(doc)
    assert "category literacy: required 3.0, earned 2.0, remaining 1.0 SHORT" in text


_CATS = ("a", "b", "c", "general")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sets(st.sampled_from(_CATS), max_size=3)), max_size=12
    ),
    st.fixed_dictionaries({c: st.integers(0, 60) for c in _CATS}),
    st.sampled_from([set(), {"general"}]),
)
def test_the_min_cut_value_is_networkx_maximum_flow(
    items: list[tuple[int, set[str]]], need: dict[str, int], open_here: set[str]
) -> None:
    """`_max_flow_value` (the min-cut formula over target-set groups) is networkx's maximum
    flow value on the allocation graph, items with no target included (no open category)."""
    import networkx as nx

    nodes = [(i, cap, own, own | open_here) for i, (cap, own) in enumerate(items)]
    g = nx.DiGraph()
    g.add_node("s")
    g.add_node("t")
    for cat in _CATS:
        g.add_edge(("c", cat), "t", capacity=need[cat])
    for idx, cap, _own, targets in nodes:
        g.add_edge("s", ("i", idx), capacity=cap)
        for cat in targets:
            g.add_edge(("i", idx), ("c", cat), capacity=cap)
    assert _max_flow_value(nodes, need) == nx.maximum_flow_value(g, "s", "t")

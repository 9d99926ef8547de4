"""`least_cost_flow` (networkx's network simplex ported to the allocation graph's arrays)
returns exactly networkx's flow: the same units on every item → category edge, ties and
degenerate pivots included, for up to four categories (NC's three plus `general`) and more."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mccredit.ledger import allocate
from mccredit.ledger._allocate import _max_flow_value, _network_flow, _unique_flow
from mccredit.ledger._simplex import least_cost_flow

POOL = ("digital_learning", "general", "literacy", "subject", "ela", "math")


@st.composite
def graphs(draw: st.DrawFn, max_categories: int = 4) -> tuple[list, list[str], dict[str, int]]:
    cats = sorted(draw(st.sets(st.sampled_from(POOL), min_size=1, max_size=max_categories)))
    # small needs and capacities: many equally cheap flows, where pivots decide
    need = {c: draw(st.integers(0, 12)) for c in cats}
    open_here = set(draw(st.sets(st.sampled_from(cats), max_size=2)))
    nodes = []
    for idx in range(draw(st.integers(1, 12))):
        own = set(draw(st.sets(st.sampled_from(cats), max_size=3)))
        nodes.append((idx, draw(st.integers(0, 9)), own, own | open_here))
    return nodes, cats, need


@given(graphs())
def test_the_port_returns_networkx_flow(graph: tuple[list, list[str], dict[str, int]]) -> None:
    nodes, cats, need = graph
    value = _max_flow_value(nodes, need)
    assert least_cost_flow(nodes, cats, need, value) == _network_flow(nodes, cats, need)


@given(graphs(max_categories=6))
def test_the_port_returns_networkx_flow_beyond_four_categories(
    graph: tuple[list, list[str], dict[str, int]],
) -> None:
    nodes, cats, need = graph
    value = _max_flow_value(nodes, need)
    assert least_cost_flow(nodes, cats, need, value) == _network_flow(nodes, cats, need)


def test_an_ambiguous_allocation_takes_networkx_split() -> None:
    # two credentials each worth 3 in literacy or subject, needs of 3 and 3: four optimal
    # allocations; the port must land where networkx does
    nodes = [(0, 3, {"literacy", "subject"}, {"literacy", "subject"})] * 1 + [
        (1, 3, {"literacy", "subject"}, {"literacy", "subject"})
    ]
    need = {"literacy": 3, "subject": 3}
    assert _unique_flow(nodes, need) is None
    ours = least_cost_flow(nodes, ["literacy", "subject"], need, 6)
    assert ours == _network_flow(nodes, ["literacy", "subject"], need)
    got = allocate(
        [("a", Decimal(3), ["literacy", "subject"]), ("b", Decimal(3), ["literacy", "subject"])],
        {"literacy": Decimal(3), "subject": Decimal(3)},
        [],
        Decimal(1),
    )
    assert sorted(cat for _, cat, _ in got) == ["literacy", "subject"]
    assert sum(amount for *_, amount in got) == 6

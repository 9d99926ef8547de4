"""`least_cost_flow` (networkx's network simplex ported to the allocation graph's arrays)
returns exactly networkx's flow: the same units on every item → category edge, ties and
degenerate pivots included, for up to four categories (NC's three plus `general`) and more,
at small sizes (many equally cheap flows) and at NC's (hundreds of units, ~20 items); and
`allocate` as a whole (its shortcuts included) returns networkx's allocation."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mccredit.ledger import allocate
from mccredit.ledger._allocate import _max_flow_value, _network_flow, _unique_flow
from mccredit.ledger._simplex import least_cost_flow

POOL = ("digital_learning", "general", "literacy", "subject", "ela", "math")


@st.composite
def graphs(
    draw: st.DrawFn, max_categories: int = 4, nc_sizes: bool = False
) -> tuple[list, list[str], dict[str, int]]:
    cats = sorted(draw(st.sets(st.sampled_from(POOL), min_size=1, max_size=max_categories)))
    # small needs and capacities: many equally cheap flows, where pivots decide; or NC's
    # sizes (needs of 2.0-4.0 credits and items of 0.1-6.0 in hundredths, up to 25 items)
    need = {c: draw(st.integers(0, 800 if nc_sizes else 12)) for c in cats}
    open_here = set(draw(st.sets(st.sampled_from(cats), max_size=2)))
    nodes = []
    for idx in range(draw(st.integers(1, 25 if nc_sizes else 12))):
        own = set(draw(st.sets(st.sampled_from(cats), max_size=3)))
        cap = draw(st.integers(0, 600) if nc_sizes else st.integers(0, 9))
        nodes.append((idx, cap, own, own | open_here))
    return nodes, cats, need


def _assert_the_port_is_networkx(graph: tuple[list, list[str], dict[str, int]]) -> None:
    nodes, cats, need = graph
    value = _max_flow_value(nodes, need)
    assert least_cost_flow(nodes, cats, need, value) == _network_flow(nodes, cats, need)


@given(graphs())
def test_the_port_returns_networkx_flow(graph: tuple[list, list[str], dict[str, int]]) -> None:
    _assert_the_port_is_networkx(graph)


@given(graphs(max_categories=6))
def test_the_port_returns_networkx_flow_beyond_four_categories(
    graph: tuple[list, list[str], dict[str, int]],
) -> None:
    _assert_the_port_is_networkx(graph)


@given(graphs(nc_sizes=True))
def test_the_port_returns_networkx_flow_at_nc_sizes(
    graph: tuple[list, list[str], dict[str, int]],
) -> None:
    _assert_the_port_is_networkx(graph)


def _networkx_allocation(
    items: list[tuple[str, Decimal, list[str]]],
    minimums: dict[str, Decimal],
    open_categories: list[str],
    scale: Decimal,
) -> list[tuple[str, str, Decimal]]:
    """What `allocate` returns, from networkx alone: every item with credit a node of the
    graph, its capacity in whole `scale`s, networkx's least-cost maximum flow, the units back
    in amounts, sorted by key then category (the allocation before any shortcut)."""
    cats = sorted(minimums)
    need = {c: int(minimums[c] / scale) for c in cats}
    open_here = {c for c in open_categories if c in minimums}
    nodes = []
    for idx, (_key, amount, categories) in enumerate(items):
        if amount > 0:
            own = {c for c in categories if c in minimums}
            nodes.append((idx, int(amount / scale), own, own | open_here))
    if not nodes:
        return []
    flow = _network_flow(nodes, cats, need)
    return sorted(
        ((items[idx][0], cat, Decimal(units) * scale) for idx, cat, units in flow),
        key=lambda t: (t[0], t[1]),
    )


@st.composite
def allocations(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, Decimal, list[str]]], dict[str, Decimal], list[str], Decimal]:
    scale = draw(st.sampled_from([Decimal("0.01"), Decimal("0.1"), Decimal(1)]))
    cats = draw(st.sets(st.sampled_from(POOL), min_size=1, max_size=4))
    minimums = {c: Decimal(draw(st.integers(0, 80))) / 10 for c in sorted(cats)}
    open_categories = sorted(draw(st.sets(st.sampled_from(POOL), max_size=2)))
    amounts = st.integers(-10, 60).map(lambda tenths: Decimal(tenths) / 10)
    # categories a credential names: the requirement's, others (not counted), or none
    named = st.lists(st.sampled_from((*POOL, "elective", "foundational")), max_size=3)
    items = [(f"{i}", draw(amounts), draw(named)) for i in range(draw(st.integers(0, 22)))]
    return items, minimums, open_categories, scale


@given(allocations())
def test_allocate_returns_networkx_allocation(
    case: tuple[list[tuple[str, Decimal, list[str]]], dict[str, Decimal], list[str], Decimal],
) -> None:
    # the whole of `allocate`: category sets per shape, capacities per amount, the unique-flow
    # shortcut, the min-cut value, the port, the amounts back; the same triples, same texts
    got = allocate(*case)
    want = _networkx_allocation(*case)
    assert [(k, c, str(a)) for k, c, a in got] == [(k, c, str(a)) for k, c, a in want]


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

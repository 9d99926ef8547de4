"""Exact category allocation as a maximum flow.

Credits of one unit may be split across the categories a credential belongs to (NC: a
credential worth several units may be divided; each hour counts once). Each credit entry is a
node with capacity = its amount; each category a node with capacity = its minimum; an entry
links to the categories it may fill (its own, plus the requirement's open categories such as
NC `general`). A maximum flow fills category minimums as fully as any allocation can: optimal,
never counting an hour twice. Among the maximum flows it takes the one of least cost, where an
edge into an open category costs 1 and an edge into a category the credential names costs 0:
credit lands in its own category first and fills `general` only where it must, so the
per-category figures read as a person would allocate them. Deterministic: integer capacities in
the unit's smallest increment, inputs in a fixed order (networkx `max_flow_min_cost`).

Speed without changing any result: the maximum flow's value is the same whatever algorithm
finds it, so it comes from the min-cut formula over the few categories instead of networkx's
preflow-push; where the least-cost maximum flow is unique (every item has one cheapest
category and those fit), it is written down directly, since networkx must return that same
flow; otherwise network simplex decides, on the same graph as before: for up to ten categories
(NC has four) `_simplex.least_cost_flow`, networkx's pivots on the graph's arrays (the same
flow, property-tested against networkx, without building a graph: most of the time NC spent),
beyond that networkx itself. Per allocation the work is kept to the items' few shapes: the
category sets once per set of own categories, a capacity once per amount, the min-cut value
from capacities summed per target set (tests/unit/ledger/test_simplex.py checks `allocate` as
a whole against networkx's allocation).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter

from ._simplex import Node, least_cost_flow

__all__ = ["allocate"]

# The min-cut formula looks at every subset of categories: beyond this many, ask networkx.
_MAX_CUT_CATEGORIES = 10
_NO_CATEGORIES: frozenset[str] = frozenset()


def allocate(
    items: Sequence[tuple[str, Decimal, Sequence[str]]],
    minimums: dict[str, Decimal],
    open_categories: Sequence[str],
    scale: Decimal,
) -> list[tuple[str, str, Decimal]]:
    """Allocate `(key, amount, categories)` items to category `minimums`.

    Returns `(key, category, amount)` triples, sorted by key then category. `scale` is the
    smallest increment (e.g. 0.01): capacities are integers of that increment.
    """
    if not minimums or not items:
        return []
    cats = sorted(minimums)
    need = {cat: int(minimums[cat] / scale) for cat in cats}
    open_here = frozenset(c for c in open_categories if c in minimums)
    # (index, capacity, own categories, all target categories) of each item in the graph; the
    # same sets for items of the same own categories (a handful of shapes per allocation),
    # and the same capacity for the same amount
    known = minimums.keys()
    shapes: dict[frozenset[str], tuple[frozenset[str], frozenset[str]]] = {}
    units_of: dict[Decimal, int] = {}
    supply: dict[frozenset[str], int] = {}  # the items' capacities summed per own categories
    nodes: list[Node] = []
    for idx, (_key, amount, categories) in enumerate(items):
        units = units_of.get(amount)
        if units is None:
            units = units_of[amount] = int(amount / scale) if amount > 0 else -1
        if units < 0:  # no credit to place
            continue
        own = frozenset(known & categories) if categories else _NO_CATEGORIES
        shape = shapes.get(own)
        if shape is None:
            shape = shapes[own] = (own, own | open_here)
            supply[own] = units
        else:
            supply[own] += units
        nodes.append((idx, units, own, shape[1]))
    if not nodes:
        return []
    flow = None
    # the least-cost flow is written down when unique; it can be only where every item with
    # capacity has at most one cheapest category (see `_unique_flow`)
    for own, (_own, targets) in shapes.items():
        if supply[own] and len(own or targets) > 1:
            break
    else:
        flow = _unique_flow(nodes, need)
    if flow is None and len(cats) <= _MAX_CUT_CATEGORIES:
        by_targets: dict[frozenset[str], int] = {}
        for own, units in supply.items():
            targets = shapes[own][1]
            by_targets[targets] = by_targets.get(targets, 0) + units
        flow = least_cost_flow(nodes, cats, need, _cut_value(by_targets, need))
    if flow is None:
        flow = _network_flow(nodes, cats, need)
    amounts: dict[int, Decimal] = {}  # units → amount, once per distinct figure
    out = []
    for idx, cat, count in flow:
        figure = amounts.get(count)
        if figure is None:
            figure = amounts[count] = Decimal(count) * scale
        out.append((items[idx][0], cat, figure))
    out.sort(key=itemgetter(0, 1))
    return out


def _unique_flow(nodes: list[Node], need: dict[str, int]) -> list[tuple[int, str, int]] | None:
    """The least-cost maximum flow when it is unique, else None.

    When every item with capacity has exactly one cheapest category (one of its own, or, with
    none of its own, one open category) and those loads fit every category's capacity, sending
    each item whole to its cheapest category saturates every source edge that can carry flow
    (so it is a maximum flow) and every unit pays the least it can: any other maximum flow
    sends some unit along a dearer edge. That flow is the only optimum, so it is the one
    networkx returns."""
    load = dict.fromkeys(need, 0)
    flow: list[tuple[int, str, int]] = []
    for idx, cap, own, targets in nodes:
        if cap == 0 or not targets:
            continue
        cheapest = own if own else targets
        if len(cheapest) != 1:
            return None
        (cat,) = cheapest
        load[cat] += cap
        flow.append((idx, cat, cap))
    if any(load[cat] > need[cat] for cat in need):
        return None
    return flow


def _max_flow_value(nodes: list[Node], need: dict[str, int]) -> int:
    """The maximum flow's value by max-flow/min-cut: a cut puts a set C of categories on the
    source side (paying their capacities) and cuts the source edge of every item with a target
    outside C (cutting an item's edges into categories costs at least as much, each carrying
    the item's whole capacity)."""
    # the items' capacities summed per target set (a handful of sets): the same sums
    by_targets: dict[frozenset[str], int] = {}
    for _idx, cap, _own, targets in nodes:
        key = frozenset(targets)  # the same set where it is one already
        by_targets[key] = by_targets.get(key, 0) + cap
    return _cut_value(by_targets, need)


def _cut_value(by_targets: dict[frozenset[str], int], need: dict[str, int]) -> int:
    """`_max_flow_value` from the items' capacities summed per target set."""
    cats = sorted(need)
    sets = 1 << len(cats)  # each set C of categories as the bits of its categories
    bit = {cat: 1 << j for j, cat in enumerate(cats)}
    # within[C]: the capacity of the items whose targets all lie in C (those not cut)
    within = [0] * sets
    total = 0
    for targets, cap in by_targets.items():
        mask = 0
        for cat in targets:
            mask |= bit[cat]
        within[mask] += cap
        total += cap
    for b in bit.values():  # summed over the subsets, a category at a time
        for chosen in range(sets):
            if chosen & b:
                within[chosen] += within[chosen ^ b]
    # C's capacities summed as the sets are counted up (C's less its lowest category, plus
    # that category's)
    paid = [0] * sets
    best = total - within[0]  # C empty: every item with a target is cut
    for chosen in range(1, sets):
        low = chosen & -chosen
        paid[chosen] = paid[chosen ^ low] + need[cats[low.bit_length() - 1]]
        cut = paid[chosen] + total - within[chosen]
        if cut < best:
            best = cut
    return best


def _network_flow(
    nodes: list[Node], cats: list[str], need: dict[str, int]
) -> list[tuple[int, str, int]]:
    """networkx's least-cost maximum flow (`max_flow_min_cost`: a maximum flow's value, then
    network simplex with that demand at source and sink), on the graph built in a fixed order."""
    import networkx as nx  # only the rare ambiguous allocations need it; keeps start-up fast

    g = nx.DiGraph()
    src, sink = ("s",), ("t",)
    for cat in cats:
        g.add_edge(("c", cat), sink, capacity=need[cat])
    for idx, cap, own, targets in nodes:
        node = ("i", idx)
        g.add_edge(src, node, capacity=cap)
        for cat in sorted(targets):
            g.add_edge(node, ("c", cat), capacity=cap, weight=0 if cat in own else 1)
    if len(cats) <= _MAX_CUT_CATEGORIES:
        value = _max_flow_value(nodes, need)
    else:
        value = nx.maximum_flow_value(g, src, sink)
    # as nx.max_flow_min_cost does, without copying the graph (network simplex reads only the
    # order of its nodes and edges, which a copy keeps)
    g.nodes[src]["demand"] = -value
    g.nodes[sink]["demand"] = value
    flow = nx.network_simplex(g)[1]
    return [
        (idx, target[1], units)
        for idx, _cap, _own, _targets in nodes
        for target, units in sorted(flow.get(("i", idx), {}).items())
        if units > 0
    ]

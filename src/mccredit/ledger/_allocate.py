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
beyond that networkx itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import combinations

from ._simplex import least_cost_flow

__all__ = ["allocate"]

# The min-cut formula looks at every subset of categories: beyond this many, ask networkx.
_MAX_CUT_CATEGORIES = 10


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
    open_here = {c for c in open_categories if c in minimums}
    # (index, capacity, own categories, all target categories) of each item in the graph
    nodes: list[tuple[int, int, set[str], set[str]]] = []
    for idx, (_key, amount, categories) in enumerate(items):
        if amount <= 0:
            continue
        own = {c for c in categories if c in minimums}
        nodes.append((idx, int(amount / scale), own, own | open_here))
    if not nodes:
        return []
    flow = _unique_flow(nodes, need)
    if flow is None and len(cats) <= _MAX_CUT_CATEGORIES:
        flow = least_cost_flow(nodes, cats, need, _max_flow_value(nodes, need))
    if flow is None:
        flow = _network_flow(nodes, cats, need)
    out = [
        (items[idx][0], cat, Decimal(units) * scale)
        for idx, targets in flow
        for cat, units in targets
        if units > 0
    ]
    out.sort(key=lambda t: (t[0], t[1]))
    return out


def _unique_flow(
    nodes: list[tuple[int, int, set[str], set[str]]], need: dict[str, int]
) -> list[tuple[int, list[tuple[str, int]]]] | None:
    """The least-cost maximum flow when it is unique, else None.

    When every item with capacity has exactly one cheapest category (one of its own, or, with
    none of its own, one open category) and those loads fit every category's capacity, sending
    each item whole to its cheapest category saturates every source edge that can carry flow
    (so it is a maximum flow) and every unit pays the least it can: any other maximum flow
    sends some unit along a dearer edge. That flow is the only optimum, so it is the one
    networkx returns."""
    load = dict.fromkeys(need, 0)
    flow: list[tuple[int, list[tuple[str, int]]]] = []
    for idx, cap, own, targets in nodes:
        if cap == 0 or not targets:
            continue
        cheapest = own if own else targets
        if len(cheapest) != 1:
            return None
        (cat,) = cheapest
        load[cat] += cap
        flow.append((idx, [(cat, cap)]))
    if any(load[cat] > need[cat] for cat in need):
        return None
    return flow


def _max_flow_value(nodes: list[tuple[int, int, set[str], set[str]]], need: dict[str, int]) -> int:
    """The maximum flow's value by max-flow/min-cut: a cut puts a set C of categories on the
    source side (paying their capacities) and cuts the source edge of every item with a target
    outside C (cutting an item's edges into categories costs at least as much, each carrying
    the item's whole capacity)."""
    cats = sorted(need)
    # the items' capacities summed per target set (a handful of sets): the same sums
    by_targets: dict[frozenset[str], int] = {}
    for _idx, cap, _own, targets in nodes:
        key = frozenset(targets)
        by_targets[key] = by_targets.get(key, 0) + cap
    groups = list(by_targets.items())
    best: int | None = None
    for size in range(len(cats) + 1):
        for chosen in combinations(cats, size):
            inside = set(chosen)
            cut = sum(need[c] for c in chosen) + sum(
                cap for targets, cap in groups if not targets <= inside
            )
            if best is None or cut < best:
                best = cut
    assert best is not None
    return best


def _network_flow(
    nodes: list[tuple[int, int, set[str], set[str]]], cats: list[str], need: dict[str, int]
) -> list[tuple[int, list[tuple[str, int]]]]:
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
        (idx, [(target[1], units) for target, units in sorted(flow.get(("i", idx), {}).items())])
        for idx, _cap, _own, _targets in nodes
    ]

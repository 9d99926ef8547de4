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
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import networkx as nx

__all__ = ["allocate"]


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
    g = nx.DiGraph()
    src, sink = ("s",), ("t",)
    cats = sorted(minimums)
    for cat in cats:
        g.add_edge(("c", cat), sink, capacity=int(minimums[cat] / scale))
    for idx, (_key, amount, categories) in enumerate(items):
        if amount <= 0:
            continue
        node = ("i", idx)
        g.add_edge(src, node, capacity=int(amount / scale))
        own = {c for c in categories if c in minimums}
        targets = own | {c for c in open_categories if c in minimums}
        for cat in sorted(targets):
            g.add_edge(
                node, ("c", cat), capacity=int(amount / scale), weight=0 if cat in own else 1
            )
    if src not in g:
        return []
    flow = nx.max_flow_min_cost(g, src, sink)
    out: list[tuple[str, str, Decimal]] = []
    for idx, (key, _amount, _cats) in enumerate(items):
        node = ("i", idx)
        for target, units in sorted(flow.get(node, {}).items()):
            if units > 0:
                out.append((key, target[1], Decimal(units) * scale))
    out.sort(key=lambda t: (t[0], t[1]))
    return out

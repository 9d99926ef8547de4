"""The allocation's least-cost maximum flow without building a networkx graph: networkx 3's
`network_simplex`, pivot for pivot, on the allocation graph's arrays.

`_allocate._network_flow` asked networkx for the least-cost flow of value `value` from the
source through the items to the categories and the sink. Where several flows are optimal the
allocation shown is the one networkx's pivots reach, so a different algorithm could give
other (equally optimal) per-credential splits. This module therefore does not solve the
problem another way: it numbers the nodes and edges exactly as networkx numbers those of the
graph `_network_flow` built (nodes in insertion order, edges by source node then insertion,
zero-capacity edges left out), adds the same artificial root edges, and makes the same pivots
(block search by Dantzig's rule within blocks, Bland's rule across them, the same leaving
edge on ties), so it returns networkx's flow. tests/unit/ledger/test_simplex.py checks it
against networkx on generated graphs.

What differs is only how each pivot's answers are found, each the same value networkx's
bookkeeping gives:

* reduced costs are kept per edge and updated where potentials change (the edges at the
  nodes whose potential moves), so a block's least reduced cost is `min` of a list slice, the
  first of them by `index`, as networkx's `min(edges, key=reduced_cost)`;
* the spanning tree is parent pointers with depths and child lists instead of networkx's
  subtree sizes and depth-first thread: those serve networkx only to find the apex (the
  lowest common ancestor, which depths find as well) and to list a subtree (child lists do);
  the tree itself (parents, parent edges) changes exactly as networkx changes it;
* the cycle is walked up from both ends of the entering edge to the apex, the leaving edge
  chosen on the way by networkx's rule (least residual capacity, the last on the cycle among
  ties) without building the cycle's lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from itertools import repeat
from math import ceil, sqrt

__all__ = ["least_cost_flow"]

# (index, capacity, own categories, all target categories) of an item in the graph
Node = tuple[int, int, AbstractSet[str], AbstractSet[str]]


def least_cost_flow(
    nodes: Sequence[Node],
    cats: Sequence[str],
    need: dict[str, int],
    value: int,
) -> list[tuple[int, str, int]]:
    """`(idx, category, units)` for each `(idx, capacity, own, targets)` item and each of its
    targets (in order) it sends units to, in networkx's least-cost flow of `value` units
    through the graph source → item (capacity) → category (cost 0 own, 1 open) → sink
    (category need)."""
    # networkx numbers nodes in the order `_network_flow` adds them: add_edge(("c", cat),
    # sink) per category (c0, t, c1, c2, ...), then per item add_edge(source, item) (s, then
    # the items); and lists edges by source node, each node's in the order added: the
    # categories' edges to the sink, the source's to the items, each item's to its targets.
    # Beside each edge list, the edges leaving and entering each node (for the reduced costs
    # to follow the potentials: see `_network_simplex`).
    k = len(cats)
    sink, src, first_item = 1, k + 1, k + 2
    n = first_item + len(nodes)
    cat_node = {cat: 0 if j == 0 else j + 1 for j, cat in enumerate(cats)}
    out_edges: list[Sequence[int]] = [()] * n
    in_edges: list[Sequence[int]] = [()] * n
    # the categories' edges to the sink (networkx leaves zero-capacity edges out)
    sources = [cat_node[cat] for cat in cats if need[cat]]
    to_sink = len(sources)
    targets = [sink] * to_sink
    capacities = [need[cat] for cat in cats if need[cat]]
    for e, node in enumerate(sources):
        out_edges[node] = (e,)
    in_edges[sink] = range(to_sink)
    # the source's edges to the items
    for number, (_idx, cap, _own, _targets) in enumerate(nodes):
        if cap:
            in_edges[first_item + number] = (len(sources),)
            sources.append(src)
            targets.append(first_item + number)
            capacities.append(cap)
    out_edges[src] = range(to_sink, len(sources))
    weights = [0] * len(sources)
    # each item's edges to its targets, from its shape (own and target categories, shared by
    # most items): the targets in order, their nodes and the edges' weights
    shapes: dict[frozenset[str], dict[frozenset[str], list[tuple[str, int, int]]]] = {}
    item_edges: list[tuple[int, list[tuple[str, int, int]], int]] = []  # (idx, shape, 1st edge)
    from_items = len(sources)
    for number, (idx, cap, own, item_targets) in enumerate(nodes):
        if not cap:
            continue
        # (own, targets) → [(category, node, weight)]: the same sets where they are already
        of_own = shapes.get(own_set := frozenset(own))
        if of_own is None:
            of_own = shapes[own_set] = {}
        shape = of_own.get(targets_set := frozenset(item_targets))
        if shape is None:
            shape = of_own[targets_set] = [
                (cat, cat_node[cat], 0 if cat in own else 1) for cat in sorted(item_targets)
            ]
        item_first = len(sources)
        item_edges.append((idx, shape, item_first))
        node = first_item + number
        for _cat, end, weight in shape:
            sources.append(node)
            targets.append(end)
            capacities.append(cap)
            weights.append(weight)
        out_edges[node] = range(item_first, len(sources))
    into: dict[int, list[int]] = {node: [] for node in cat_node.values()}
    for e in range(from_items, len(sources)):
        into[targets[e]].append(e)
    for node, edges in into.items():
        in_edges[node] = edges

    flow = _network_simplex(
        n, src, sink, value, sources, targets, capacities, weights, out_edges, in_edges
    )
    out: list[tuple[int, str, int]] = []
    for idx, shape, e in item_edges:
        for cat, _end, _weight in shape:
            if flow[e]:
                out.append((idx, cat, flow[e]))
            e += 1
    return out


def _network_simplex(
    n: int,
    src: int,
    sink: int,
    value: int,
    sources: list[int],
    targets: list[int],
    capacities: list[int],
    weights: list[int],
    out_edges: list[Sequence[int]],
    in_edges: list[Sequence[int]],
) -> list[int]:
    """networkx's `network_simplex` pivots on numbered nodes and edges (weights 0 or 1,
    positive finite capacities, demand `-value` at `src` and `value` at `sink`, a feasible
    problem; `out_edges`/`in_edges`: the edges leaving/entering each node); the flow of each
    edge, the artificial edges' after them. Extends `sources`, `targets` and `capacities` by
    the artificial edges."""
    edge_count = len(sources)
    if edge_count == 0:
        return []
    # networkx's faux infinity: 3 × the largest of the capacities', weights' and demands' sums
    faux_inf = 3 * max(sum(capacities), sum(weights), 2 * value) or 1
    # networkx's initial spanning tree: a root (networkx's node -1) joined to every node by an
    # artificial edge, from the node where its demand is <= 0 (the source carrying `value`),
    # to it where > 0 (the sink); potentials faux_inf, -faux_inf at a node of demand > 0
    root = n
    sources.extend(range(n))
    targets.extend(repeat(root, n))
    capacities.extend(repeat(faux_inf, n))
    flow = [0] * (edge_count + n)
    flow[edge_count + src] = value
    potential = [faux_inf] * n  # the root's is never read
    # reduced costs (`weights[e] - potential[sources[e]] + potential[targets[e]]`, negated
    # when e carries flow, as networkx's `reduced_cost`): the weights, less 2 faux_inf into a
    # sink of demand > 0
    cost = list(weights)
    if value > 0:
        sources[edge_count + sink] = root
        targets[edge_count + sink] = sink
        flow[edge_count + sink] = value
        potential[sink] = -faux_inf
        for e in in_edges[sink]:
            cost[e] -= 2 * faux_inf
    parent = [root] * (n + 1)
    parent[root] = -1
    parent_edge = list(range(edge_count, edge_count + n + 1))
    parent_edge[root] = -1
    depth = [1] * (n + 1)
    depth[root] = 0
    children: list[list[int] | None] = [None] * n  # a node's list once it has a child
    children.append(list(range(n)))

    block = int(ceil(sqrt(edge_count)))  # pivot block size, as networkx
    blocks = (edge_count + block - 1) // block
    misses = 0  # consecutive blocks without an entering edge
    first = 0
    no_edge = faux_inf + 1  # more than any residual capacity
    while misses < blocks:
        last = first + block
        if last <= edge_count:
            window = cost[first:last]
        else:
            last -= edge_count
            window = cost[first:] + cost[:last]
        c = min(window)
        if c >= 0:
            misses += 1
            first = last
            continue
        i = first + window.index(c)  # the first edge of least reduced cost
        if i >= edge_count:
            i -= edge_count
        first = last
        misses = 0
        if flow[i] == 0:
            p, q = sources[i], targets[i]
        else:
            p, q = targets[i], sources[i]
        # The cycle p → q → ... → apex → ... → p that the entering edge i closes, walked up
        # from both ends. networkx orients it from p to q and takes the leaving edge of least
        # residual capacity in that direction, the last on the cycle among ties: on q's side
        # (after i, walked in cycle order) the last of least, on p's side (before i, walked
        # against it) the first of least, and q's side before i before p's side on ties.
        # `low_p`/`low_q`: the least residual on each side; `at_p`/`at_q`: the child end of
        # that edge (its tree edge is the child's parent edge).
        low_p = low_q = no_edge
        at_p = at_q = -1
        a, b = p, q
        depth_a, depth_b = depth[a], depth[b]
        while depth_a > depth_b:
            e = parent_edge[a]
            r = flow[e] if sources[e] == a else capacities[e] - flow[e]
            if r < low_p:
                low_p, at_p = r, a
            a = parent[a]
            depth_a -= 1
        while depth_b > depth_a:
            e = parent_edge[b]
            r = capacities[e] - flow[e] if sources[e] == b else flow[e]
            if r <= low_q:
                low_q, at_q = r, b
            b = parent[b]
            depth_b -= 1
        while a != b:
            e = parent_edge[a]
            r = flow[e] if sources[e] == a else capacities[e] - flow[e]
            if r < low_p:
                low_p, at_p = r, a
            a = parent[a]
            e = parent_edge[b]
            r = capacities[e] - flow[e] if sources[e] == b else flow[e]
            if r <= low_q:
                low_q, at_q = r, b
            b = parent[b]
        apex = a
        # the entering edge is at a bound (no flow, or full), so its residual is its capacity
        low_i = capacities[i]
        if low_q <= low_i and low_q <= low_p:
            delta, t, cut_p = low_q, at_q, False
        elif low_i <= low_p:
            delta, t, cut_p = low_i, -1, False
        else:
            delta, t, cut_p = low_p, at_p, True
        if delta:  # augment: down p's side from the apex, i, up q's side
            x = p
            while x != apex:
                e = parent_edge[x]
                if sources[e] == x:
                    flow[e] -= delta
                else:
                    flow[e] += delta
                x = parent[x]
            x = q
            while x != apex:
                e = parent_edge[x]
                if sources[e] == x:
                    flow[e] += delta
                else:
                    flow[e] -= delta
                x = parent[x]
            if sources[i] == p:
                flow[i] += delta
            else:
                flow[i] -= delta
        if t < 0:  # the entering edge leaves at once: it went from one bound to the other
            cost[i] = -cost[i]
            continue
        if cut_p:  # the subtree cut off holds p: it hangs from q
            p, q = q, p
        # networkx's remove_edge(s, t): cut t's subtree off its parent s
        siblings = children[parent[t]]
        assert siblings is not None  # t is a child there
        siblings.remove(t)
        # make_root(q): q becomes the root of that subtree, the path from q up to t reversed
        # (each node's parent edge becomes that of the node below it)
        y, x, e = q, parent[q], parent_edge[q]
        while y != t:
            above, e_above = parent[x], parent_edge[x]
            siblings = children[x]
            assert siblings is not None  # y is a child there
            siblings.remove(y)
            below = children[y]
            if below is None:
                children[y] = [x]
            else:
                below.append(x)
            parent[x] = y
            parent_edge[x] = e
            y, x, e = x, above, e_above
        # add_edge(i, p, q): hang q's subtree under p by the entering edge
        parent[q] = p
        parent_edge[q] = i
        below = children[p]
        if below is None:
            children[p] = [q]
        else:
            below.append(q)
        # update_potentials(i, p, q): shift q's subtree so the entering edge costs 0, and the
        # reduced costs of the edges at its nodes with them (an edge inside it moves twice,
        # by d and -d: unchanged); and the subtree's depths
        if q == targets[i]:
            d = potential[p] - weights[i] - potential[q]
        else:
            d = potential[p] + weights[i] - potential[q]
        depth[q] = depth[p] + 1
        x = q
        later: list[int] | None = None  # the subtree's nodes still to shift (q's often none)
        while True:
            below = children[x]
            if below:
                level = depth[x] + 1
                for y in below:
                    depth[y] = level
                if later is None:
                    later = list(below)
                else:
                    later += below
            potential[x] += d
            for e in out_edges[x]:
                if flow[e]:
                    cost[e] += d
                else:
                    cost[e] -= d
            for e in in_edges[x]:
                if flow[e]:
                    cost[e] -= d
                else:
                    cost[e] += d
            if not later:
                break
            x = later.pop()
        cost[i] = 0  # a tree edge now
    return flow  # the artificial edges' after the edges'

"""The allocation's least-cost maximum flow without building a networkx graph: networkx 3's
`network_simplex` ported to the allocation graph's arrays, step for step.

`_allocate._network_flow` asked networkx for the least-cost flow of value `value` from the
source through the items to the categories and the sink. Where several flows are optimal the
allocation shown is the one networkx's pivots reach, so a different algorithm could give
other (equally optimal) per-credential splits. This module therefore does not solve the
problem another way: it numbers the nodes and edges exactly as networkx numbers those of the
graph `_network_flow` built (nodes in insertion order, edges by source node then insertion,
zero-capacity edges left out), adds the same artificial root edges, and runs the same pivots
(block search by Dantzig's rule within blocks, Bland's rule across them, the same leaving
edge on ties), so it returns networkx's flow. What it leaves out is what costs most and
decides nothing here: the graph, the validation passes and the flow dictionary.
tests/unit/ledger/test_simplex.py checks it against networkx on generated graphs.
networkx's per-pivot helpers (find_apex, trace_path, find_cycle, find_leaving_edge,
remove_edge, make_root, add_edge, update_potentials) are written out in the pivot loop, each
under its name, with the residual and reduced cost inline: the same steps without ~10 calls
and their lists per pivot (NC's allocations take ~12 pivots, the tail ~55).

Networkx's node `-1` (the root of the spanning tree) is the last slot of every per-node list,
as in networkx, so index arithmetic reads the same as the original; its `None` (no parent) is
`n + 1`, an index no list has.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil, sqrt

__all__ = ["least_cost_flow"]


def least_cost_flow(
    nodes: Sequence[tuple[int, int, set[str], set[str]]],
    cats: Sequence[str],
    need: dict[str, int],
    value: int,
) -> list[tuple[int, list[tuple[str, int]]]]:
    """For each `(idx, capacity, own, targets)` item, the units it sends to each of its
    targets (sorted), in networkx's least-cost flow of `value` units through the graph
    source → item (capacity) → category (cost 0 own, 1 open) → sink (category need)."""
    # networkx numbers nodes in the order `_network_flow` adds them: add_edge(("c", cat),
    # sink) per category (c0, t, c1, c2, ...), then per item add_edge(source, item) (s, then
    # the items); and lists edges by source node, each node's in the order added
    k = len(cats)
    cat_node = {cat: 0 if j == 0 else j + 1 for j, cat in enumerate(cats)}
    sink, src = 1, k + 1
    n = k + 2 + len(nodes)
    demands = [0] * n
    demands[src] = -value
    demands[sink] = value
    sources: list[int] = []
    targets_: list[int] = []
    capacities: list[int] = []
    weights: list[int] = []
    for cat in cats:
        if need[cat]:  # networkx leaves zero-capacity edges out
            sources.append(cat_node[cat])
            targets_.append(sink)
            capacities.append(need[cat])
            weights.append(0)
    for number, (_idx, cap, _own, _targets) in enumerate(nodes):
        if cap:
            sources.append(src)
            targets_.append(src + 1 + number)
            capacities.append(cap)
            weights.append(0)
    item_edges: list[tuple[int, list[tuple[str, int]]]] = []  # (idx, [(cat, edge number)])
    for number, (idx, cap, own, targets) in enumerate(nodes):
        mine = []
        for cat in sorted(targets):
            if cap:
                mine.append((cat, len(sources)))
                sources.append(src + 1 + number)
                targets_.append(cat_node[cat])
                capacities.append(cap)
                weights.append(0 if cat in own else 1)
            else:
                mine.append((cat, -1))
        item_edges.append((idx, mine))

    flow = _network_simplex(n, demands, sources, targets_, capacities, weights)
    return [
        (idx, [(cat, flow[e] if e >= 0 else 0) for cat, e in edges]) for idx, edges in item_edges
    ]


def _network_simplex(
    n: int,
    demands: list[int],
    sources: list[int],
    targets: list[int],
    capacities: list[int],
    weights: list[int],
) -> list[int]:
    """networkx's `network_simplex` pivot loop on numbered nodes and edges (finite
    capacities, a feasible problem); the flow of each original edge."""
    edge_count = len(sources)
    # a dummy root (index -1, the last slot) joined to every node by an artificial edge
    for i, d in enumerate(demands):
        if d > 0:
            sources.append(-1)
            targets.append(i)
        else:
            sources.append(i)
            targets.append(-1)
    faux_inf = 3 * max(sum(capacities), sum(abs(w) for w in weights), sum(abs(d) for d in demands))
    faux_inf = faux_inf or 1
    weights.extend([faux_inf] * n)
    capacities.extend([faux_inf] * n)

    flow = [0] * edge_count + [abs(d) for d in demands]
    potential = [faux_inf if d <= 0 else -faux_inf for d in demands]
    none = n + 1  # networkx's None (no parent, no parent edge): never a valid index
    parent = [-1] * n + [none]
    parent_edge = list(range(edge_count, edge_count + n))
    size = [1] * n + [n + 1]
    next_dft = list(range(1, n)) + [-1, 0]
    prev_dft = list(range(-1, n))
    last_dft = list(range(n)) + [n - 1]

    if edge_count == 0:
        return flow[:edge_count]
    block = int(ceil(sqrt(edge_count)))  # pivot block size, as networkx
    blocks = (edge_count + block - 1) // block
    misses = 0  # consecutive blocks without an entering edge
    first = 0
    while misses < blocks:
        last = first + block
        if last <= edge_count:
            candidates: range | list[int] = range(first, last)
        else:
            last -= edge_count
            candidates = [*range(first, edge_count), *range(last)]
        first = last
        # the first edge of least reduced cost (as `min(edges, key=reduced_cost)`), the
        # reduced cost written out: this search is most of the work. Only a negative least
        # cost matters (else the block is a miss), so the search starts from 0, and the strict
        # `<` keeps the first edge of least cost, as `min` does
        i, c = -1, 0
        for e in candidates:
            ce = weights[e] - potential[sources[e]] + potential[targets[e]]
            if flow[e]:
                ce = -ce
            if ce < c:
                i, c = e, ce
        if c >= 0:
            misses += 1
            continue
        if flow[i] == 0:
            p, q = sources[i], targets[i]
        else:
            p, q = targets[i], sources[i]
        misses = 0
        # the cycle the entering edge closes (networkx's find_apex, trace_path, find_cycle):
        # nodes `wn` and edges `we` from the apex down to p, the entering edge, then up from q
        a, b = p, q
        size_a, size_b = size[a], size[b]
        while True:
            while size_a < size_b:
                a = parent[a]
                size_a = size[a]
            while size_a > size_b:
                b = parent[b]
                size_b = size[b]
            if size_a == size_b:
                if a != b:
                    a = parent[a]
                    size_a = size[a]
                    b = parent[b]
                    size_b = size[b]
                else:
                    break
        wn = [p]
        we = []
        u = p
        while u != a:
            we.append(parent_edge[u])
            u = parent[u]
            wn.append(u)
        wn.reverse()
        we.reverse()
        if we != [i]:
            we.append(i)
        u = q
        while u != a:
            wn.append(u)
            we.append(parent_edge[u])
            u = parent[u]
        # the leaving edge: least residual capacity, the last on the cycle among ties (as
        # `min(zip(reversed(We), reversed(Wn)), key=residual)`); the residual written out
        # (the two lists are aligned at their ends: `wn` is one longer when `we` is just [i])
        shift = len(wn) - len(we)
        top = len(we) - 1
        j = we[top]
        s = wn[top + shift]
        best = capacities[j] - flow[j] if sources[j] == s else flow[j]
        for m in range(top - 1, -1, -1):
            e = we[m]
            u = wn[m + shift]
            r = capacities[e] - flow[e] if sources[e] == u else flow[e]
            if r < best:
                j, s, best = e, u, r
        t = targets[j] if sources[j] == s else sources[j]
        if best:
            for e, u in zip(we, wn, strict=False):
                if sources[e] == u:
                    flow[e] += best
                else:
                    flow[e] -= best
        if i != j:
            if parent[t] != s:
                s, t = t, s
            if we.index(i) > we.index(j):
                p, q = q, p
            # networkx's remove_edge(s, t): cut the subtree of t off the tree
            size_t = size[t]
            prev_t = prev_dft[t]
            last_t = last_dft[t]
            next_last_t = next_dft[last_t]
            parent[t] = none
            parent_edge[t] = none
            next_dft[prev_t] = next_last_t
            prev_dft[next_last_t] = prev_t
            next_dft[last_t] = t
            prev_dft[t] = last_t
            up = s
            while up != none:
                size[up] -= size_t
                if last_dft[up] == last_t:
                    last_dft[up] = prev_t
                up = parent[up]
            # make_root(q): q becomes the root of its subtree, edge by edge down from the top
            ancestors = []
            up = q
            while up != none:
                ancestors.append(up)
                up = parent[up]
            ancestors.reverse()
            for x, y in zip(ancestors, ancestors[1:], strict=False):
                size_x = size[x]
                last_x = last_dft[x]
                prev_y = prev_dft[y]
                last_y = last_dft[y]
                next_last_y = next_dft[last_y]
                parent[x] = y
                parent[y] = none
                parent_edge[x] = parent_edge[y]
                parent_edge[y] = none
                size[x] = size_x - size[y]
                size[y] = size_x
                next_dft[prev_y] = next_last_y
                prev_dft[next_last_y] = prev_y
                next_dft[last_y] = y
                prev_dft[y] = last_y
                if last_x == last_y:
                    last_dft[x] = prev_y
                    last_x = prev_y
                prev_dft[x] = last_y
                next_dft[last_y] = x
                next_dft[last_x] = y
                prev_dft[y] = last_x
                last_dft[y] = last_x
            # add_edge(i, p, q): hang q's subtree under p by the entering edge
            last_p = last_dft[p]
            next_last_p = next_dft[last_p]
            size_q = size[q]
            last_q = last_dft[q]
            parent[q] = p
            parent_edge[q] = i
            next_dft[last_p] = q
            prev_dft[q] = last_p
            prev_dft[next_last_p] = last_q
            next_dft[last_q] = next_last_p
            up = p
            while up != none:
                size[up] += size_q
                if last_dft[up] == last_p:
                    last_dft[up] = last_q
                up = parent[up]
            # update_potentials(i, p, q): shift q's subtree so the entering edge costs 0
            if q == targets[i]:
                d = potential[p] - weights[i] - potential[q]
            else:
                d = potential[p] + weights[i] - potential[q]
            potential[q] += d
            u = q
            stop = last_dft[q]
            while u != stop:
                u = next_dft[u]
                potential[u] += d
    return flow[:edge_count]

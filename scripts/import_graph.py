"""Print mccredit's package-level import graph (top-level subpackages/modules) and its cycles.

Usage: .venv/bin/python scripts/import_graph.py   (uses grimp, which import-linter is built on)
"""

from __future__ import annotations

import sys

import grimp
import networkx as nx


def main() -> None:
    graph = grimp.build_graph("mccredit")
    g: nx.DiGraph[str] = nx.DiGraph()
    for mod in graph.modules:
        parts = mod.split(".")
        if len(parts) < 2:
            continue
        src = ".".join(parts[:2])
        for imported in graph.find_modules_directly_imported_by(mod):
            ip = imported.split(".")
            if len(ip) < 2:
                continue
            dst = ".".join(ip[:2])
            if dst != src:
                g.add_edge(src, dst)
    for a, b in sorted(g.edges):
        sys.stdout.write(f"{a} -> {b}\n")
    sccs = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    sys.stdout.write(f"\n{len(sccs)} cycle(s) (strongly connected components, >1 package):\n")
    for c in sccs:
        sys.stdout.write("  " + " <-> ".join(c) + "\n")


if __name__ == "__main__":
    main()

"""The bipartite graph view around one identifier."""

from __future__ import annotations

import networkx as nx
from networkx.algorithms import bipartite

from perisai.identifiers import Linkage, to_networkx
from perisai.identifiers.graph import identifier_node, record_node

# A chain: r1 -k1- r2 -k2- r3 -k3- r4, plus an unrelated r9.
PAIRS = [("r1", "k1"), ("r2", "k1"), ("r2", "k2"), ("r3", "k2"), ("r3", "k3"), ("r4", "k3")]


def test_whole_cluster_is_bipartite_and_complete() -> None:
    graph = to_networkx(Linkage([*PAIRS, ("r9", "k9")]), "k1", max_hops=None)
    assert bipartite.is_bipartite(graph)
    records = {n for n, kind in graph.nodes(data="kind") if kind == "record"}
    assert records == {record_node(r) for r in ("r1", "r2", "r3", "r4")}
    assert graph.number_of_edges() == len(PAIRS)
    assert nx.is_connected(graph)


def test_hops_limit_the_neighbourhood() -> None:
    graph = to_networkx(Linkage(PAIRS), "k1", max_hops=1)
    assert set(graph.nodes) == {
        identifier_node("k1"),
        record_node("r1"),
        record_node("r2"),
        identifier_node("k2"),
    }
    bigger = to_networkx(Linkage(PAIRS), "k1", max_hops=2)
    assert record_node("r3") in bigger
    assert record_node("r4") not in bigger


def test_unknown_identifier_gives_empty_graph() -> None:
    assert to_networkx(Linkage(PAIRS), "missing").number_of_nodes() == 0

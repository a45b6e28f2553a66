"""The graph view: a bipartite record/identifier `networkx` graph around one identifier."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx

from perisai.identifiers.linkage import Linkage

RECORD = "record"
IDENTIFIER = "identifier"


def to_networkx(linkage: Linkage[Any], key: str, *, max_hops: int | None = 2) -> Any:
    """Nodes are `("record", id)` (bipartite=0) and `("identifier", key)` (bipartite=1); an
    edge means the record carries the identifier. Empty when the key is unknown."""
    records, keys, edges = linkage.neighbourhood(key, max_hops=max_hops)
    graph = nx.Graph()
    graph.add_nodes_from(((RECORD, r) for r in records), bipartite=0, kind=RECORD)
    graph.add_nodes_from(((IDENTIFIER, k) for k in keys), bipartite=1, kind=IDENTIFIER)
    graph.add_edges_from(((RECORD, r), (IDENTIFIER, k)) for r, k in edges)
    return graph


def record_node(record: Hashable) -> tuple[str, Hashable]:
    return (RECORD, record)


def identifier_node(key: str) -> tuple[str, str]:
    return (IDENTIFIER, key)

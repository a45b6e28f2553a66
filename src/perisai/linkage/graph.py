"""A drawable graph of one linkage answer: reports and the shared identifiers/media joining them.

Laid out on the server (deterministic spring layout), so the page draws a static SVG: no script,
nothing for the CSP to allow. Only shared keys (and the searched one) become nodes; the tables on
the page list everything, and are the accessible equivalent of the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

MAX_NODES = 150
WIDTH, HEIGHT, MARGIN = 960, 560, 60
LABEL_CHARS = 28


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    title: str
    kind: str  # "report", "seed", "identifier" or "media"
    x: float
    y: float


@dataclass
class Drawing:
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[Node, Node]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    too_large: bool = False


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _graph(answer: dict[str, Any]) -> tuple[Any, dict[str, tuple[str, str]]]:
    """The networkx graph and each node's (kind, full label)."""
    graph = nx.Graph()
    info: dict[str, tuple[str, str]] = {}
    for report in answer["reports"]:
        graph.add_node(report["report_id"])
        info[report["report_id"]] = ("report", report["report_id"])
    seed = answer["identifier"]["key"]
    for item in answer["identifiers"]:
        if len(item["reports"]) < 2 and item["key"] != seed:
            continue
        kind = "seed" if item["key"] == seed else "identifier"
        info[item["key"]] = (kind, f"{item['kind']}: {item['value']}")
        graph.add_edges_from((item["key"], report) for report in item["reports"])
    for media in answer["shared_media"]:
        key = f"{media['algorithm']}:{media['hash']}"
        info[key] = ("media", f"{media['algorithm']}: {media['hash']}")
        graph.add_edges_from((key, report) for report in media["reports"])
    return graph, info


def drawing(answer: dict[str, Any]) -> Drawing | None:
    """The layout, `too_large` past `MAX_NODES`, or None when there is nothing to draw."""
    graph, info = _graph(answer)
    if graph.number_of_nodes() == 0:
        return None
    if graph.number_of_nodes() > MAX_NODES:
        return Drawing(too_large=True)
    positions = nx.spring_layout(graph, seed=7)
    span_x, span_y = (WIDTH - 2 * MARGIN) / 2, (HEIGHT - 2 * MARGIN) / 2
    nodes: dict[str, Node] = {}
    for name in sorted(graph.nodes):
        x, y = positions[name]
        kind, label = info[name]
        nodes[name] = Node(
            id=name,
            label=_short(label),
            title=label,
            kind=kind,
            x=round(WIDTH / 2 + float(x) * span_x, 1),
            y=round(HEIGHT / 2 + float(y) * span_y, 1),
        )
    edges = [
        (nodes[a], nodes[b]) for a, b in sorted(graph.edges, key=lambda e: (str(e[0]), str(e[1])))
    ]
    return Drawing(nodes=list(nodes.values()), edges=edges)

from __future__ import annotations

from typing import Any

from perisai.linkage import graph


def _answer(reports: int) -> dict[str, Any]:
    ids = [f"R-2026-{index:010d}" for index in range(reports)]
    identifiers = [
        {"kind": "phone", "key": "phone:+60123456789", "value": "+60123456789", "reports": ids}
    ]
    identifiers += [
        {"kind": "device", "key": f"device:d{index}", "value": f"d{index}", "reports": [ids[index]]}
        for index in range(reports)
    ]
    return {
        "identifier": {"key": "phone:+60123456789"},
        "reports": [{"report_id": report_id} for report_id in ids],
        "identifiers": identifiers,
        "shared_media": [{"algorithm": "md5", "hash": "b" * 32, "reports": ids[:2]}],
    }


def test_only_shared_keys_and_the_seed_are_drawn() -> None:
    drawing = graph.drawing(_answer(3))
    assert drawing is not None and not drawing.too_large
    kinds = sorted(node.kind for node in drawing.nodes)
    assert kinds == ["media", "report", "report", "report", "seed"]  # unshared devices left out
    assert len(drawing.edges) == 3 + 2
    for node in drawing.nodes:
        assert 0 <= node.x <= drawing.width and 0 <= node.y <= drawing.height
        assert len(node.label) <= graph.LABEL_CHARS
    media = next(node for node in drawing.nodes if node.kind == "media")
    assert media.title == f"md5: {'b' * 32}" and media.label.endswith("…")


def test_layout_is_deterministic() -> None:
    first, second = graph.drawing(_answer(4)), graph.drawing(_answer(4))
    assert first is not None and second is not None
    assert [(n.id, n.x, n.y) for n in first.nodes] == [(n.id, n.x, n.y) for n in second.nodes]


def test_nothing_to_draw_and_too_much_to_draw() -> None:
    empty = {"identifier": {"key": "k"}, "reports": [], "identifiers": [], "shared_media": []}
    assert graph.drawing(empty) is None
    huge = graph.drawing(_answer(graph.MAX_NODES + 1))
    assert huge is not None and huge.too_large and huge.nodes == []

"""Linkage: clusters equal networkx connected components; reasons are the shared keys."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from perisai.identifiers import Linkage, link, normalise

pairs_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from([f"k{i}" for i in range(30)])), max_size=120
)


def _components(pairs: list[tuple[int, str]]) -> set[frozenset[int]]:
    graph = nx.Graph()
    graph.add_nodes_from(("r", r) for r, _ in pairs)
    graph.add_edges_from((("r", r), ("k", k)) for r, k in pairs)
    return {
        frozenset(node[1] for node in component if node[0] == "r")
        for component in nx.connected_components(graph)
    }


@settings(max_examples=150, deadline=None)
@given(pairs_strategy)
def test_clusters_equal_networkx_connected_components(pairs: list[tuple[int, str]]) -> None:
    linkage = Linkage(pairs)
    ours = {frozenset(cluster.records) for cluster in linkage.clusters()}
    assert ours == _components(pairs)


@settings(max_examples=100, deadline=None)
@given(pairs_strategy)
def test_every_shared_key_is_carried_by_its_records(pairs: list[tuple[int, str]]) -> None:
    carried = set(pairs)
    for cluster in Linkage(pairs).clusters():
        for key, records in cluster.shared.items():
            assert len(set(records)) >= 2
            assert all((record, key) in carried for record in records)
            assert set(records) <= set(cluster.records)
        for first, second, reasons in cluster.links():
            assert reasons
            assert all((first, k) in carried and (second, k) in carried for k in reasons)


@settings(max_examples=100, deadline=None)
@given(pairs_strategy, st.integers(0, 40))
def test_cluster_of_record_matches_bulk_clusters(pairs: list[tuple[int, str]], probe: int) -> None:
    linkage = Linkage(pairs)
    found = linkage.cluster_of_record(probe)
    bulk = [c for c in linkage.clusters() if probe in c.records]
    if not bulk:
        assert found is None
        return
    assert found is not None
    assert set(found.records) == set(bulk[0].records)
    assert dict(found.shared).keys() == dict(bulk[0].shared).keys()


def test_reasons_name_the_shared_identifiers() -> None:
    phone = normalise("phone", "012-345 6789").key
    email = normalise("email", "Abang.Baik@gmail.com").key
    pairs = [
        ("report-1", phone),
        ("report-2", normalise("phone", "+60 12-345 6789").key),
        ("report-2", email),
        ("report-3", normalise("email", "abangbaik+x@googlemail.com").key),
        ("report-4", normalise("phone", "013-222 3333").key),
    ]
    (cluster,) = link(pairs)
    assert cluster.records == ("report-1", "report-2", "report-3")
    assert cluster.links() == [
        ("report-1", "report-2", (phone,)),
        ("report-2", "report-3", (email,)),
    ]


def test_duplicate_pairs_do_not_duplicate_reasons() -> None:
    linkage = Linkage([("a", "k"), ("b", "k"), ("a", "k"), ("a", "j"), ("a", "k")])
    (cluster,) = linkage.clusters(min_size=2)
    assert cluster.shared == {"k": ("a", "b")}
    assert linkage.records_with("k") == ("a", "b")
    assert sorted(linkage.keys_of("a")) == ["j", "k"]


def test_adding_pairs_merges_clusters() -> None:
    linkage = Linkage([("a", "x"), ("b", "y")])
    assert len(linkage.clusters(min_size=2)) == 0
    linkage.add([("c", "x"), ("c", "y")])
    (cluster,) = linkage.clusters(min_size=2)
    assert set(cluster.records) == {"a", "b", "c"}
    assert linkage.keys_of("c") == ["x", "y"]


def test_unknown_record_and_key() -> None:
    linkage = Linkage([("a", "x")])
    assert linkage.cluster_of_record("zzz") is None
    assert linkage.cluster_of_key("nope") is None
    assert linkage.neighbourhood("nope") == ([], [], [])
    assert Linkage([]).clusters() == []

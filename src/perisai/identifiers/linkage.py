"""Linkage: records connected through shared identifier keys, found with union-find.

Input is an iterable of `(record_id, key)` pairs (a record is a report, an account, a seized
device — whatever the caller links). Two records are linked when they carry the same key; a
cluster is a connected group. Each cluster keeps, as the reason for its links, every key that
two or more of its records share. Records and keys are mapped to integers once, so the work is
one near-constant union per pair: about a second per million pairs in CPython.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Cluster(Generic[R]):
    """Records connected through shared keys; `shared` maps each linking key to its records."""

    records: tuple[R, ...]
    shared: Mapping[str, tuple[R, ...]]

    def __len__(self) -> int:
        return len(self.records)

    def links(self) -> list[tuple[R, R, tuple[str, ...]]]:
        """Every directly linked pair of records with the keys they share (the reason).

        Quadratic in the records sharing one key: for the graph view of one cluster, not for
        bulk work.
        """
        reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
        position = {record: index for index, record in enumerate(self.records)}
        for key in sorted(self.shared):
            holders = sorted(position[r] for r in self.shared[key])
            for i, first in enumerate(holders):
                for second in holders[i + 1 :]:
                    reasons[(first, second)].append(key)
        return [
            (self.records[a], self.records[b], tuple(keys))
            for (a, b), keys in sorted(reasons.items())
        ]


class _UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.size: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]


class Linkage(Generic[R]):
    """Clusters of records over shared keys, plus the adjacency the graph view needs."""

    def __init__(self, pairs: Iterable[tuple[R, str]]) -> None:
        self._records: list[R] = []
        self._record_index: dict[R, int] = {}
        # key → records carrying it, as integer indexes (a record listed once per key).
        self._holders: dict[str, list[int]] = {}
        self._sets = _UnionFind()
        self._adjacency: list[list[str]] | None = None
        self._add_all(pairs)

    def add(self, pairs: Iterable[tuple[R, str]]) -> None:
        """Add more pairs; clusters merge as new shared keys appear."""
        self._adjacency = None
        self._add_all(pairs)

    def _add_all(self, pairs: Iterable[tuple[R, str]]) -> None:
        record_index, holders, sets = self._record_index, self._holders, self._sets
        for record, key in pairs:
            index = record_index.get(record)
            if index is None:
                index = record_index[record] = sets.add()
                self._records.append(record)
            carriers = holders.get(key)
            if carriers is None:
                holders[key] = [index]
            elif carriers[-1] != index:
                # A record repeating a key non-consecutively is listed twice; readers dedupe.
                sets.union(carriers[0], index)
                carriers.append(index)

    @property
    def record_count(self) -> int:
        return len(self._records)

    @property
    def key_count(self) -> int:
        return len(self._holders)

    def clusters(self, *, min_size: int = 1) -> list[Cluster[R]]:
        """All clusters of at least `min_size` records, largest first."""
        members: dict[int, list[int]] = defaultdict(list)
        for index in range(len(self._records)):
            members[self._sets.find(index)].append(index)
        shared: dict[int, dict[str, tuple[R, ...]]] = defaultdict(dict)
        for key, carriers in self._holders.items():
            if len(carriers) > 1:
                root = self._sets.find(carriers[0])
                shared[root][key] = self._named(carriers)
        found = [
            Cluster(tuple(self._records[i] for i in indexes), shared.get(root, {}))
            for root, indexes in members.items()
            if len(indexes) >= min_size
        ]
        found.sort(key=len, reverse=True)
        return found

    def labels(self) -> dict[R, int]:
        """Each record's cluster number (the root's index): cheap, for bulk comparisons."""
        return {record: self._sets.find(i) for i, record in enumerate(self._records)}

    def cluster_of_record(self, record: R) -> Cluster[R] | None:
        index = self._record_index.get(record)
        return None if index is None else self._cluster_from([index])

    def cluster_of_key(self, key: str) -> Cluster[R] | None:
        carriers = self._holders.get(key)
        return None if carriers is None else self._cluster_from(carriers)

    def keys_of(self, record: R) -> list[str]:
        index = self._record_index.get(record)
        return [] if index is None else list(self._keys_by_record()[index])

    def records_with(self, key: str) -> tuple[R, ...]:
        return self._named(self._holders.get(key, []))

    def neighbourhood(
        self, key: str, *, max_hops: int | None = None
    ) -> tuple[list[R], list[str], list[tuple[R, str]]]:
        """Records, keys and record–key edges reached from `key`, breadth first.

        One hop goes from keys to the records carrying them and on to those records' keys;
        `None` follows the whole cluster.
        """
        if key not in self._holders:
            return [], [], []
        keys_by_record = self._keys_by_record()
        records: dict[int, None] = {}
        keys: dict[str, None] = {key: None}
        edges: dict[tuple[int, str], None] = {}
        frontier, hops = [key], 0
        while frontier and (max_hops is None or hops < max_hops):
            hops += 1
            reached: list[int] = []
            for current in frontier:
                for index in self._holders[current]:
                    edges[(index, current)] = None
                    if index not in records:
                        records[index] = None
                        reached.append(index)
            frontier = []
            for index in reached:
                for other in keys_by_record[index]:
                    edges[(index, other)] = None
                    if other not in keys:
                        keys[other] = None
                        frontier.append(other)
        return (
            [self._records[i] for i in records],
            list(keys),
            [(self._records[i], k) for i, k in edges],
        )

    def _cluster_from(self, start: list[int]) -> Cluster[R]:
        """The cluster holding `start`, walked through the adjacency (cost: the cluster's size)."""
        keys_by_record = self._keys_by_record()
        seen = set(start)
        stack = list(seen)
        shared: dict[str, tuple[R, ...]] = {}
        while stack:
            for key in keys_by_record[stack.pop()]:
                carriers = self._holders[key]
                if len(carriers) > 1 and key not in shared:
                    shared[key] = self._named(carriers)
                    fresh = [i for i in carriers if i not in seen]
                    seen.update(fresh)
                    stack.extend(fresh)
        return Cluster(tuple(self._records[i] for i in sorted(seen)), shared)

    def _keys_by_record(self) -> list[list[str]]:
        """record index → its keys; built on first use, as bulk clustering never needs it."""
        if self._adjacency is None:
            adjacency: list[list[str]] = [[] for _ in self._records]
            for key, carriers in self._holders.items():
                for index in dict.fromkeys(carriers):
                    adjacency[index].append(key)
            self._adjacency = adjacency
        return self._adjacency

    def _named(self, indexes: Iterable[int]) -> tuple[R, ...]:
        return tuple(self._records[i] for i in dict.fromkeys(indexes))


def link(pairs: Iterable[tuple[R, str]], *, min_size: int = 2) -> list[Cluster[R]]:
    """Clusters of records linked through shared keys, largest first (singletons left out)."""
    return Linkage(pairs).clusters(min_size=min_size)

"""Benchmark: linking 1,000,000 identifiers into clusters (issue 7 target: ≤ 30 s).

Synthetic, realistic overlap: people own a few identifiers (phone, email, username, device);
each record (a report, an account) shows 2–5 of its owner's identifiers; some devices and
phones are shared between people (families, cybercafés), and some identifiers appear once.
Our union-find `Linkage` runs beside networkx's connected_components on the same pairs, and the
two partitions are checked equal.

    .venv/bin/python benchmarks/forensics_linking.py [--quick] [--pairs N] [--seed S]
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
from datetime import UTC, datetime

import networkx as nx

from perisai.identifiers import Linkage

TARGET_SECONDS = 30.0
FULL_PAIRS = 1_000_000
QUICK_PAIRS = 100_000


def _person_keys(person: int, rng: random.Random) -> list[str]:
    keys = [
        f"phone:+601{rng.randrange(10**8, 10**9)}",
        f"email:user{person}@gmail.com",
        f"username:examplechat:user_{person}",
        f"device:imei:{rng.randrange(10**14, 10**15)}",
    ]
    if rng.random() < 0.3:
        keys.append(f"username:otherapp:u{person}")
    return keys


def synthetic_pairs(total: int, seed: int) -> list[tuple[int, str]]:
    rng = random.Random(seed)
    people = max(total // 12, 10)
    owned = [_person_keys(p, rng) for p in range(people)]
    shared_devices = [f"device:imei:{rng.randrange(10**14, 10**15)}" for _ in range(people // 50)]
    pairs: list[tuple[int, str]] = []
    record = 0
    while len(pairs) < total:
        keys = owned[rng.randrange(people)]
        for key in rng.sample(keys, rng.randint(2, min(5, len(keys)))):
            pairs.append((record, key))
        roll = rng.random()
        if roll < 0.05:  # a shared device: links otherwise unrelated people
            pairs.append((record, rng.choice(shared_devices)))
        elif roll < 0.25:  # a one-off identifier nobody else has
            pairs.append((record, f"url:https://example.com/post/{record}"))
        record += 1
    return pairs[:total]


def time_ours(pairs: list[tuple[int, str]]) -> tuple[float, dict[int, int], int]:
    gc.collect()
    start = time.perf_counter()
    linkage = Linkage(pairs)
    clusters = linkage.clusters(min_size=1)
    elapsed = time.perf_counter() - start
    labels = {record: number for number, c in enumerate(clusters) for record in c.records}
    return elapsed, labels, len(clusters)


def time_networkx(pairs: list[tuple[int, str]]) -> tuple[float, dict[int, int], int]:
    gc.collect()
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_edges_from((("r", record), ("k", key)) for record, key in pairs)
    components = list(nx.connected_components(graph))
    elapsed = time.perf_counter() - start
    labels = {
        node[1]: number
        for number, nodes in enumerate(components)
        for node in nodes
        if node[0] == "r"
    }
    return elapsed, labels, len(components)


def same_partition(a: dict[int, int], b: dict[int, int]) -> bool:
    if a.keys() != b.keys():
        return False
    forward: dict[int, int] = {}
    backward: dict[int, int] = {}
    for record, label in a.items():
        if forward.setdefault(label, b[record]) != b[record]:
            return False
        if backward.setdefault(b[record], label) != label:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAIRS:,} pairs")
    parser.add_argument("--pairs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip networkx (memory)")
    args = parser.parse_args()
    total = args.pairs or (QUICK_PAIRS if args.quick else FULL_PAIRS)
    pairs = synthetic_pairs(total, args.seed)
    records = len({r for r, _ in pairs})
    keys = len({k for _, k in pairs})
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}; {len(pairs):,} pairs, {records:,} records, {keys:,} keys"
    )
    ours, our_labels, our_count = time_ours(pairs)
    print(f"{'':<34}{'ours (union-find)':>20}{'networkx':>14}{'target':>10}")
    if args.no_baseline:
        print(f"{'link into clusters (s)':<34}{ours:>20.2f}{'-':>14}{TARGET_SECONDS:>10.0f}")
    else:
        theirs, their_labels, their_count = time_networkx(pairs)
        print(f"{'link into clusters (s)':<34}{ours:>20.2f}{theirs:>14.2f}{TARGET_SECONDS:>10.0f}")
        print(f"{'clusters':<34}{our_count:>20,}{their_count:>14,}")
        agree = same_partition(our_labels, their_labels)
        print(f"partitions identical: {'yes' if agree else 'NO'}")
    scaled = ours * FULL_PAIRS / len(pairs)
    verdict = "PASS" if scaled <= TARGET_SECONDS else "FAIL"
    note = "" if len(pairs) == FULL_PAIRS else f" (scaled to 1,000,000 pairs: {scaled:.1f} s)"
    print(f"{verdict} linking 1,000,000 identifiers in <= {TARGET_SECONDS:.0f} s{note}")


if __name__ == "__main__":
    main()

"""What AI provenance costs `perisai forensics scan` (issue 20: <= 10 % of scan throughput).

The shared images (`../shared/testdata/pdq`, ThreatExchange's PDQ test photos, and
`../shared/testdata/c2pa`, the C2PA test files: JPEG, PNG, WebP, signed and unsigned), copied
`--copies` times into one seized folder, are scanned with `--workers 1` (all analysis in this
process, one core) with provenance on and off, alternating, `--rounds` times each, in the same
run. Outputs and the signed manifest are included. Printed: images/s (median of the rounds, wall
clock and this process's CPU time, which the load of other processes on a shared machine does
not inflate) and the overhead, beside the target.

A second measure times `analyse_file` per image with provenance on and off, alternating per
image (CPU time): the added milliseconds per image. A third times blocks over all the images:
`analyse_file` without provenance, then `read_provenance` alone, alternating (wall and CPU):
the reader's share of the analysis.

Run: .venv/bin/python benchmarks/forensics_provenance.py [--copies 4] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from perisai.forensics import analysis
from perisai.forensics.analysis import ProvenanceConfig, analyse_file, init_worker
from perisai.forensics.hashlists import KnownGood
from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanOptions, run_scan

TARGET_OVERHEAD = 0.10
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "testdata"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def shared_images() -> list[Path]:
    found = [
        path
        for folder in (SHARED / "pdq", SHARED / "c2pa")
        for path in sorted(folder.rglob("*"))
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
    ]
    if not found:
        raise SystemExit(f"no shared images under {SHARED}")
    return found


def seized_folder(work: Path, images: list[Path], copies: int) -> Path:
    folder = work / "seized"
    for copy in range(copies):
        target = folder / f"copy{copy}"
        target.mkdir(parents=True)
        for number, path in enumerate(images):
            shutil.copy(path, target / f"{number:03d}-{path.name}")
    return folder


def timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_scan(work: Path, folder: Path, rounds: int) -> tuple[float, float]:
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    images = 0
    for number in range(rounds):
        for enabled in (number % 2 == 0, number % 2 != 0):  # alternate which goes first
            out = work / f"out-{number}-{enabled}"
            options = ScanOptions(
                source=folder,
                out_dir=out,
                workers=1,
                provenance=ProvenanceConfig(enabled=enabled),
            )

            def scan(options: ScanOptions = options) -> None:
                nonlocal images
                outcome = run_scan(options)
                write_outputs(outcome, options)
                images = sum(1 for r in outcome.records if r.get("kind") == "image")
                read = ["provenance" in r for r in outcome.records if r.get("kind") == "image"]
                assert all(read) if options.provenance.enabled else not any(read)

            timings[enabled].append(timed(scan))
            shutil.rmtree(out)
    print(f"\nscan of {images} images, --workers 1, {rounds} rounds each, alternating")
    print("| provenance | wall images/s (median) | CPU images/s (median) |")
    print("|---|---|---|")
    rates = {}
    for enabled in (False, True):
        wall = statistics.median(t[0] for t in timings[enabled])
        cpu = statistics.median(t[1] for t in timings[enabled])
        rates[enabled] = (images / wall, images / cpu)
        print(f"| {'on' if enabled else 'off'} | {images / wall:.1f} | {images / cpu:.1f} |")
    wall_overhead = rates[False][0] / rates[True][0] - 1
    cpu_overhead = rates[False][1] / rates[True][1] - 1
    return wall_overhead, cpu_overhead


def bench_per_image(images: list[Path], reps: int) -> float:
    known_good = KnownGood()
    on, off = ProvenanceConfig(enabled=True), ProvenanceConfig(enabled=False)
    added: list[float] = []
    for _ in range(reps):
        for path in images:
            costs = {}
            for config in (off, on):
                init_worker(known_good, 1.0, config)
                start = time.process_time()
                analyse_file(str(path))
                costs[config.enabled] = time.process_time() - start
            added.append(costs[True] - costs[False])
    init_worker(known_good, 1.0, None)
    assert analysis._provenance.enabled
    median_ms = statistics.median(added) * 1000
    print(f"\nanalyse_file per image, provenance on minus off (CPU), {len(added)} pairs:")
    print(f"  median {median_ms:.2f} ms, mean {statistics.fmean(added) * 1000:.2f} ms")
    return median_ms


def bench_blocks(images: list[Path], rounds: int) -> None:
    from perisai.media.provenance import read_provenance

    init_worker(KnownGood(), 1.0, ProvenanceConfig(enabled=False))
    analyse: list[tuple[float, float]] = []
    reads: list[tuple[float, float]] = []
    for _ in range(rounds):
        analyse.append(timed(lambda: [analyse_file(str(path)) for path in images]))
        reads.append(timed(lambda: [read_provenance(path) for path in images]))
    init_worker(KnownGood(), 1.0, None)
    print(f"\nblocks of {len(images)} images, {rounds} rounds (medians):")
    for label, index in (("wall", 0), ("CPU", 1)):
        base = statistics.median(t[index] for t in analyse)
        extra = statistics.median(t[index] for t in reads)
        print(
            f"  {label}: analyse_file without provenance {base * 1000 / len(images):.2f} ms/image,"
            f" read_provenance {extra * 1000 / len(images):.2f} ms/image:"
            f" +{extra / base * 100:.1f} %"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    images = shared_images()
    print(f"{len(images)} shared images x {args.copies} copies; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = seized_folder(work, images, args.copies)
        for path in folder.rglob("*"):  # warm the page cache
            if path.is_file():
                path.read_bytes()
        wall_overhead, cpu_overhead = bench_scan(work, folder, args.rounds)
    bench_per_image(images, args.reps)
    bench_blocks(images, args.rounds)
    verdict = cpu_overhead <= TARGET_OVERHEAD
    print(
        f"\noverhead of provenance: wall {wall_overhead * 100:+.1f} %, "
        f"CPU {cpu_overhead * 100:+.1f} % (target <= {TARGET_OVERHEAD * 100:.0f} %) "
        f"-> {'PASS' if verdict else 'FAIL'}"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

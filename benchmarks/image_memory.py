"""Benchmark: memory and time of hashing images that decode to very large rasters (issue 11).

Baseline (the red team, issue 11 item 7): a 776 KB PNG of 9990x9990 16-bit RGBA took 1.9 GB and
13.7 s to hash; four at once took 5.8 GB. Target: refused, or decoded within a small budget;
concurrent decodes bounded per process.

Each case runs in a fresh Python process (``resource`` peak RSS is per process), hashing with
``perisai.media.hashing.pdq_of_image`` (the path the API, the bank loader and forensics take)
in N threads at once. Every image is synthetic (flat rows, ``perisai.testing.images``).

    .venv/bin/python benchmarks/image_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from perisai.testing.images import flat_png

CHILD = r"""
import json, resource, sys, threading, time
from perisai.media.errors import MediaError
from perisai.media.hashing import pdq_of_image

path, threads = sys.argv[1], int(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcomes = []

def one():
    try:
        pdq_of_image(path)
        outcomes.append("hashed")
    except MediaError as exc:
        outcomes.append(f"refused ({exc.kind})")

start = time.perf_counter()
workers = [threading.Thread(target=one) for _ in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "base_kb": base, "outcomes": outcomes}))
"""


def run_case(path: Path, threads: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the four-at-once cases")
    args = parser.parse_args()
    machine = f"{platform.node()} {platform.machine()}, Python {platform.python_version()}"
    print(f"# image memory — {machine}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cases = [
            ("9990x9990 16-bit RGBA PNG", flat_png(tmp / "bomb.png", 9990, 9990), 1),
            (
                "8000x6000 8-bit RGB PNG (a 48 Mpx photo)",
                flat_png(tmp / "photo.png", 8000, 6000, bit_depth=8, colour_type=2),
                1,
            ),
            (
                "4000x3000 8-bit RGB PNG (a 12 Mpx photo)",
                flat_png(tmp / "twelve.png", 4000, 3000, bit_depth=8, colour_type=2),
                1,
            ),
        ]
        if not args.quick:
            cases += [
                ("four 9990x9990 16-bit RGBA PNGs at once", tmp / "bomb.png", 4),
                ("four 48 Mpx RGB PNGs at once", tmp / "photo.png", 4),
            ]
        print(f"{'case':<44} {'file':>8} {'peak RSS':>9} {'added':>9} {'time':>7}  outcome")
        for label, path, threads in cases:
            found = run_case(path, threads)
            peak_mb = int(str(found["peak_kb"])) / 1024
            added_mb = (int(str(found["peak_kb"])) - int(str(found["base_kb"]))) / 1024
            outcomes = sorted(set(map(str, found["outcomes"])))  # type: ignore[call-overload]
            print(
                f"{label:<44} {path.stat().st_size / 1024:>6.0f}KB {peak_mb:>7.0f}MB "
                f"{added_mb:>7.0f}MB {float(str(found['seconds'])):>6.2f}s  {', '.join(outcomes)}"
            )
    print("baseline (issue 11): one 9990x9990 16-bit RGBA PNG 1.9 GB, 13.7 s; four at once 5.8 GB")


if __name__ == "__main__":
    main()

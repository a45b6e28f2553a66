"""Provenance read time of a JPEG without a C2PA manifest, against issue 20's target (<= 2 ms).

Three JPEGs with no manifest: the shared test file `c2pa-rs__no_manifest.jpg` (97 KB, with EXIF
and XMP), a phone-sized 640x480 picture with EXIF, and a 4000x3000 one (the C2PA SDK reads the
whole file). Each is read N times on one core, page cache warm; the median and 95th percentile
of `read_provenance` are printed beside the C2PA SDK's own read (`Reader.try_create`) and the
target. A signed file is timed too, for scale (no target).

Run: .venv/bin/python benchmarks/provenance_read.py [--reads N]
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from perisai.media.provenance import read_provenance
from perisai.media.provenance.c2pa_read import _context

TARGET_MS = 2.0
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "testdata" / "c2pa"


def pin_one_core() -> str:
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def photo(width: int, height: int) -> bytes:
    rng = np.random.default_rng(width)
    small = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Phone", "Model X", "Camera 1.0"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def timings(action: Callable[[], object], reads: int) -> tuple[float, float]:
    for _ in range(20):  # warm up
        action()
    found = []
    for _ in range(reads):
        start = time.perf_counter()
        action()
        found.append((time.perf_counter() - start) * 1000)
    found.sort()
    return statistics.median(found), found[int(len(found) * 0.95) - 1]


def sdk_only(path: Path) -> Callable[[], object]:
    import c2pa

    context = _context(None)

    def read() -> object:
        with path.open("rb") as handle:
            reader = c2pa.Reader.try_create("image/jpeg", handle, context=context)
            return reader.json() if reader is not None else None

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=500)
    args = parser.parse_args()
    print(f"provenance read benchmark, {pin_one_core()}, Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="perisai-provenance-bench-"))
    files = {
        "no_manifest.jpg (shared, 97 KB)": SHARED / "c2pa-rs__no_manifest.jpg",
        "640x480 camera JPEG": work / "phone.jpg",
        "4000x3000 camera JPEG": work / "large.jpg",
    }
    files["640x480 camera JPEG"].write_bytes(photo(640, 480))
    files["4000x3000 camera JPEG"].write_bytes(photo(4000, 3000))
    print(f"\n{'file':<34}{'size':>10}{'ours median':>13}{'p95':>8}{'SDK only':>10}  target")
    verdicts = []
    for label, path in files.items():
        assert read_provenance(path).c2pa.state == "absent", label
        median, p95 = timings(functools.partial(read_provenance, path), args.reads)
        sdk, _ = timings(sdk_only(path), args.reads)
        ok = median <= TARGET_MS
        verdicts.append(ok)
        print(
            f"{label:<34}{path.stat().st_size / 1024:>8.0f}KB{median:>11.2f}ms{p95:>6.2f}ms"
            f"{sdk:>8.2f}ms  <= {TARGET_MS} ms {'PASS' if ok else 'FAIL'}"
        )
    signed = SHARED / "gen_AI_created_trainedAlgorithmicMedia.jpg"
    median, p95 = timings(lambda: read_provenance(signed), max(50, args.reads // 5))
    print(f"\nfor scale, a signed JPEG (115 KB, verified): median {median:.2f} ms, p95 {p95:.2f}")
    print("\nOVERALL", "PASS" if all(verdicts) else "FAIL")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()

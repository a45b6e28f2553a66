"""Image -> PDQ throughput on one core: ours (fast and exact) against the naive pipeline.

The naive pipeline is what most integrations do: Pillow decodes the whole JPEG to RGB and
``pdqhash.compute`` hashes it. Ours decodes a large JPEG's luma plane at 1/2 scale in the DCT
domain and computes PDQ as two sparse products. Targets (issue 3): >= 4x the naive throughput,
with the fast hashes within 4 bits of the naive ones in the median and 16 at worst.

Run: .venv/bin/python benchmarks/media_hashing.py [--images N]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pdqhash
from PIL import Image, ImageDraw, ImageFilter

from perisai.media.hashing import FAST_MIN_SIDE, pdq_of_image
from perisai.media.pdq import hamming_hex

WIDTH, HEIGHT = 2000, 1500


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def photo(seed: int) -> bytes:
    """A 2000x1500 photo-like JPEG: smooth colour fields, shapes, blur and sensor noise."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        box = [x0, y0, x0 + int(rng.integers(50, 700)), y0 + int(rng.integers(50, 600))]
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(3))).astype(np.int16)
    pixels += rng.normal(0, 12, size=pixels.shape).astype(np.int16)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def naive(data: bytes) -> str:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, _quality = pdqhash.compute(rgb)
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


def decode_full(data: bytes) -> object:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def fast_scale() -> int:
    """The DCT-domain reduction our fast path picks for these images."""
    scale = 1
    while scale < 8 and max(WIDTH, HEIGHT) // (scale * 2) >= FAST_MIN_SIDE:
        scale *= 2
    return scale


def decode_reduced_luma(data: bytes) -> object:
    image = Image.open(io.BytesIO(data))
    image.draft("L", (WIDTH // fast_scale(), HEIGHT // fast_scale()))
    image.load()
    return image


def exact(data: bytes) -> object:
    return pdq_of_image(data, fast=False)


def per_image(fn: Callable[[bytes], object], images: list[bytes], rounds: int) -> float:
    """Best-of-rounds CPU seconds per image."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for data in images:
            fn(data)
        best = min(best, (time.process_time() - start) / len(images))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    where = pin_one_core()
    images = [photo(seed) for seed in range(args.images)]
    print(f"media hashing: {len(images)} generated {WIDTH}x{HEIGHT} JPEGs, one core ({where})")

    rows = [
        ("decode only, full RGB (floor of naive)", per_image(decode_full, images, args.rounds)),
        (
            f"decode only, luma at 1/{fast_scale()} (floor of ours)",
            per_image(decode_reduced_luma, images, args.rounds),
        ),
        ("naive: Pillow RGB + pdqhash.compute", per_image(naive, images, args.rounds)),
        ("ours, exact (fast=False)", per_image(exact, images, args.rounds)),
        ("ours, fast (default)", per_image(pdq_of_image, images, args.rounds)),
    ]
    naive_time = rows[2][1]
    print(f"{'pipeline':44} {'ms/image':>9} {'images/s':>9} {'vs naive':>9}")
    for name, seconds in rows:
        print(f"{name:44} {seconds * 1e3:9.1f} {1 / seconds:9.1f} {naive_time / seconds:8.1f}x")

    naive_hashes = [naive(d) for d in images]
    fast = [hamming_hex(pdq_of_image(d).hex, h) for d, h in zip(images, naive_hashes, strict=True)]
    exact_d = [
        hamming_hex(pdq_of_image(d, fast=False).hex, h)
        for d, h in zip(images, naive_hashes, strict=True)
    ]
    print(f"distance fast vs naive:  median {statistics.median(fast)}  max {max(fast)} bits")
    print(f"distance exact vs naive: median {statistics.median(exact_d)}  max {max(exact_d)} bits")

    speedup = naive_time / rows[4][1]
    checks = [
        (f"throughput >= 4x naive ({speedup:.1f}x)", speedup >= 4.0),
        (f"median distance <= 4 ({statistics.median(fast)})", statistics.median(fast) <= 4),
        (f"max distance <= 16 ({max(fast)})", max(fast) <= 16),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

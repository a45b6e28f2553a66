"""A synthetic, benign photo-like JPEG for tests and benchmarks: smooth gradients, discs of
colour and sensor-like noise (features at every scale, so its PDQ has full quality)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def synthetic_photo(
    path: Path, width: int = 4000, height: int = 3000, *, seed: int = 17, quality: int = 92
) -> Path:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    channels = []
    for c in range(3):
        fx, fy = rng.uniform(0.5, 3.0, 2)
        channels.append(
            128 + 60 * np.sin(x / width * np.pi * fx + c) * np.cos(y / height * np.pi * fy)
        )
    rgb = np.stack(channels, axis=-1)
    for _ in range(40):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.01, 0.15) * max(width, height)
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        rgb[mask] = rgb[mask] * 0.4 + rng.uniform(0, 255, 3) * 0.6
    rgb += rng.normal(0, 6, rgb.shape).astype(np.float32)
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(path, "JPEG", quality=quality)
    return path

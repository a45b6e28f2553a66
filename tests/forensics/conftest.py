"""Benign evidence built by the tests: generated images, a short video, text and binaries."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from tests.datasets import DATA

from perisai.forensics.scanner import ScanOptions

SHARED = DATA / "threatexchange"


def ensure_debian_tool(command: str, package: str) -> str:
    """Install a Debian package when its command is missing (tests run as root)."""
    found = shutil.which(command)
    if found:
        return found
    install = ["apt-get", "install", "-y", "-qq", package]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)
    found = shutil.which(command)
    assert found, f"{package} installed but {command} is still missing"
    return found


def noise_image(path: Path, seed: int, size: tuple[int, int] = (320, 240)) -> Path:
    """A blocky random picture: featureful enough for a high PDQ quality."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
    Image.fromarray(small).resize(size, Image.Resampling.BICUBIC).save(path, quality=92)
    return path


def image_with_exif(path: Path, seed: int) -> Path:
    noise_image(path, seed)
    with Image.open(path) as image:
        exif = image.getexif()
        exif[0x010F] = "Perisai Test Camera"
        exif[0x0110] = "Model-7"
        exif.get_ifd(0x8769)[36867] = "2024:05:06 07:08:09"
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: (3.0, 8.0, 24.0), 3: "E", 4: (101.0, 41.0, 12.0)})
        image.load()
        image.save(path, exif=exif.tobytes(), quality=92)
    return path


def short_video(path: Path, seconds: int = 2, fps: int = 10) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        rng = np.random.default_rng(5)
        for number in range(seconds * fps):
            pixels = np.repeat(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8), 10, axis=0)
            pixels = np.repeat(pixels, 10, axis=1)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = number
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def write_bank(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["signal_type,signal,label,category,source,note"]
    lines += [
        f"{kind},{signal},{label},{category},tests," for kind, signal, label, category in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def freeze_access_times(root: Path) -> None:
    """Reading a file on a live file system moves its atime (relatime), which a scan records:
    put every atime ahead of mtime and ctime so that the scans' own reads leave it alone."""
    now = time.time()
    for path in root.rglob("*"):
        os.utime(path, (now + 3600, now - 3600))


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    (root / "DCIM").mkdir(parents=True)
    (root / "docs").mkdir()
    for seed in range(4):
        noise_image(root / "DCIM" / f"img{seed}.jpg", seed)
    image_with_exif(root / "DCIM" / "gps.jpg", 42)
    shutil.copy(root / "DCIM" / "img0.jpg", root / "docs" / "copy-of-img0.jpg")
    short_video(root / "clip.mp4")
    (root / "docs" / "notes.txt").write_text("benign notes\n" * 50, encoding="utf-8")
    (root / "docs" / "blob.bin").write_bytes(bytes(range(256)) * 40)
    freeze_access_times(root)
    return root


@pytest.fixture
def make_options(tmp_path: Path) -> Callable[..., ScanOptions]:
    def build(source: Path, out_name: str = "out", **extra: object) -> ScanOptions:
        return ScanOptions(source=source, out_dir=tmp_path / out_name, **extra)  # type: ignore[arg-type]

    return build

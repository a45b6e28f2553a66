"""Image memory (issue 11, item 7): a small file that decodes to a huge raster is refused by its
decoded bytes, large rasters are reduced in fast mode, and decodes share a process budget."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from perisai.media import hashing
from perisai.media.decodebudget import DecodeBudget
from perisai.media.errors import MediaTooLarge
from perisai.media.hashing import hash_file, pdq_of_image, raster_bytes
from perisai.media.pdq import hamming_hex
from perisai.testing.images import flat_png

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The red team's file: 9990x9990 16-bit RGBA, under 1 MB on disk, 99.8 Mpx (just under
    the pixel limit), 400 MB as Pillow's raster and 800 MB of samples."""
    path = flat_png(tmp_path_factory.mktemp("bomb") / "bomb.png", 9990, 9990)
    assert path.stat().st_size < 1_000_000
    with Image.open(path) as img:
        assert img.size == (9990, 9990)
        assert img.size[0] * img.size[1] < hashing.DEFAULT_MAX_IMAGE_PIXELS
    return path


@pytest.mark.parametrize("fast", [True, False])
def test_the_red_team_png_is_refused_by_its_decoded_bytes(bomb: Path, fast: bool) -> None:
    with pytest.raises(MediaTooLarge, match="would decode to 381 MB"):
        pdq_of_image(bomb, fast=fast)
    report = hash_file(bomb)
    assert report.error_kind == "too_large"
    assert report.sha256 is not None, "the file's own hashes are still computed"


def test_the_bytes_limit_applies_well_below_the_pixel_limit(tmp_path: Path) -> None:
    path = flat_png(tmp_path / "wide.png", 3000, 2000, bit_depth=16, colour_type=6)
    assert raster_bytes("RGBA", (3000, 2000)) == 24_000_000
    with pytest.raises(MediaTooLarge, match="would decode to 23 MB"):
        pdq_of_image(path, max_decoded_bytes=16 << 20)
    assert pdq_of_image(path, max_decoded_bytes=32 << 20).quality >= 0
    grey = flat_png(tmp_path / "grey.png", 3000, 2000, bit_depth=8, colour_type=0)
    assert pdq_of_image(grey, max_decoded_bytes=8 << 20).quality >= 0, "1 byte a pixel in L"


def test_fast_mode_reduces_a_large_raster_and_stays_close(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    coarse = Image.fromarray(rng.integers(0, 255, (9, 12, 3), dtype=np.uint8))
    smooth = np.asarray(coarse.resize((4000, 3000), Image.Resampling.BICUBIC), dtype=np.int16)
    noisy = smooth + rng.integers(-25, 25, smooth.shape, dtype=np.int16)
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    assert raster_bytes(image.mode, image.size) > hashing.FAST_REDUCE_ABOVE_BYTES
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    exact = pdq_of_image(buffer.getvalue(), fast=False)
    budget = DecodeBudget()
    with hashing._image_luma(buffer.getvalue(), True, 10**9, budget=budget) as (luma, full, _o):
        assert luma.shape == (375, 500), "decoded, then reduced 8 times before anything else"
        assert full == (3000, 4000)
        assert budget.in_use < raster_bytes("RGB", (4000, 3000)) + 8 * 375 * 500 * 4 + 1
    fast = pdq_of_image(buffer.getvalue())
    assert hamming_hex(exact.hex, fast.hex) <= 12


def test_a_budget_bounds_decodes_by_count() -> None:
    budget = DecodeBudget(budget_bytes=10_000, max_decodes=2)
    release = threading.Event()
    arrived: list[int] = []

    def decode(index: int) -> None:
        arrived.append(index)
        with budget.reserve(100):
            release.wait(timeout=120)

    threads = [threading.Thread(target=decode, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    try:
        assert wait_until(lambda: len(arrived) == 6 and budget.running == 2)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=120)
    assert (budget.peak_running, budget.running, budget.in_use) == (2, 0, 0)


def test_a_budget_bounds_decodes_by_bytes_and_a_huge_one_runs_alone() -> None:
    budget = DecodeBudget(budget_bytes=1_000, max_decodes=10)
    release = threading.Event()
    arrived: list[int] = []

    def decode(nbytes: int) -> None:
        arrived.append(nbytes)
        with budget.reserve(nbytes):
            release.wait(timeout=120)

    threads = [threading.Thread(target=decode, args=(n,)) for n in (600, 600, 600, 10**9)]
    for thread in threads:
        thread.start()
    try:
        assert wait_until(lambda: len(arrived) == 4 and budget.running == 1)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=120)
    assert budget.peak_running == 1 and budget.peak_in_use <= 1_000
    assert budget.in_use == 0


def test_every_image_hash_goes_through_the_process_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = DecodeBudget(budget_bytes=1 << 30, max_decodes=1)
    monkeypatch.setattr(hashing, "PROCESS_BUDGET", budget)
    path = flat_png(tmp_path / "photo.png", 1200, 900, bit_depth=8, colour_type=2)
    errors: list[BaseException] = []

    def work(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as exc:
            errors.append(exc)

    calls: list[Callable[[], object]] = [
        lambda: pdq_of_image(path),
        lambda: hashing.image_pdqs(path),
        lambda: hashing.pdq_dihedral(path),
        lambda: hash_file(path),
        lambda: hashing.pdq_of_image_as_stored(path.read_bytes()),
    ]
    threads = [threading.Thread(target=work, args=(call,)) for call in calls * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert budget.peak_running == 1
    assert budget.peak_in_use >= raster_bytes("RGB", (1200, 900))
    assert (budget.running, budget.in_use) == (0, 0)

"""Crop sets (perisai.media.crops): each crop is PDQ of that crop, the index answers as brute
force does, copies cut differently are near while PDQ is not, and different pictures (with their
mirrors and turns) stay far apart."""

from __future__ import annotations

import io
import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.datasets import PDQ

from perisai.media import hash_file
from perisai.media.crops import (
    EDGE_CUT,
    QUERY_CUTS,
    STORED_CUTS,
    CropIndex,
    CropSet,
    crop_distance,
    crop_set_from_luma,
)
from perisai.media.errors import InvalidSignal
from perisai.media.hashing import image_crop_set, pdq_of_image
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, hamming_hex, pdq_from_luma

BRIDGE = PDQ / "bridge-mods" / "aaa-orig.jpg"
LABELME = sorted((PDQ / "reg-test-input" / "labelme-subset").glob("*.jpg"))
GRID = [  # left, top, right, bottom
    *itertools.product(QUERY_CUTS, repeat=4),
    *((EDGE_CUT, 0, 0, 0), (0, EDGE_CUT, 0, 0), (0, 0, EDGE_CUT, 0), (0, 0, 0, EDGE_CUT)),
]


def edited(
    path: Path,
    cuts: tuple[float, float, float, float],
    *,
    scale: float = 1.0,
    quality: int = 80,
    turn: Image.Transpose | None = None,
) -> bytes:
    """The picture cut by ``cuts`` (fractions of each side), scaled, turned, re-encoded."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    if turn is not None:
        image = image.transpose(turn)
    w, h = image.size
    left, top, right, bottom = cuts
    image = image.crop(
        (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    )
    if scale != 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def crops_of(content: bytes) -> CropSet:
    found = image_crop_set(content)
    assert found is not None
    return found


def test_every_crop_is_the_pdq_of_that_crop() -> None:
    luma = np.random.default_rng(7).uniform(0, 255, (300, 400)).astype(np.float32)
    luma = np.cumsum(np.cumsum(luma, axis=0), axis=1)  # smooth, photo-like gradients
    luma = 255 * luma / luma.max()
    found = crop_set_from_luma(luma)
    assert found is not None and found.codes.shape == (len(GRID), 32)
    assert found.stored.shape == (len(STORED_CUTS) ** 4 + 4, 32)
    rows, cols = luma.shape
    for i in (0, 1, 77, 130, 255, 256, 257, 258, 259):
        left, top, right, bottom = GRID[i]
        part = luma[
            round(rows * top) : rows - round(rows * bottom),
            round(cols * left) : cols - round(cols * right),
        ]
        # Equal but for a coefficient tied with the median within float rounding (the crops'
        # DCT is batched): such a tie swaps two bits.
        assert hamming_hex(found.codes[i].tobytes().hex(), pdq_from_luma(part).hex) <= 2, GRID[i]


def test_the_uncut_crop_is_the_pictures_pdq() -> None:
    content = BRIDGE.read_bytes()
    found = crops_of(content)
    # The crop set works on a reduced luminance: within a few bits of the full-size PDQ.
    assert hamming_hex(found.codes[0].tobytes().hex(), pdq_of_image(content).hex) <= 10


def test_copies_cut_differently_are_near_by_their_crops_and_far_by_pdq() -> None:
    one = edited(BRIDGE, (0.04, 0.02, 0.0, 0.0), quality=70)
    other = edited(BRIDGE, (0.0, 0.0, 0.04, 0.03), scale=0.6, quality=60)
    assert hamming_hex(pdq_of_image(one).hex, pdq_of_image(other).hex) > PDQ_MATCH_THRESHOLD
    assert crop_distance(crops_of(other).codes, crops_of(one).stored) <= PDQ_MATCH_THRESHOLD
    assert crop_distance(crops_of(one).codes, crops_of(other).stored) <= PDQ_MATCH_THRESHOLD


def test_different_pictures_and_their_mirrors_and_turns_stay_apart() -> None:
    turns = (None, Image.Transpose.FLIP_LEFT_RIGHT, Image.Transpose.ROTATE_90)
    pictures = []
    for path in [*LABELME, BRIDGE]:
        for turn in turns:
            content = edited(path, (0.0, 0.0, 0.0, 0.0), quality=90, turn=turn)
            if pdq_of_image(content).quality >= 50:  # clustering's floor, as for PDQ
                pictures.append((path.stem, turn, crops_of(content)))
    assert len(pictures) >= 12
    for (name, turn, one), (other_name, other_turn, other) in itertools.permutations(pictures, 2):
        if (name, turn) != (other_name, other_turn):
            distance = crop_distance(one.codes, other.stored)
            assert distance > PDQ_MATCH_THRESHOLD, (name, turn, other_name, other_turn)


def test_the_index_answers_as_brute_force() -> None:
    rng = random.Random(3)
    entries: dict[int, np.ndarray] = {}
    index = CropIndex()
    for entry, cuts in enumerate(
        [(0.0, 0.0, 0.0, 0.0), (0.03, 0.01, 0.0, 0.02), (0.0, 0.05, 0.02, 0.0)]
    ):
        found = crops_of(edited(BRIDGE, cuts, scale=rng.uniform(0.5, 1.0)))
        entries[entry] = found.stored
        index.add(entry, found.stored)
    for path in LABELME[:3]:
        found = crops_of(edited(path, (0.0, 0.0, 0.0, 0.0)))
        entries[100 + len(entries)] = found.stored
        index.add(100 + len(entries) - 1, found.stored)
    index.remove(1)
    del entries[1]
    for cuts in [(0.02, 0.0, 0.03, 0.0), (0.0, 0.04, 0.0, 0.01)]:
        query = crops_of(edited(BRIDGE, cuts, quality=60)).codes
        expected = sorted(
            (crop_distance(query, stored), entry)
            for entry, stored in entries.items()
            if crop_distance(query, stored) <= PDQ_MATCH_THRESHOLD
        )
        assert expected, "the copies are near"
        assert [(m.distance, m.entry_id) for m in index.query(query)] == expected
    assert len(index) == len(entries)


def test_packing_round_trips_and_malformed_bytes_are_refused() -> None:
    found = crops_of(BRIDGE.read_bytes())
    assert np.array_equal(CropSet.unpack(found.pack()), found.codes)
    assert np.array_equal(CropSet.stored_of(found.pack()), found.stored)
    assert np.array_equal(CropSet.stored_of(found.pack_stored()), found.stored)
    for bad in (b"", b"\x02" + found.codes.tobytes(), found.pack()[:-1], b"\x01" + bytes(32 * 7)):
        with pytest.raises(InvalidSignal):
            CropSet.unpack(bad)


def test_hash_file_gives_an_images_crop_set_and_none_for_a_tiny_one(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(edited(BRIDGE, (0.0, 0.0, 0.0, 0.0)))
    report = hash_file(photo, crops=True)
    assert report.pdq_crops is not None
    assert np.array_equal(CropSet.unpack(report.pdq_crops), crops_of(photo.read_bytes()).codes)
    assert hash_file(photo).pdq_crops is None  # only when asked
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (24, 24), (200, 10, 10)).save(tiny)
    assert hash_file(tiny, crops=True).pdq_crops is None


def _flipped(code: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    out = np.unpackbits(code.copy())
    out[rng.choice(256, size=bits, replace=False)] ^= 1
    return np.packbits(out)


def test_the_index_answers_as_brute_force_past_its_rebuilds() -> None:
    # Enough rows that the sorted tables are built (and built again) and queried, with
    # entries near the query at every distance around the threshold, replaced and removed.
    rng = np.random.default_rng(11)
    asked = rng.integers(0, 256, (260, 32), dtype=np.uint8)
    index, entries = CropIndex(), {}
    for entry in range(400):
        stored = rng.integers(0, 256, (20, 32), dtype=np.uint8)
        if entry % 3 == 0:  # one crop near one of the asked crops
            stored[entry % 20] = _flipped(asked[entry % 260], entry % 40, rng)
        entries[entry] = stored
        index.add(entry, stored)
    for entry in range(0, 400, 7):
        index.remove(entry)
        del entries[entry]
    for entry in range(1, 400, 11):
        if entry in entries:
            entries[entry] = rng.integers(0, 256, (20, 32), dtype=np.uint8)
            index.add(entry, entries[entry])
    expected = sorted(
        (crop_distance(asked, stored), entry)
        for entry, stored in entries.items()
        if crop_distance(asked, stored) <= PDQ_MATCH_THRESHOLD
    )
    assert len(expected) > 20
    assert [(m.distance, m.entry_id) for m in index.query(asked)] == expected
    assert len(index) == len(entries)

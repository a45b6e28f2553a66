"""EXIF-rotated photos: both PDQs are computed and matched, and the match says which.

The photos of tests/data/exif are benign ThreatExchange images stored turned, with the EXIF tag
that turns them upright; their reference hashes are the `pdqhash` package's (ThreatExchange's
C++ PDQ) of each file as stored, orientation ignored: what banks built by those tools hold.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from perisai.media.banks import BankEntry
from perisai.media.hashing import hash_file, image_pdqs, pdq_of_image_as_stored
from perisai.media.matcher import Matcher
from perisai.media.pdq import PDQ_MATCH_THRESHOLD, hamming_hex

EXIF = Path(__file__).resolve().parents[1] / "data" / "exif"
ROWS = [
    line.split("\t")
    for line in (EXIF / "reference-hashes.tsv").read_text(encoding="utf-8").splitlines()[1:]
]
NAMES = [row[0] for row in ROWS]
REFERENCE = {row[0]: row[3] for row in ROWS}
ORIENTATION = {row[0]: int(row[1]) for row in ROWS}
SOURCE_REFERENCE = {row[0]: row[5] for row in ROWS if row[5]}


def test_the_fixture_covers_every_orientation() -> None:
    assert set(ORIENTATION.values()) == set(range(2, 9))
    assert len(NAMES) == 12


@pytest.mark.parametrize("name", NAMES)
def test_both_hashes_where_the_orientation_is_not_1(name: str) -> None:
    report = hash_file(EXIF / name)
    assert report.exif_orientation == ORIENTATION[name]
    assert report.pdq_raw is not None and report.pdq is not None
    # As stored: the reference's own hash (within the fast decode's few bits).
    assert hamming_hex(report.pdq_raw, REFERENCE[name]) <= 10
    # As seen: far from what the reference banked for this file (the bug this fixes).
    assert hamming_hex(report.pdq, REFERENCE[name]) > PDQ_MATCH_THRESHOLD
    assert set(report.to_dict()) >= {"exif_orientation", "pdq_raw", "pdq_raw_quality"}


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_hash_is_the_reference_bit_for_bit(name: str) -> None:
    assert pdq_of_image_as_stored(EXIF / name, fast=False).hex == REFERENCE[name]
    both = image_pdqs(EXIF / name, fast=False)
    assert both.raw is not None and both.raw.hex == REFERENCE[name]
    assert both.exif_orientation == ORIENTATION[name]


def test_every_photo_matches_a_bank_of_reference_hashes_by_its_raw_hash() -> None:
    bank = [BankEntry("pdq", REFERENCE[name], label=name) for name in NAMES]
    matcher = Matcher(bank, bank="reference")
    for name in NAMES:
        matches = matcher.match_file(EXIF / name)
        mine = [m for m in matches if m.entry.label == name]
        assert mine, name
        assert mine[0].variant == "raw" and mine[0].distance <= 10
        assert mine[0].to_dict()["variant"] == "raw"


def test_the_oriented_hash_still_matches_the_upright_original() -> None:
    """ThreatExchange's reference hash of the upright source image matches our oriented PDQ."""
    assert SOURCE_REFERENCE
    for name, expected in SOURCE_REFERENCE.items():
        matcher = Matcher([BankEntry("pdq", expected, label="source")])
        (match,) = matcher.match_file(EXIF / name)
        assert match.variant is None and match.distance <= 10, name


def test_orientation_1_or_no_tag_gives_one_hash() -> None:
    image = Image.open(EXIF / NAMES[0])
    image.load()
    for tag in (None, 1, 0, 9):
        buffer = io.BytesIO()
        exif = Image.Exif()
        if tag is not None:
            exif[0x0112] = tag
        image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
        both = image_pdqs(buffer.getvalue())
        assert both.raw is None and both.exif_orientation == 1, tag

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.forensics.conftest import SHARED

from perisai.clikit import BadInput
from perisai.forensics import hashing_adapter
from perisai.forensics.matching import BankMatcher, load_bank
from perisai.media.banks import BankEntry
from perisai.media.pdq import FrameHash, frames_to_signal


def _distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def test_pdq_of_shared_reference_images_is_near_the_reference() -> None:
    rows = (SHARED / "pdq" / "reference-hashes.tsv").read_text(encoding="utf-8").splitlines()[1:]
    photos = [row.split("\t") for row in rows if row.startswith("reg-test-input/")]
    assert len(photos) >= 5
    checked = 0
    for relative, expected in photos:
        ours, quality = hashing_adapter.pdq_of_image(SHARED / "pdq" / relative)
        if quality < 80:  # featureless images are not expected to agree (the README says so)
            continue
        checked += 1
        assert _distance(ours, expected) <= 31, relative  # fast decode: within match distance
    assert checked >= 3


def test_bank_matcher_pdq_equals_brute_force() -> None:
    rng = np.random.default_rng(3)
    codes = [rng.bytes(32).hex() for _ in range(50)]
    probe = bytearray(bytes.fromhex(codes[7]))
    probe[0] ^= 0xFF  # 8 bits away from entry 7
    entries = [BankEntry("pdq", code, f"e{n}", "1", "t") for n, code in enumerate(codes)]
    matcher = BankMatcher([("bank", entries)])
    hits = matcher.match({"pdq": {"hex": probe.hex(), "quality": 100}})
    expected = [c for c in codes if _distance(c, probe.hex()) <= 31]
    assert sorted(h["signal"] for h in hits) == sorted(expected)
    assert [h["distance"] for h in hits if h["label"] == "e7"] == [8]


def test_bank_matcher_matches_video_frames_and_vpdq_entries_with_the_media_matcher() -> None:
    rng = np.random.default_rng(4)
    hashes = [FrameHash(float(n), rng.bytes(32).hex(), 100) for n in range(4)]
    frames = [{"t": f.t, "pdq": f.pdq, "quality": f.quality} for f in hashes]
    vpdq = frames_to_signal(hashes)
    entries = [
        BankEntry("pdq", hashes[2].pdq, "frame", "1", "t"),
        BankEntry("vpdq", vpdq, "video", "1", "t"),
    ]
    matcher = BankMatcher([("bank", entries)])
    hits = matcher.match({"vpdq": frames})
    assert [(h["label"], h["signal_type"]) for h in hits] == [("frame", "pdq"), ("video", "vpdq")]
    assert hits[0]["distance"] == 0 and "variant" not in hits[0]  # a frame is not a variant
    assert hits[1]["query_match_pct"] == 100.0


def test_damaged_image_raises_a_recordable_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    with pytest.raises(hashing_adapter.media_error_types()):
        hashing_adapter.pdq_of_image(broken)


def test_missing_bank_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="bank file not found"):
        load_bank(tmp_path / "missing.csv")


def test_a_bank_with_a_malformed_line_loads_the_rest(tmp_path: Path) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text(
        "signal_type,signal,label,category,source,note\n"
        f"md5,{'a' * 32},one,1,t,\nmd5,not-a-hash,two,1,t,\nsha1,{'b' * 40},three,1,t,\n",
        encoding="utf-8",
    )
    records, warnings = load_bank(bank)
    assert [r.label for r in records] == ["one", "three"]
    assert len(warnings) == 1 and "bank.csv:3:" in warnings[0]

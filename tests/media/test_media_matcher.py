"""Matcher: banks of every signal type together, incremental changes, quality and rotations."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from perisai.media.banks import BankEntry
from perisai.media.hashing import hash_file
from perisai.media.matcher import Matcher
from perisai.media.pdq import frames_to_signal


def _entries_of(path: Path, label: str) -> list[BankEntry]:
    report = hash_file(path)
    pairs = [("md5", report.md5), ("sha1", report.sha1), ("sha256", report.sha256)]
    pairs += [("pdq", report.pdq), ("vpdq", frames_to_signal(report.vpdq) if report.vpdq else None)]
    return [BankEntry(kind, value, label, "A1") for kind, value in pairs if value]


def test_file_matches_across_signal_types(pdq_data: Path, video_data: Path) -> None:
    original = pdq_data / "bridge-mods/aaa-orig.jpg"
    chair = video_data / "chair-orig-22-sd-bar.mp4"
    matcher = Matcher([*_entries_of(original, "bridge"), *_entries_of(chair, "chair")], bank="b1")
    exact = matcher.match_file(original)
    assert [(m.signal_type, m.distance) for m in exact] == [
        ("md5", 0),
        ("sha1", 0),
        ("sha256", 0),
        ("pdq", 0),
    ]
    assert {m.bank for m in exact} == {"b1"}
    (near,) = matcher.match_file(pdq_data / "bridge-mods/blur-a-lot.jpg")
    assert (near.signal_type, near.entry.label) == ("pdq", "bridge")
    (video,) = matcher.match_file(video_data / "chair-22-sd-grey-bar.mp4")
    assert video.signal_type == "vpdq"
    assert video.query_match_pct is not None
    assert video.query_match_pct >= 80
    assert video.to_dict()["bank_match_pct"] == video.bank_match_pct
    assert matcher.match_file(pdq_data / "reg-test-input/labelme-subset/q0122.jpg") == []


def test_incremental_add_and_remove(pdq_data: Path) -> None:
    matcher = Matcher()
    probe = pdq_data / "bridge-mods/sharpen-a-little.jpg"
    assert matcher.match_file(probe) == []
    ids = matcher.add_entries(_entries_of(pdq_data / "bridge-mods/aaa-orig.jpg", "bridge"))
    assert len(matcher.match_file(probe)) == 1
    pdq_id = next(i for i in ids if matcher.entry(i).signal_type == "pdq")  # type: ignore[union-attr]
    assert matcher.remove_entry(pdq_id)
    assert matcher.match_file(probe) == []
    assert not matcher.remove_entry(pdq_id)


def test_low_quality_queries_are_not_pdq_matched() -> None:
    blank = "0" * 64
    matcher = Matcher([BankEntry("pdq", blank, "blank")])
    assert matcher.match_signals(pdq=blank, pdq_quality=10) == []
    assert len(matcher.match_signals(pdq=blank, pdq_quality=90)) == 1
    assert len(matcher.match_signals({"pdq": blank})) == 1


def test_a_corrupt_file_still_matches_by_md5(tmp_path: Path, pdq_data: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((pdq_data / "bridge-mods/aaa-orig.jpg").read_bytes()[:4000])
    matcher = Matcher(_entries_of(broken, "known-broken"))
    found = matcher.scan_file(broken)
    assert found.report.error_kind == "corrupt"
    assert [m.signal_type for m in found.matches] == ["md5", "sha1", "sha256"]
    assert found.to_dict()["error"]


def test_rotations_find_a_mirrored_copy(tmp_path: Path, pdq_data: Path) -> None:
    original = pdq_data / "bridge-mods/aaa-orig.jpg"
    mirrored = tmp_path / "mirrored.jpg"
    Image.open(original).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored, quality=95)
    entries = [e for e in _entries_of(original, "bridge") if e.signal_type == "pdq"]
    assert Matcher(entries).match_file(mirrored) == []
    (hit,) = Matcher(entries, rotations=True).match_file(mirrored)
    assert hit.variant == "flip_y"
    assert hit.distance <= 31


def test_reserved_signal_types_are_counted_not_matched() -> None:
    matcher = Matcher([BankEntry("photodna", "AAECAw=="), BankEntry("md5", "0" * 32)])
    assert len(matcher) == 1
    assert matcher.skipped_unimplemented == 1


def test_a_bank_can_be_switched_off_and_on(pdq_data: Path) -> None:
    original = pdq_data / "bridge-mods/aaa-orig.jpg"
    matcher = Matcher(_entries_of(original, "bridge"), bank="ncmec")
    matcher.add_entries(_entries_of(original, "bridge"), bank="local")
    assert {m.bank for m in matcher.match_file(original)} == {"ncmec", "local"}
    matcher.set_bank_enabled("ncmec", False)
    assert {m.bank for m in matcher.match_file(original)} == {"local"}
    matcher.set_bank_enabled("ncmec", True)
    assert len(matcher.match_file(original)) == 8

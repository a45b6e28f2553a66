from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.forensics.conftest import md5_of, noise_image, write_bank

from perisai.clikit import BadInput
from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanHooks, ScanOptions, run_scan

OptionsFactory = Callable[..., ScanOptions]


def by_path(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r["path"]): r for r in records}


def test_directory_scan_hashes_sniffs_and_analyses(
    evidence_dir: Path, make_options: OptionsFactory
) -> None:
    records = by_path(run_scan(make_options(evidence_dir)).records)
    assert set(records) == {
        "DCIM/img0.jpg", "DCIM/img1.jpg", "DCIM/img2.jpg", "DCIM/img3.jpg", "DCIM/gps.jpg",
        "clip.mp4", "docs/copy-of-img0.jpg", "docs/notes.txt", "docs/blob.bin",
    }  # fmt: skip
    blob = (evidence_dir / "docs" / "blob.bin").read_bytes()
    assert records["docs/blob.bin"]["sha256"] == hashlib.sha256(blob).hexdigest()
    assert records["docs/blob.bin"]["sha1"] == hashlib.sha1(blob).hexdigest()  # noqa: S324
    assert records["docs/blob.bin"]["mime"] == "application/octet-stream"
    image = records["DCIM/img1.jpg"]
    assert image["mime"] == "image/jpeg"
    assert len(image["pdq"]["hex"]) == 64
    video = records["clip.mp4"]
    assert video["kind"] == "video"
    assert len(video["vpdq"]) >= 2
    exif = records["DCIM/gps.jpg"]["exif"]
    assert exif["make"] == "Perisai Test Camera"
    assert exif["original_time"] == "2024:05:06 07:08:09"
    assert exif["gps"] == pytest.approx({"lat": 3.14, "lon": 101.686667})
    assert "mtime" in image["times"]


def test_duplicates_share_one_group(evidence_dir: Path, make_options: OptionsFactory) -> None:
    records = by_path(run_scan(make_options(evidence_dir)).records)
    group = records["DCIM/img0.jpg"]["duplicate_group"]
    assert group is not None
    assert records["docs/copy-of-img0.jpg"]["duplicate_group"] == group
    assert records["DCIM/img1.jpg"]["duplicate_group"] is None


def test_bank_matches_exact_and_pdq_near_duplicate(
    evidence_dir: Path, tmp_path: Path, make_options: OptionsFactory
) -> None:
    first = by_path(run_scan(make_options(evidence_dir, "first")).records)
    # A resized copy has other bytes but a PDQ hash within distance 31 of the original.
    noise_image(tmp_path / "resized.jpg", 2, size=(480, 360))
    resized = run_scan(make_options(tmp_path / "resized.jpg", "resized")).records[0]
    bank = write_bank(
        tmp_path / "bank.csv",
        [
            ("md5", md5_of(evidence_dir / "DCIM" / "img1.jpg"), "series-a", "1"),
            ("pdq", resized["pdq"]["hex"], "series-b", "2"),
        ],
    )
    records = by_path(run_scan(make_options(evidence_dir, banks=(bank,))).records)
    exact = records["DCIM/img1.jpg"]["matches"]
    assert [(m["label"], m["category"], m["signal_type"]) for m in exact] == [
        ("series-a", "1", "md5")
    ]
    near = records["DCIM/img2.jpg"]["matches"]
    assert [(m["label"], m["category"]) for m in near] == [("series-b", "2")]
    assert 0 <= near[0]["distance"] <= 31
    assert records["docs/notes.txt"]["matches"] == []
    assert first["DCIM/img2.jpg"]["md5"] != resized["md5"]


def test_known_good_items_are_marked_and_not_analysed(
    evidence_dir: Path, tmp_path: Path, make_options: OptionsFactory
) -> None:
    target = evidence_dir / "DCIM" / "img3.jpg"
    known = tmp_path / "nsrl.md5"
    known.write_text(f"{md5_of(target)}  img3.jpg\n", encoding="utf-8")
    bank = write_bank(tmp_path / "bank.csv", [("md5", md5_of(target), "x", "1")])
    options = make_options(evidence_dir, known_good=(known,), banks=(bank,))
    record = by_path(run_scan(options).records)["DCIM/img3.jpg"]
    assert record["status"] == "known"
    assert record["known_good"] is True
    assert "pdq" not in record
    assert record["matches"] == []


def _interrupt_after(limit: int) -> Callable[[int], None]:
    def hook(done: int) -> None:
        if done >= limit:
            raise KeyboardInterrupt

    return hook


def test_interrupted_scan_resumes_to_the_same_outputs(
    evidence_dir: Path, make_options: OptionsFactory
) -> None:
    reference = run_scan(make_options(evidence_dir, "reference"))
    write_outputs(reference, make_options(evidence_dir, "reference"))

    with pytest.raises(KeyboardInterrupt):
        run_scan(make_options(evidence_dir, "resumed"), ScanHooks(after_item=_interrupt_after(4)))
    journal = make_options(evidence_dir, "resumed").out_dir / "journal.jsonl"
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 4
    assert not (make_options(evidence_dir, "resumed").out_dir / ".work").exists()

    analysed: list[int] = []
    options = make_options(evidence_dir, "resumed", resume=True)
    outcome = run_scan(options, ScanHooks(after_item=analysed.append))
    write_outputs(outcome, options)
    assert len(analysed) == len(reference.records) - 4  # done items are not analysed again
    for name in ("items.jsonl", "items.csv", "findings.vics.json"):
        assert (options.out_dir / name).read_bytes() == (reference.out_dir / name).read_bytes(), (
            name
        )


def test_parallel_workers_give_the_same_records(
    evidence_dir: Path, make_options: OptionsFactory
) -> None:
    single = run_scan(make_options(evidence_dir, "one")).records
    double = run_scan(make_options(evidence_dir, "two", workers=2)).records
    assert json.dumps(single, sort_keys=True) == json.dumps(double, sort_keys=True)


def test_second_scan_into_the_same_folder_needs_resume(
    evidence_dir: Path, tmp_path: Path, make_options: OptionsFactory
) -> None:
    run_scan(make_options(evidence_dir))
    with pytest.raises(BadInput, match="--resume"):
        run_scan(make_options(evidence_dir))
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(BadInput, match="belongs to a scan of"):
        run_scan(make_options(other, resume=True))


def test_bad_inputs_are_refused_with_a_reason(tmp_path: Path, make_options: OptionsFactory) -> None:
    with pytest.raises(BadInput, match="source not found"):
        run_scan(make_options(tmp_path / "missing"))
    with pytest.raises(BadInput, match="workers"):
        run_scan(make_options(tmp_path, workers=0))
    garbage = tmp_path / "bank.csv"
    garbage.write_bytes(b"\x00\xffnot a bank at all\n")
    with pytest.raises(BadInput):
        run_scan(make_options(tmp_path, "o2", banks=(garbage,)))


def test_videos_get_a_tmk_signature_only_when_a_bank_can_match_it(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    from tests.datasets import VIDEO

    from perisai.media.video import tmk_of_video

    source = tmp_path / "seized"
    source.mkdir()
    shutil.copyfile(VIDEO / "chair-19-sd-bar.mp4", source / "edited.mp4")
    pdq_only = write_bank(tmp_path / "pdq.csv", [("pdq", "ab" * 32, "unrelated", "0")])
    plain = run_scan(make_options(source, "plain", banks=(pdq_only,))).records[0]
    assert "tmk" not in plain  # no bank holds TMK: the signature is not worth its cost
    signature = tmk_of_video(VIDEO / "chair-orig-22-sd-bar.mp4").to_signal()
    bank = write_bank(tmp_path / "tmk.csv", [("tmk", signature, "chair series", "1")])
    [record] = run_scan(make_options(source, "tmk", banks=(bank,))).records
    assert record["tmk"].startswith("tmk1:")
    assert [(m["signal_type"], m["label"]) for m in record["matches"]] == [("tmk", "chair series")]
    assert record["matches"][0]["level2"] >= 0.7

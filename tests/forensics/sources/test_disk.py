"""Disk images that the tests build with Debian tools (dosfstools, mtools, e2fsprogs, ewf-tools)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.forensics.conftest import ensure_debian_tool, md5_of, noise_image, write_bank

from perisai.forensics.scanner import ScanOptions, run_scan

OptionsFactory = Callable[..., ScanOptions]


@pytest.fixture(scope="module")
def fat_tools() -> dict[str, str]:
    return {
        "mkfs.vfat": ensure_debian_tool("mkfs.vfat", "dosfstools"),
        "mcopy": ensure_debian_tool("mcopy", "mtools"),
    }


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture
def known_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "known"
    folder.mkdir()
    files = {f"p{i}.jpg": noise_image(folder / f"p{i}.jpg", 100 + i) for i in range(3)}
    notes = folder / "notes.txt"
    notes.write_text("benign\n" * 300, encoding="utf-8")
    files["notes.txt"] = notes
    return files


def _fat_image(tmp_path: Path, files: dict[str, Path], tools: dict[str, str]) -> Path:
    image = tmp_path / "card.img"
    _run("truncate", "-s", "8M", str(image))
    _run(tools["mkfs.vfat"], "-n", "CARD", str(image))
    _run("mmd", "-i", str(image), "::/DCIM")
    _run(tools["mcopy"], "-i", str(image), str(files["p0.jpg"]), str(files["p1.jpg"]), "::/DCIM/")
    _run(tools["mcopy"], "-i", str(image), str(files["p2.jpg"]), str(files["notes.txt"]), "::/")
    _run("mdel", "-i", str(image), "::/DCIM/p1.jpg", "::/notes.txt")  # deleted evidence
    return image


def test_fat_image_lists_deleted_files_and_matches_the_bank(
    tmp_path: Path, known_files: dict[str, Path], fat_tools: dict[str, str],
    make_options: OptionsFactory,
) -> None:  # fmt: skip
    image = _fat_image(tmp_path, known_files, fat_tools)
    bank = write_bank(
        tmp_path / "bank.csv",
        [("md5", md5_of(path), name, "1") for name, path in known_files.items()],
    )
    outcome = run_scan(make_options(image, banks=(bank,)))
    records = {r["path"]: r for r in outcome.records}
    assert outcome.state["source_kind"] == "disk-image"
    live = records["card.img!/DCIM/p0.jpg"]
    assert live["deleted"] is False
    assert [m["label"] for m in live["matches"]] == ["p0.jpg"]
    # FAT overwrites the first letter of a deleted name; TSK shows it as "_".
    deleted = {path: r for path, r in records.items() if r["deleted"]}
    assert set(deleted) == {"card.img!/DCIM/_1.jpg", "card.img!/_otes.txt"}
    assert [m["label"] for m in deleted["card.img!/DCIM/_1.jpg"]["matches"]] == ["p1.jpg"]
    assert deleted["card.img!/_otes.txt"]["md5"] == md5_of(known_files["notes.txt"])
    assert records["card.img!/p2.jpg"]["pdq"]["quality"] >= 50
    assert records["card.img!/$FAT1"]["entry_type"] == "virtual"
    assert outcome.state["source_sha256"]


def test_ext4_image_built_from_a_folder(
    tmp_path: Path, known_files: dict[str, Path], make_options: OptionsFactory
) -> None:
    mke2fs = ensure_debian_tool("mke2fs", "e2fsprogs")
    image = tmp_path / "disk.ext4"
    _run(mke2fs, "-q", "-t", "ext4", "-d", str(known_files["p0.jpg"].parent), str(image), "4M")
    records = {r["path"]: r for r in run_scan(make_options(image)).records}
    for name, path in known_files.items():
        assert records[f"disk.ext4!/{name}"]["md5"] == md5_of(path)
    assert "crtime" in records["disk.ext4!/p0.jpg"]["times"]


def test_e01_image_is_read_through_libewf(
    tmp_path: Path, known_files: dict[str, Path], fat_tools: dict[str, str],
    make_options: OptionsFactory,
) -> None:  # fmt: skip
    ewfacquire = ensure_debian_tool("ewfacquire", "ewf-tools")
    raw = _fat_image(tmp_path, known_files, fat_tools)
    target = tmp_path / "card"
    _run(ewfacquire, "-u", "-q", "-t", str(target), "-f", "encase6", "-c", "none",
         "-D", "test", "-e", "tester", "-E", "1", "-N", "none", str(raw))  # fmt: skip
    outcome = run_scan(make_options(tmp_path / "card.E01"))
    records = {r["path"]: r for r in outcome.records}
    assert outcome.state["source_kind"] == "ewf-image"
    assert records["card.E01!/DCIM/p0.jpg"]["md5"] == md5_of(known_files["p0.jpg"])
    assert records["card.E01!/DCIM/_1.jpg"]["deleted"] is True


def test_damaged_images_are_reported_not_fatal(
    tmp_path: Path, known_files: dict[str, Path], fat_tools: dict[str, str],
    make_options: OptionsFactory,
) -> None:  # fmt: skip
    truncated_ewf = tmp_path / "broken.E01"
    truncated_ewf.write_bytes(b"EVF\x09\x0d\x0a\xff\x00" + b"\x00" * 100)
    outcome = run_scan(make_options(truncated_ewf, "ewf-out"))
    assert outcome.records == []
    assert any("disk image unreadable" in p for p in outcome.source_problems)

    image = _fat_image(tmp_path, known_files, fat_tools)
    data = bytearray(image.read_bytes())
    fat_start = int.from_bytes(data[14:16], "little") * 512  # after the reserved sectors
    data[fat_start : fat_start + 0x2000] = b"\xff" * 0x2000  # every cluster chain now ends at once
    image.write_bytes(bytes(data))
    records = {r["path"]: r for r in run_scan(make_options(image, "fat-out")).records}
    broken = records["card.img!/DCIM/p0.jpg"]
    assert broken["status"] == "partial"
    assert broken["declared_size"] == known_files["p0.jpg"].stat().st_size
    assert any("declared bytes readable" in e for e in broken["errors"])
    assert any("damaged image" in e for e in broken["errors"])
    assert records["card.img!/p2.jpg"]["sha256"]  # the scan went on after the damaged items

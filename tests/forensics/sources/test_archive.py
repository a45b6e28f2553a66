from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import libarchive
from tests.forensics.conftest import md5_of, noise_image, write_bank

from perisai.forensics.limits import ScanLimits
from perisai.forensics.scanner import ScanOptions, run_scan

OptionsFactory = Callable[..., ScanOptions]


def _tar_gz_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _hostile_zip(path: Path, photo: Path) -> Path:
    inner = _tar_gz_bytes({"DCIM/a.jpg": photo.read_bytes(), "readme.txt": b"inner"})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.tar.gz", inner)
        archive.writestr("../escaped.txt", b"should never be written")
        archive.writestr("/etc/absolute.txt", b"should never be written")
        archive.writestr("bomb.bin", b"\0" * (40 << 20))  # ratio ~1000:1
        archive.writestr("after-the-bomb.txt", b"still scanned")
    return path


def _files_outside(root: Path, out: Path) -> set[Path]:
    return {p for p in root.rglob("*") if out not in p.parents and p != out}


def test_nested_archives_traversal_and_bomb_are_handled_safely(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    photo = noise_image(tmp_path / "photo.jpg", 7)
    source = _hostile_zip(tmp_path / "evidence.zip", photo)
    bank = write_bank(tmp_path / "bank.csv", [("md5", md5_of(photo), "series-z", "1")])
    options = make_options(source, banks=(bank,))
    before = _files_outside(tmp_path, options.out_dir)

    records = {r["path"]: r for r in run_scan(options).records}

    nested = records["evidence.zip!/inner.tar.gz!/DCIM/a.jpg"]
    assert nested["md5"] == md5_of(photo)
    assert [m["label"] for m in nested["matches"]] == ["series-z"]
    assert records["evidence.zip!/inner.tar.gz!/readme.txt"]["status"] == "ok"
    for hostile in ("evidence.zip!/../escaped.txt", "evidence.zip!//etc/absolute.txt"):
        assert records[hostile]["status"] == "refused"
        assert "path traversal" in records[hostile]["errors"][0]
    bomb = records["evidence.zip!/bomb.bin"]
    assert bomb["status"] == "refused"
    assert "zip bomb" in bomb["errors"][0]
    assert "sha256" not in bomb
    assert records["evidence.zip!/after-the-bomb.txt"]["status"] == "ok"
    assert _files_outside(tmp_path, options.out_dir) == before  # nothing written outside
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not (options.out_dir / ".work").exists()  # extracted data is removed


def test_corrupt_archive_is_recorded_and_the_scan_goes_on(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    good = _tar_gz_bytes({"ok.txt": b"fine"})
    (folder / "broken.tar.gz").write_bytes(good[: len(good) // 2])
    (folder / "plain.txt").write_text("hello", encoding="utf-8")
    records = {r["path"]: r for r in run_scan(make_options(folder)).records}
    broken = records["broken.tar.gz"]
    assert broken["status"] == "partial"
    assert broken["sha256"]
    assert any("archive unreadable" in e or "unreadable member" in e for e in broken["errors"])
    assert records["plain.txt"]["status"] == "ok"


def test_encrypted_member_is_recorded_with_its_reason(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    source = tmp_path / "locked.zip"
    with libarchive.file_writer(
        str(source), "zip", options="encryption=zipcrypt", passphrase="pw"
    ) as archive:
        archive.add_file_from_memory("secret.txt", 6, b"secret")
    records = {r["path"]: r for r in run_scan(make_options(source)).records}
    locked = records["locked.zip!/secret.txt"]
    assert locked["status"] == "error"
    assert "passphrase" in locked["errors"][0].lower()


def test_nesting_beyond_the_depth_limit_is_not_opened(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    data = b"core"
    for _ in range(3):
        data = _tar_gz_bytes({"next.tar.gz" if data != b"core" else "core.txt": data})
    source = tmp_path / "deep.tar.gz"
    source.write_bytes(data)
    options = make_options(source, limits=ScanLimits(max_depth=1))
    records = {r["path"]: r for r in run_scan(options).records}
    stopped = records["deep.tar.gz!/next.tar.gz"]
    assert any("nested deeper than 1" in e for e in stopped["errors"])
    assert not any(path.endswith("core.txt") for path in records)


def test_links_and_undecodable_names_are_kept(tmp_path: Path, make_options: OptionsFactory) -> None:
    source = tmp_path / "names.tar"
    with tarfile.open(source, "w", encoding="utf-8", errors="surrogateescape") as archive:
        info = tarfile.TarInfo("caf\udce9.txt")  # Latin-1 byte 0xE9, not valid UTF-8
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
        link = tarfile.TarInfo("loop")
        link.type, link.linkname = tarfile.SYMTYPE, "loop"
        archive.addfile(link)
    records = {r["path"]: r for r in run_scan(make_options(source)).records}
    escaped = records["names.tar!/caf\\xe9.txt"]
    assert escaped["name_escaped"] is True
    assert escaped["size"] == 3
    assert records["names.tar!/loop"]["entry_type"] == "symlink"
    assert "sha256" not in records["names.tar!/loop"]

"""Known-good lists go through the media library's one hash-list parser: every form reads, a
malformed line is a warning, never fatal to the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from perisai.clikit import BadInput
from perisai.forensics.hashlists import KnownGood, read_list
from perisai.forensics.matching import load_bank

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
HASHLISTS = Path(__file__).resolve().parents[1] / "data" / "hashlists"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"{MD5}  empty.txt\n{SHA1} *empty.bin\n", {("md5", MD5), ("sha1", SHA1)}),
        (
            f"%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## cmd\n0,{MD5},{SHA256},/x\n",
            {("md5", MD5), ("sha256", SHA256)},
        ),
        (
            f'"SHA-1","MD5","CRC32","FileName"\n"{SHA1.upper()}","{MD5.upper()}","0","e"\n',
            {("sha1", SHA1), ("md5", MD5)},
        ),
        (f"# comment\nMD5 (e) = {MD5}\n", {("md5", MD5)}),
    ],
)
def test_formats(tmp_path: Path, content: str, expected: set[tuple[str, str]]) -> None:
    path = tmp_path / "list.txt"
    path.write_text(content, encoding="utf-8")
    rows, warnings = read_list(path, "known-good list")
    assert {(kind, value) for kind, value, _ in rows} == expected
    assert warnings == []


def test_a_malformed_line_is_a_warning_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(f"{MD5}  a\nnot a hash\n{SHA256}  b\nabc123  short\n", encoding="utf-8")
    known = KnownGood.from_files([path])
    assert known.contains("0" * 32, "0" * 40, SHA256) and known.contains(MD5, "", "")
    assert len(known.warnings) == 2
    assert ":2: " in known.warnings[0] and ":4: " in known.warnings[1]


def test_binary_or_missing_files_are_bad_input(tmp_path: Path) -> None:
    binary = tmp_path / "list.md5"
    binary.write_bytes(b"\x00\xff\xfe" * 10)
    with pytest.raises(BadInput):
        KnownGood.from_files([binary])
    with pytest.raises(BadInput, match="not found"):
        KnownGood.from_files([tmp_path / "nope"])


@pytest.mark.parametrize("name", sorted(p.name for p in HASHLISTS.glob("*.txt")))
def test_known_good_and_hashes_read_every_real_list_alike(name: str) -> None:
    """--known-good and --hashes see the same hashes and the same skipped lines."""
    rows, warnings = read_list(HASHLISTS / name, "list")
    records, bank_warnings = load_bank(HASHLISTS / name)
    assert rows and {(r.signal_type, r.signal) for r in records} == {(k, v) for k, v, _ in rows}
    assert [w.split(" ", 1)[1] for w in warnings] == [w.split(" ", 1)[1] for w in bank_warnings]


def test_known_good_matches_any_digest(tmp_path: Path) -> None:
    path = tmp_path / "nsrl.txt"
    path.write_text(f"{SHA256}  e\n", encoding="utf-8")
    known = KnownGood.from_files([path])
    assert known.contains("0" * 32, "0" * 40, SHA256)
    assert not known.contains(MD5, SHA1, "0" * 64)

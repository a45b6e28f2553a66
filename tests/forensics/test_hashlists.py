from __future__ import annotations

from pathlib import Path

import pytest

from perisai.clikit import BadInput
from perisai.forensics.hashlists import KnownGood, read_hash_list

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


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
        ("", set()),
    ],
)
def test_formats(tmp_path: Path, content: str, expected: set[tuple[str, str]]) -> None:
    path = tmp_path / "list.txt"
    path.write_text(content, encoding="utf-8")
    assert {(row.signal_type, row.value) for row in read_hash_list(path)} == expected


@pytest.mark.parametrize("content", [b"not a hash\n", b"\x00\xff\xfe", b"abc123  short\n"])
def test_garbage_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    with pytest.raises(BadInput, match="not a hash list row"):
        read_hash_list(path)


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_hash_list(tmp_path / "nope")


def test_known_good_matches_any_digest(tmp_path: Path) -> None:
    path = tmp_path / "nsrl.txt"
    path.write_text(f"{SHA256}  e\n", encoding="utf-8")
    known = KnownGood.from_files([path])
    assert known.contains("0" * 32, "0" * 40, SHA256)
    assert not known.contains(MD5, SHA1, "0" * 64)

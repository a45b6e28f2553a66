"""The evidence vault format: encrypted at rest, authenticated per chunk, content-addressed
under a keyed name, private on disk."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from perisai.crypto import Keyring
from perisai.reports.evidence import BlobWriter, EvidenceError, blob_name, read_blob

KEYRING = Keyring(master=bytes(range(32)))


def _store(root: Path, data: bytes, chunk_bytes: int = 64) -> Path:
    writer = BlobWriter(root, KEYRING, chunk_bytes=chunk_bytes)
    for start in range(0, len(data), 50):
        writer.write(data[start : start + 50])
    return writer.commit().path


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 640, 1000])
def test_round_trip_at_chunk_boundaries(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = _store(tmp_path, data)
    assert b"".join(read_blob(path, KEYRING)) == data
    assert path.name == blob_name(KEYRING, hashlib.sha256(data).hexdigest())


def test_bytes_on_disk_are_not_the_plaintext(tmp_path: Path) -> None:
    data = b"a recognisable plaintext marker " * 20
    path = _store(tmp_path, data)
    assert b"recognisable plaintext" not in path.read_bytes()


def test_hashes_are_computed_while_streaming(tmp_path: Path) -> None:
    data = os.urandom(300)
    writer = BlobWriter(tmp_path, KEYRING, chunk_bytes=64)
    writer.write(data)
    stored = writer.commit()
    assert stored.md5 == hashlib.md5(data).hexdigest()  # noqa: S324 - reporting hash
    assert stored.sha1 == hashlib.sha1(data).hexdigest()  # noqa: S324 - reporting hash
    assert stored.size == 300
    name = blob_name(KEYRING, stored.sha256)
    assert stored.relative_path == f"{name[:2]}/{name}"


def test_same_bytes_share_one_blob(tmp_path: Path) -> None:
    data = os.urandom(200)
    first, second = _store(tmp_path, data), _store(tmp_path, data)
    assert first == second
    assert list((tmp_path / "tmp").iterdir()) == []


def test_abort_leaves_nothing(tmp_path: Path) -> None:
    writer = BlobWriter(tmp_path, KEYRING)
    writer.write(b"partial")
    writer.abort()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_truncated_blob_is_detected(tmp_path: Path) -> None:
    path = _store(tmp_path, os.urandom(500))
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(EvidenceError):
        b"".join(read_blob(path, KEYRING))


def test_dropping_the_final_chunk_is_detected(tmp_path: Path) -> None:
    data = os.urandom(640)  # nine chunks of 64, then the last 64 bytes sealed as final
    path = _store(tmp_path, data)
    raw = path.read_bytes()
    final_length = 4 + 64 + 16
    path.write_bytes(raw[:-final_length])
    with pytest.raises(EvidenceError, match="final chunk"):
        b"".join(read_blob(path, KEYRING))


def test_flipped_bit_is_detected(tmp_path: Path) -> None:
    path = _store(tmp_path, os.urandom(300))
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(EvidenceError, match="authentication"):
        b"".join(read_blob(path, KEYRING))


def test_another_master_key_cannot_open(tmp_path: Path) -> None:
    path = _store(tmp_path, os.urandom(100))
    with pytest.raises(EvidenceError, match="data key"):
        b"".join(read_blob(path, Keyring(master=bytes(32))))


def test_garbage_file_is_not_a_blob(tmp_path: Path) -> None:
    path = tmp_path / "garbage"
    path.write_bytes(b"not a blob at all")
    with pytest.raises(EvidenceError, match="not an evidence blob"):
        b"".join(read_blob(path, KEYRING))


def test_stored_names_do_not_reveal_the_plaintext_hash(tmp_path: Path) -> None:
    """Issue 11, item 12: a listing of the vault must not be matchable against hash lists."""
    data = b"benign synthetic test bytes"
    digest = hashlib.sha256(data).hexdigest()
    writer = BlobWriter(tmp_path, KEYRING)
    writer.write(data)
    stored = writer.commit()
    assert stored.sha256 == digest, "the hash is still computed (and kept in the database)"
    listing = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")]
    assert not any(digest in entry or digest[:16] in entry for entry in listing)
    other = Keyring(master=bytes(32))
    assert blob_name(other, digest) != blob_name(KEYRING, digest), "another deployment, other name"


def test_files_and_folders_are_private(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)  # noqa: S103 - made earlier by someone else, world readable
    old_umask = os.umask(0o022)
    try:
        writer = BlobWriter(root, KEYRING)
        writer.write(b"x" * 100)
        assert stat.S_IMODE(writer.tmp_path.stat().st_mode) == 0o600
        stored = writer.commit()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o600
    for folder in (root, root / "tmp", stored.path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

from __future__ import annotations

from pathlib import Path

import pytest

from perisai.crypto import DecryptionError, Keyring, load_or_create_key


def test_seal_round_trip_and_binding(tmp_path: Path) -> None:
    keyring = Keyring(master=load_or_create_key(tmp_path / "k"))
    sealed = keyring.seal(b"Nur, 11, SK Taman Melati", b"victim:1:name")
    assert b"Nur" not in sealed
    assert keyring.open(sealed, b"victim:1:name") == b"Nur, 11, SK Taman Melati"
    with pytest.raises(DecryptionError):
        keyring.open(sealed, b"victim:2:name")


def test_tampered_or_foreign_ciphertext_fails(tmp_path: Path) -> None:
    keyring = Keyring(master=load_or_create_key(tmp_path / "k"))
    sealed = bytearray(keyring.seal(b"secret", b"aad"))
    sealed[-1] ^= 1
    with pytest.raises(DecryptionError):
        keyring.open(bytes(sealed), b"aad")
    other = Keyring(master=load_or_create_key(tmp_path / "other"))
    with pytest.raises(DecryptionError):
        other.open(keyring.seal(b"secret", b"aad"), b"aad")
    with pytest.raises(DecryptionError):
        keyring.open(b"garbage", b"aad")


def test_rotated_master_key_still_reads_old_values(tmp_path: Path) -> None:
    old = Keyring(master=load_or_create_key(tmp_path / "old"), key_id=1)
    sealed = old.seal(b"x", b"a")
    new = Keyring(master=load_or_create_key(tmp_path / "new"), key_id=2, older=((1, old.master),))
    assert new.open(sealed, b"a") == b"x"


def test_key_file_is_private_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        load_or_create_key(path)

"""Envelope encryption for sensitive values and small blobs (AES-256-GCM, `cryptography`).

Each value gets its own random data key; the data key is wrapped by the deployment's master key.
The caller binds the value to its owner (e.g. ``b"victim:42:name"``) as associated data, so a
ciphertext copied onto another row does not decrypt. Rotating the master key means re-wrapping the
data keys only (the ``key_id`` byte says which master key wrapped a value).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from perisai.keystore import ErasureLedger, SubjectKeyStore

FORMAT_VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
_WRAPPED_BYTES = KEY_BYTES + 16  # data key + GCM tag
_HEADER = 2  # version, key id


class DecryptionError(Exception):
    """The ciphertext is damaged, was made for other associated data, or with another key."""


def create_once(path: Path, make: Callable[[], bytes]) -> None:
    """Create `path` (mode 0600) with `make()` unless it exists, safely against a race.

    Several processes starting at once on a fresh data directory (`perisai serve --workers N`)
    may all find the file missing. Each writes a complete private temporary file beside it and
    links it into place: the link is atomic and fails if another process won, so exactly one
    content is ever visible, never a partly written one, and the losers read the winner's.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(name, path)
    finally:
        os.unlink(name)


def load_or_create_key(path: Path) -> bytes:
    """Read a 32-byte key file, creating it (mode 0600) when absent."""
    create_once(path, lambda: secrets.token_bytes(KEY_BYTES))
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path}: a master key must be exactly {KEY_BYTES} bytes")
    return key


@dataclass(frozen=True)
class Keyring:
    """The master key in use (``key_id``) and any older ones kept to read old values."""

    master: bytes
    key_id: int = 1
    older: tuple[tuple[int, bytes], ...] = ()
    # Where per-subject data keys live, outside the database, and the ledger of erasures
    # (perisai.keystore; the runtime attaches them with ``keystore.attach``).
    subject_store: SubjectKeyStore | None = field(default=None, compare=False, repr=False)
    erasure_ledger: ErasureLedger | None = field(default=None, compare=False, repr=False)

    def subjects(self) -> SubjectKeyStore:
        if self.subject_store is None:
            raise RuntimeError("this keyring has no subject key store (keystore.attach)")
        return self.subject_store

    def ledger(self) -> ErasureLedger:
        if self.erasure_ledger is None:
            raise RuntimeError("this keyring has no erasure ledger (keystore.attach)")
        return self.erasure_ledger

    def _master_for(self, key_id: int) -> bytes:
        if key_id == self.key_id:
            return self.master
        for old_id, key in self.older:
            if old_id == key_id:
                return key
        raise DecryptionError(f"unknown master key id {key_id}")

    def seal(self, plaintext: bytes, associated: bytes) -> bytes:
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, nonce = os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
        wrapped = AESGCM(self.master).encrypt(wrap_nonce, data_key, associated)
        body = AESGCM(data_key).encrypt(nonce, plaintext, associated)
        return bytes([FORMAT_VERSION, self.key_id]) + wrap_nonce + wrapped + nonce + body

    def open(self, sealed: bytes, associated: bytes) -> bytes:
        minimum = _HEADER + NONCE_BYTES + _WRAPPED_BYTES + NONCE_BYTES + 16
        if len(sealed) < minimum or sealed[0] != FORMAT_VERSION:
            raise DecryptionError("not a sealed value of a known format")
        master = self._master_for(sealed[1])
        offset = _HEADER
        wrap_nonce = sealed[offset : offset + NONCE_BYTES]
        offset += NONCE_BYTES
        wrapped = sealed[offset : offset + _WRAPPED_BYTES]
        offset += _WRAPPED_BYTES
        nonce = sealed[offset : offset + NONCE_BYTES]
        body = sealed[offset + NONCE_BYTES :]
        try:
            data_key = AESGCM(master).decrypt(wrap_nonce, wrapped, associated)
            return AESGCM(data_key).decrypt(nonce, body, associated)
        except InvalidTag:
            raise DecryptionError("authentication failed") from None

    def seal_text(self, text: str, associated: str) -> bytes:
        return self.seal(text.encode("utf-8"), associated.encode("utf-8"))

    def open_text(self, sealed: bytes, associated: str) -> str:
        return self.open(sealed, associated.encode("utf-8")).decode("utf-8")


# --- per-subject data keys (crypto-shredding) ---------------------------------------------------
# A subject (one child's record, one victim named in a report) gets one data key of its own,
# stored only wrapped by the master key. Every value of that subject is sealed with it. Destroying
# the wrapped key (the row that holds it) makes every copy of those values unreadable at once:
# the tables, the write-ahead log, dumps and exports all hold only ciphertext under that key.


def new_data_key() -> bytes:
    """A fresh random 256-bit data key for one subject."""
    return AESGCM.generate_key(bit_length=256)


def wrap_key(keyring: Keyring, data_key: bytes, associated: str) -> bytes:
    """The data key sealed by the master key, bound to its subject (``associated``)."""
    if len(data_key) != KEY_BYTES:
        raise ValueError(f"a data key must be exactly {KEY_BYTES} bytes")
    return keyring.seal(data_key, associated.encode("utf-8"))


def unwrap_key(keyring: Keyring, wrapped: bytes, associated: str) -> bytes:
    key = keyring.open(wrapped, associated.encode("utf-8"))
    if len(key) != KEY_BYTES:
        raise DecryptionError("the wrapped value is not a data key")
    return key


def seal_with_key(data_key: bytes, plaintext: bytes, associated: str) -> bytes:
    """AES-256-GCM under a subject's data key: version byte, nonce, ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(data_key).encrypt(nonce, plaintext, associated.encode("utf-8"))
    return bytes([FORMAT_VERSION]) + nonce + body


def open_with_key(data_key: bytes, sealed: bytes, associated: str) -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] != FORMAT_VERSION:
        raise DecryptionError("not a value sealed with a subject key")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, body, associated.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError("authentication failed") from None

"""The evidence vault: streamed, encrypted (AES-256-GCM), content-addressed, fsync'ed files.

Blob format (version 1)::

    b"PEV1" | file id (16 bytes) | u16 length | wrapped data key | u32 chunk size
    then chunks: u32 length | ciphertext (plaintext chunk + 16-byte tag)

Each blob has its own random file id and data key; the data key is sealed by the master key
(:meth:`Keyring.seal`, bound to the file id). Chunk ``i`` is encrypted with nonce = ``i`` and
associated data = file id | ``i`` | final flag, so chunks cannot be reordered, moved to another
blob, or cut off at the end without the reader noticing. Plaintext never touches the disk: the
upload is encrypted while it streams into a temporary file, and only when its hashes check out
is it fsync'ed and renamed to ``<root>/<name[:2]>/<name>``, where the name is an HMAC-SHA256 of
the content's SHA-256 under a key derived from the master key: a second upload of the same bytes
reuses the stored blob, yet a directory listing does not tell which known file is stored (the
plaintext's SHA-256 would, against any hash list). Files are 0600 in 0700 folders.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from perisai.crypto import DecryptionError, Keyring
from perisai.media.sniff import MIME_SNIFF_BYTES

MAGIC = b"PEV1"
CHUNK_BYTES = 1 << 20
SNIFF_BYTES = MIME_SNIFF_BYTES  # what the sniffer can use
_TAG = 16


class EvidenceError(Exception):
    """A blob is damaged, truncated or was not made by this vault."""


@dataclass(frozen=True)
class StoredBlob:
    path: Path
    relative_path: str
    size: int
    md5: str
    sha1: str
    sha256: str
    head: bytes  # the first bytes, for sniffing the content type (kept in memory only)


def _binding(file_id: bytes) -> bytes:
    return b"evidence:" + file_id.hex().encode()


def _chunk_ad(file_id: bytes, index: int, final: bool) -> bytes:
    return file_id + struct.pack(">QB", index, 1 if final else 0)


def _nonce(index: int) -> bytes:
    # A fresh data key per blob makes a counter nonce safe.
    return struct.pack(">IQ", 0, index)


def blob_name(keyring: Keyring, sha256: str) -> str:
    """The stored name of content with this SHA-256: keyed, so it names nothing by itself."""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"perisai evidence names v1"
    ).derive(keyring.master)
    return hmac.new(key, sha256.encode("ascii"), hashlib.sha256).hexdigest()


def _private_dir(path: Path) -> None:
    """``path`` exists and only its owner may enter it (0700), whoever made it before."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobWriter:
    """Encrypts and hashes an upload as it arrives; `commit` makes it durable, `abort` erases it."""

    def __init__(self, root: Path, keyring: Keyring, *, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.root = root
        self._keyring = keyring
        tmp_dir = root / "tmp"
        _private_dir(root)
        _private_dir(tmp_dir)
        self.file_id = uuid.uuid4().bytes
        self._key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._key)
        self._chunk_bytes = chunk_bytes
        self._pending = bytearray()
        self._index = 0
        self._hashes = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())  # noqa: S324 - reporting hashes, not security
        self.size = 0
        self.head = b""
        self.tmp_path = tmp_dir / f"{self.file_id.hex()}.part"
        fd = os.open(self.tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle: BinaryIO | None = os.fdopen(fd, "wb")
        wrapped = keyring.seal(self._key, _binding(self.file_id))
        self._handle.write(
            MAGIC
            + self.file_id
            + struct.pack(">H", len(wrapped))
            + wrapped
            + struct.pack(">I", chunk_bytes)
        )

    def write(self, data: bytes) -> None:
        if not data:
            return
        if len(self.head) < SNIFF_BYTES:
            self.head += data[: SNIFF_BYTES - len(self.head)]
        for digest in self._hashes:
            digest.update(data)
        self.size += len(data)
        self._pending += data
        while len(self._pending) > self._chunk_bytes:
            self._emit(bytes(self._pending[: self._chunk_bytes]), final=False)
            del self._pending[: self._chunk_bytes]

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        assert self._handle is not None
        sealed = self._aead.encrypt(
            _nonce(self._index), plaintext, _chunk_ad(self.file_id, self._index, final)
        )
        self._handle.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    @property
    def md5(self) -> str:
        return self._hashes[0].hexdigest()

    @property
    def sha1(self) -> str:
        return self._hashes[1].hexdigest()

    @property
    def sha256(self) -> str:
        return self._hashes[2].hexdigest()

    def commit(self) -> StoredBlob:
        """Seal the last chunk, fsync, and move the blob to its (keyed) content address."""
        assert self._handle is not None
        self._emit(bytes(self._pending), final=True)
        self._pending.clear()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None
        sha256 = self.sha256
        name = blob_name(self._keyring, sha256)
        relative = f"{name[:2]}/{name}"
        target = self.root / relative
        _private_dir(target.parent)
        if target.exists():
            # Same bytes already stored (same keyed name): keep the durable copy.
            self.tmp_path.unlink()
        else:
            os.replace(self.tmp_path, target)
            _fsync_dir(target.parent)
        return StoredBlob(target, relative, self.size, self.md5, self.sha1, sha256, self.head)

    def abort(self) -> None:
        """Erase the partial blob (a rejected upload leaves nothing behind)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.tmp_path.unlink(missing_ok=True)


def _read_exact(handle: BinaryIO, count: int) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise EvidenceError("blob is truncated")
    return data


def read_blob(path: Path, keyring: Keyring) -> Iterator[bytes]:
    """Decrypt a blob chunk by chunk; raises EvidenceError if anything was altered or cut."""
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise EvidenceError("not an evidence blob")
        file_id = _read_exact(handle, 16)
        (wrapped_len,) = struct.unpack(">H", _read_exact(handle, 2))
        try:
            key = keyring.open(_read_exact(handle, wrapped_len), _binding(file_id))
        except DecryptionError as exc:
            raise EvidenceError(f"data key does not open: {exc}") from None
        _read_exact(handle, 4)  # chunk size, informative
        aead = AESGCM(key)
        index = 0
        while True:
            prefix = handle.read(4)
            if not prefix:
                raise EvidenceError("blob ends before its final chunk")
            if len(prefix) != 4:
                raise EvidenceError("blob is truncated")
            (length,) = struct.unpack(">I", prefix)
            if length < _TAG:
                raise EvidenceError("blob chunk is too short")
            plaintext, final = _open_chunk(aead, file_id, index, _read_exact(handle, length))
            yield plaintext
            if final:
                if handle.read(1):
                    raise EvidenceError("data after the final chunk")
                return
            index += 1


def _open_chunk(aead: AESGCM, file_id: bytes, index: int, sealed: bytes) -> tuple[bytes, bool]:
    """Open chunk `index`; the flag says whether it was sealed as the final one."""
    for final in (False, True):
        try:
            return aead.decrypt(_nonce(index), sealed, _chunk_ad(file_id, index, final)), final
        except InvalidTag:
            continue
    raise EvidenceError(f"chunk {index} fails authentication")

"""Per-subject data keys kept outside the database, and the ledger of erasures.

Why outside: a subject's values (a child's identity, a report's victim block) are sealed under
a data key of the subject's own, so destroying that key shreds every copy of the values at once.
If the wrapped key sat in the same database, every database backup taken before an erasure
would hold both the ciphertext and its key, and with the master key could be read again for as
long as the backup lives. Here the database holds only ciphertext and the name of the segment
file that holds the key; the key itself lives in this store, a directory of its own
(``PERISAI_SUBJECT_KEYS_DIR``), never inside PostgreSQL's data, WAL or dumps. Erasing a subject
removes its key from the store, so a dump or base backup taken before the erasure holds
ciphertext that nothing can open any more, master key or not.

Layout: ``<root>/<YYYYMMDDHH>.pks``, one segment per hour (UTC) so that a busy intake adds one
file an hour, not one per report. A segment is a header then records; a record is a subject
name and its data key wrapped by the master key (AES-256-GCM) and bound to the subject, so a
record copied under another name, a damaged byte or a file written with another master key does
not open (:class:`StoreCorrupt`). Appends take an exclusive ``flock`` on the segment, write
whole records with one ``write`` and ``fsync`` before returning: a key is durable before the
transaction that stores its ciphertext commits. Destroying rewrites the segment without the
subject's records into a temporary file, ``fsync``s it, renames it over the old one (atomic),
``fsync``s the directory, then overwrites the old file's bytes in place: a reader sees the old
or the new segment, never half of one, and a crash at any point leaves every other key intact.

The erasure ledger (:class:`ErasureLedger`, ``PERISAI_ERASURE_LEDGER_DIR``) is an append-only
list of what was erased (record ids and the subjects destroyed, never a value), each line
authenticated with an HMAC under a key derived from the master key. It is written *before* the
keys are destroyed and the database is changed, so it is the commit point of an erasure.
Restoring an older key store or an older database brings back keys or rows of children erased
since; replaying the ledger (``perisai victims keys reconcile``) destroys them again. Erasures
form a grow-only set: the union of any two copies of the ledger is always safe to replay.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import struct
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from perisai.crypto import KEY_BYTES, DecryptionError, Keyring

HEADER = b"PERISAI-SUBJECT-KEYS\x00\x01\n"
SUFFIX = ".pks"
_SEGMENT_NAME = re.compile(r"^[0-9]{10}$")
_LENGTH = struct.Struct(">H")
MAX_SUBJECT_BYTES = 200


class KeyGone(LookupError):
    """The subject's key is not in the store: destroyed by an erasure (or never stored)."""


class StoreCorrupt(ValueError):
    """A segment that is not a key segment of this deployment: garbage, truncated in the middle,
    renamed, or written under another master key."""


def segment_for(moment: datetime) -> str:
    """The name of the segment that keys made at ``moment`` go to (hour, UTC)."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H")


def _check_segment(name: str) -> str:
    # The name comes from a database column: never let it name a path outside the store.
    if not _SEGMENT_NAME.fullmatch(name):
        raise StoreCorrupt(f"not a segment name: {name[:40]!r}")
    return name


def _subject_aad(subject: str) -> str:
    return f"subject-key:{subject}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(path: Path, flags: int) -> Iterator[int]:
    """An fd on ``path`` holding an exclusive flock, on the file that is at ``path`` now.

    A writer that opened the file just before another process renamed a rewritten segment over
    it would lock a file nobody reads any more; after the lock it checks that the inode is still
    the one at ``path`` and tries again if not.
    """
    while True:
        fd = os.open(path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
            if current is not None and current.st_ino == os.fstat(fd).st_ino:
                try:
                    yield fd
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                return
        finally:
            os.close(fd)


def _records(data: bytes, name: str) -> list[tuple[str, bytes]]:
    """Parse a segment; a torn last record (a crash during an append that was never
    acknowledged) is dropped, anything else malformed is refused."""
    if not data.startswith(HEADER):
        raise StoreCorrupt(f"segment {name}: not a key segment")
    out: list[tuple[str, bytes]] = []
    offset = len(HEADER)
    while offset < len(data):
        parsed = _record_at(data, offset)
        if parsed is None:
            break  # torn tail
        subject, wrapped, offset = parsed
        out.append((subject, wrapped))
    return out


def _record_at(data: bytes, offset: int) -> tuple[str, bytes, int] | None:
    if offset + 2 > len(data):
        return None
    (subject_len,) = _LENGTH.unpack_from(data, offset)
    offset += 2
    if not 0 < subject_len <= MAX_SUBJECT_BYTES:
        raise StoreCorrupt("a record with an impossible subject length")
    if offset + subject_len + 2 > len(data):
        return None
    try:
        subject = data[offset : offset + subject_len].decode("utf-8")
    except UnicodeDecodeError:
        raise StoreCorrupt("a record whose subject is not text") from None
    offset += subject_len
    (wrapped_len,) = _LENGTH.unpack_from(data, offset)
    offset += 2
    if not 0 < wrapped_len <= 256:
        raise StoreCorrupt("a record with an impossible key length")
    if offset + wrapped_len > len(data):
        return None
    return subject, data[offset : offset + wrapped_len], offset + wrapped_len


def _encode(subject: str, wrapped: bytes) -> bytes:
    raw = subject.encode("utf-8")
    if not 0 < len(raw) <= MAX_SUBJECT_BYTES:
        raise ValueError(f"a subject name must be 1 to {MAX_SUBJECT_BYTES} bytes")
    return _LENGTH.pack(len(raw)) + raw + _LENGTH.pack(len(wrapped)) + wrapped


@dataclass(frozen=True)
class SubjectKeyStore:
    """Data keys of subjects, in hourly segment files under ``root`` (see the module doc)."""

    root: Path
    keyring: Keyring

    def _path(self, segment: str) -> Path:
        return self.root / f"{_check_segment(segment)}{SUFFIX}"

    def _ensure(self, segment: str) -> Path:
        """The segment's path; created (header only) atomically when absent."""
        path = self._path(segment)
        if path.exists():
            return path
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{segment}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(HEADER)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # the first process wins; the others append to its file
        finally:
            os.unlink(tmp)
        _fsync_dir(self.root)
        return path

    def put(self, keys: Mapping[str, bytes], *, now: datetime | None = None) -> str:
        """Store these subjects' data keys durably (one write, one fsync); the segment name.

        Call it before the transaction that stores the values sealed under them commits: a
        crash in between leaves a key without values (harmless), never values without a key.
        """
        segment = segment_for(now or datetime.now(UTC))
        if not keys:
            return segment
        if any(len(key) != KEY_BYTES for key in keys.values()):
            raise ValueError(f"a data key must be exactly {KEY_BYTES} bytes")
        blob = b"".join(
            _encode(subject, self.keyring.seal(key, _subject_aad(subject).encode("utf-8")))
            for subject, key in keys.items()
        )
        path = self._ensure(segment)
        with _locked(path, os.O_WRONLY | os.O_APPEND) as fd:
            os.write(fd, blob)
            os.fsync(fd)
        return segment

    def read_segment(self, segment: str) -> dict[str, bytes]:
        """Every subject's data key in a segment (the last record of a subject wins)."""
        path = self._path(segment)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return {}
        keys: dict[str, bytes] = {}
        for subject, wrapped in _records(data, segment):
            keys[subject] = self._unwrap(segment, subject, wrapped)
        return keys

    def _unwrap(self, segment: str, subject: str, wrapped: bytes) -> bytes:
        try:
            key = self.keyring.open(wrapped, _subject_aad(subject).encode("utf-8"))
        except DecryptionError:
            raise StoreCorrupt(f"segment {segment}: a key that does not open") from None
        if len(key) != KEY_BYTES:
            raise StoreCorrupt(f"segment {segment}: a record that is not a data key")
        return key

    def get(self, segment: str, subject: str) -> bytes:
        """The subject's data key; KeyGone once destroyed."""
        path = self._path(segment)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyGone(subject) from None
        found = None
        for name, wrapped in _records(data, segment):
            if name == subject:
                found = wrapped
        if found is None:
            raise KeyGone(subject)
        return self._unwrap(segment, subject, found)

    def destroy(self, segment: str, subjects: Iterable[str]) -> int:
        """Remove every record of these subjects from the segment; how many were removed.

        Idempotent: a subject already gone costs nothing (a replayed erasure)."""
        doomed = set(subjects)
        path = self._path(segment)
        if not doomed or not path.exists():
            return 0
        with _locked(path, os.O_RDWR) as fd:
            data = path.read_bytes()
            records = _records(data, segment)
            kept = [(s, w) for s, w in records if s not in doomed]
            removed = len(records) - len(kept)
            if removed == 0:
                return 0
            self._replace(path, segment, b"".join(_encode(s, w) for s, w in kept))
            # The old file is unlinked but still open here: overwrite its bytes, so the
            # removed keys do not linger in its blocks (best effort: an SSD or a copy-on-write
            # file system may keep older blocks; encrypt the volume against that).
            os.pwrite(fd, b"\0" * len(data), 0)
            os.fsync(fd)
        return removed

    def _replace(self, path: Path, segment: str, body: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{segment}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(HEADER + body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.root)

    def segments(self) -> list[str]:
        if not self.root.is_dir():
            return []
        names = (p.name.removesuffix(SUFFIX) for p in self.root.glob(f"*{SUFFIX}"))
        return sorted(name for name in names if _SEGMENT_NAME.fullmatch(name))

    def backup(self, target: Path) -> dict[str, int]:
        """Copy every segment to ``target`` (0600 files in a 0700 directory, each fsynced);
        each is read whole and verified first, so a copy is never of a damaged segment. A
        segment appended to meanwhile is copied as it was when read (a torn tail dropped)."""
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        counts = {"segments": 0, "keys": 0}
        for segment in self.segments():
            data = self._path(segment).read_bytes()
            records = _records(data, segment)
            for subject, wrapped in records:
                self._unwrap(segment, subject, wrapped)
            body = HEADER + b"".join(_encode(s, w) for s, w in records)
            fd = os.open(target / f"{segment}{SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, body)
                os.fsync(fd)
            finally:
                os.close(fd)
            counts["segments"] += 1
            counts["keys"] += len(records)
        _fsync_dir(target)
        return counts

    def verify(self) -> dict[str, int]:
        """Open every key of every segment (StoreCorrupt on the first that does not)."""
        counts = {"segments": 0, "keys": 0}
        for segment in self.segments():
            counts["segments"] += 1
            counts["keys"] += len(self.read_segment(segment))
        return counts


# --- the erasure ledger ------------------------------------------------------------------------


class LedgerCorrupt(ValueError):
    """A ledger line that is not one this deployment wrote (bad HMAC or not JSON)."""

    def __init__(self, lines: list[int]) -> None:
        super().__init__(f"erasure ledger lines not authentic: {lines[:20]}")
        self.lines = lines


@dataclass(frozen=True)
class Erasure:
    """One erasure: the record erased, why, and the subjects whose keys were destroyed
    (segment, subject); never a value."""

    record: str
    basis: str
    at: str
    subjects: tuple[tuple[str | None, str], ...]


LEDGER_FILE = "erasures.jsonl"


@dataclass(frozen=True)
class ErasureLedger:
    """Append-only, HMAC-authenticated list of erasures (see the module doc)."""

    root: Path
    keyring: Keyring

    @property
    def path(self) -> Path:
        return self.root / LEDGER_FILE

    def _mac_key(self) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"perisai erasure ledger"
        ).derive(self.keyring.master)

    def _mac(self, body: Mapping[str, Any]) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return hmac.new(self._mac_key(), canonical, hashlib.sha256).hexdigest()

    def append(self, erasure: Erasure) -> None:
        """Append one erasure durably (fsync) before returning."""
        body = {
            "record": erasure.record,
            "basis": erasure.basis,
            "at": erasure.at,
            "subjects": [list(pair) for pair in erasure.subjects],
        }
        line = json.dumps({**body, "mac": self._mac(body)}, sort_keys=True) + "\n"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        created = not self.path.exists()
        with _locked(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT) as fd:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        if created:
            _fsync_dir(self.root)

    def read(self) -> tuple[list[Erasure], list[int]]:
        """The authentic erasures, and the numbers of lines that are not (never applied)."""
        try:
            text = self.path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return [], []
        found: list[Erasure] = []
        bad: list[int] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            erasure = self._parse(line)
            if erasure is None:
                bad.append(number)
            else:
                found.append(erasure)
        return found, bad

    def _parse(self, line: str) -> Erasure | None:
        try:
            loaded = json.loads(line)
            mac = loaded.pop("mac")
            if not hmac.compare_digest(str(mac), self._mac(loaded)):
                return None
            return Erasure(
                record=str(loaded["record"]),
                basis=str(loaded["basis"]),
                at=str(loaded["at"]),
                subjects=tuple(
                    (None if seg is None else str(seg), str(sub)) for seg, sub in loaded["subjects"]
                ),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def records(self) -> set[str]:
        return {erasure.record for erasure in self.read()[0]}


def attach(keyring: Keyring, store_root: Path, ledger_root: Path) -> Keyring:
    """``keyring`` holding a subject key store and an erasure ledger (what the runtime uses)."""
    plain = replace(keyring, subject_store=None, erasure_ledger=None)
    return replace(
        plain,
        subject_store=SubjectKeyStore(store_root, plain),
        erasure_ledger=ErasureLedger(ledger_root, plain),
    )


def replay_keys(store: SubjectKeyStore, erasures: Iterable[Erasure]) -> int:
    """Destroy again every key the ledger says was destroyed (a restored store brings them
    back); how many records were removed."""
    by_segment: dict[str, set[str]] = {}
    for erasure in erasures:
        for segment, subject in erasure.subjects:
            if segment is not None:
                by_segment.setdefault(segment, set()).add(subject)
    return sum(store.destroy(segment, subjects) for segment, subjects in by_segment.items())

"""MD5, SHA-1 and SHA-256 of a stream in one pass, in constant memory.

hashlib releases the GIL on buffers larger than 2 KiB, so a reader thread can fill the next
buffer while this thread hashes the previous one; on one core the gain is overlapping disk waits.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import BinaryIO

CHUNK_BYTES = 1 << 20  # large buffers amortise the per-call overhead of three hash updates
PREFETCH_THRESHOLD = 8 * CHUNK_BYTES  # small files gain nothing from a reader thread


@dataclass(frozen=True, slots=True)
class Digests:
    md5: str
    sha1: str
    sha256: str
    size: int


class TripleHasher:
    """Accumulates the three digests; feed it with `update` and read `result`."""

    def __init__(self) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._sha256 = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes | memoryview) -> None:
        self._md5.update(data)
        self._sha1.update(data)
        self._sha256.update(data)
        self.size += len(data)

    def result(self) -> Digests:
        return Digests(
            md5=self._md5.hexdigest(),
            sha1=self._sha1.hexdigest(),
            sha256=self._sha256.hexdigest(),
            size=self.size,
        )


def digest_stream(stream: BinaryIO) -> Digests:
    hasher = TripleHasher()
    for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
        hasher.update(chunk)
    return hasher.result()


def _prefetched_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """Yield the stream's chunks, read one ahead in a thread so reads overlap hashing."""
    queue: Queue[bytes | BaseException] = Queue(maxsize=2)

    def reader() -> None:
        try:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                queue.put(chunk)
            queue.put(b"")
        except BaseException as exc:  # handed to the consumer, which re-raises it
            queue.put(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    while True:
        item = queue.get()
        if isinstance(item, BaseException):
            raise item
        if not item:
            break
        yield item
    thread.join()


def digest_path(path: Path) -> Digests:
    """Hash a file; large files are read by a prefetching thread."""
    with path.open("rb") as stream:
        size = path.stat().st_size
        if size < PREFETCH_THRESHOLD:
            return digest_stream(stream)
        hasher = TripleHasher()
        for chunk in _prefetched_chunks(stream):
            hasher.update(chunk)
        return hasher.result()

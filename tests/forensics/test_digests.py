from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from perisai.forensics.digests import CHUNK_BYTES, PREFETCH_THRESHOLD, digest_path, digest_stream


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES + 3, PREFETCH_THRESHOLD + 12345])
def test_digests_equal_hashlib(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    result = digest_path(path)
    assert result.size == size
    assert result.md5 == hashlib.md5(data).hexdigest()  # noqa: S324
    assert result.sha1 == hashlib.sha1(data).hexdigest()  # noqa: S324
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert digest_stream(io.BytesIO(data)) == result


def test_unreadable_path_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No such file"):
        digest_path(tmp_path / "missing")

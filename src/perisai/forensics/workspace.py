"""The scan's work folder: the only place the scan writes, extracted data included."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class ExtractionLimitError(Exception):
    """The scan has extracted as many bytes as its limit allows."""


class Workspace:
    """Owns `OUT/.work/`: temporary files live there and are removed when the scan ends."""

    def __init__(self, out_dir: Path, max_total_extracted: int) -> None:
        self.out_dir = out_dir.resolve()
        self.temp_dir = self.out_dir / ".work"
        self.max_total_extracted = max_total_extracted
        self.extracted_bytes = 0

    def __enter__(self) -> Workspace:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.temp_dir, ignore_errors=True)  # leftovers of an interrupted scan
        self.temp_dir.mkdir(mode=0o700)
        return self

    def __exit__(self, *_exc: object) -> None:
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def new_temp_file(self) -> Path:
        """A fresh file with a random name: member names never choose where we write."""
        handle, name = tempfile.mkstemp(dir=self.temp_dir, prefix="x")
        os.close(handle)
        return Path(name)

    def charge(self, nbytes: int) -> None:
        """Count extracted bytes against the scan-wide limit."""
        self.extracted_bytes += nbytes
        if self.extracted_bytes > self.max_total_extracted:
            raise ExtractionLimitError(
                f"total extracted size limit of {self.max_total_extracted} bytes reached"
            )

    def release(self, path: Path) -> None:
        path.unlink(missing_ok=True)

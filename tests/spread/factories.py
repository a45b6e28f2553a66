"""Factories for self-reports: hashes shaped as `PerisaiHash.hashFile` gives them (random, so
each test's hashes are its own), and submissions through the real service."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from sqlalchemy.orm import Session

from perisai.banks.indexes import BankIndexes
from perisai.crypto import Keyring
from perisai.spread import service
from perisai.spread.schemas import FileHashesIn


def image_hashes(rng: random.Random, *, quality: int = 100) -> dict[str, Any]:
    data = rng.randbytes(64)
    return {
        "kind": "image",
        "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pdq": f"{rng.getrandbits(256):064x}",
        "pdq_quality": quality,
    }


def video_hashes(rng: random.Random, frames: int = 3) -> dict[str, Any]:
    data = rng.randbytes(64)
    return {
        "kind": "video",
        "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "frames": [
            {"t": float(t), "pdq": f"{rng.getrandbits(256):064x}", "quality": 100}
            for t in range(frames)
        ],
    }


def submit(
    db: Session,
    keyring: Keyring,
    files: list[dict[str, Any]],
    *,
    source: str = "a" * 64,
    contact: str = "",
    indexes: BankIndexes | None = None,
) -> service.Submitted:
    return service.submit(
        db,
        keyring=keyring,
        indexes=indexes or BankIndexes(),
        files=[FileHashesIn.model_validate(f) for f in files],
        contact=contact,
        lang="en",
        source=source,
    )

"""The one seam between forensics and `perisai.media` (PDQ, vPDQ, bank files, PDQ index).

`perisai.media` is written in parallel; when it is importable we use it, otherwise a minimal
stand-in built on the same libraries (`pdqhash`, Pillow, PyAV) keeps the scan working. Only this
file changes when the media API settles.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import av
import numpy as np
import pdqhash
from PIL import Image

from perisai.clikit import BadInput
from perisai.media.banks import BankEntry, read_bank
from perisai.media.errors import BankFormatError

PDQ_MATCH_DISTANCE = 31  # ThreatExchange's confident-match threshold, inclusive
PDQ_BITS = 256
DRAFT_SIZE = (256, 256)  # JPEG DCT-domain downscale target when hashing fast


@dataclass(frozen=True, slots=True)
class BankRecord:
    signal_type: str
    signal: str
    label: str
    category: str
    source: str
    bank: str
    note: str = ""


@dataclass(slots=True)
class PdqHit:
    record: BankRecord
    distance: int


def _media(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"perisai.media.{module}")
    except ImportError:
        return None


# --- PDQ and vPDQ -------------------------------------------------------------------------


def _fallback_pdq(path: Path) -> tuple[str, int]:
    with Image.open(path) as image:
        image.draft("RGB", DRAFT_SIZE)
        rgb = np.asarray(image.convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return _bits_to_hex(bits), int(quality)


def _bits_to_hex(bits: Any) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return bytes(packed).hex()


def pdq_of_image(path: Path) -> tuple[str, int]:
    """(hex, quality) of an image; raises ValueError/OSError on damaged images."""
    media = _media("hashing")
    if media is None:
        return _fallback_pdq(path)
    result = media.pdq_of_image(path, fast=True)
    return str(result.hex), int(result.quality)


def _fallback_vpdq(path: Path, fps: float) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    next_t = 0.0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            if t + 1e-6 < next_t:
                continue
            bits, quality = pdqhash.compute(np.asarray(frame.to_ndarray(format="rgb24")))
            frames.append({"t": round(t, 3), "pdq": _bits_to_hex(bits), "quality": int(quality)})
            next_t = t + 1.0 / fps
    return frames


def pdq_facts_of_image(path: Path) -> dict[str, Any]:
    """``{"hex", "quality"}`` of an image (EXIF orientation applied) and, for a photo whose
    orientation tag is not 1, ``raw_hex``/``raw_quality`` (the pixels as stored, as other tools
    hash them) and ``exif_orientation``. Raises like ``pdq_of_image``."""
    from perisai.media.hashing import image_pdqs

    found = image_pdqs(path, fast=True)
    facts: dict[str, Any] = {"hex": found.pdq.hex, "quality": found.pdq.quality}
    if found.raw is not None:
        facts.update(
            raw_hex=found.raw.hex,
            raw_quality=found.raw.quality,
            exif_orientation=found.exif_orientation,
        )
    return facts


def vpdq_of_video(path: Path, fps: float = 1.0) -> list[dict[str, Any]]:
    """One PDQ per sampled frame: [{"t", "pdq", "quality"}]."""
    media = _media("hashing")
    if media is None:
        return _fallback_vpdq(path, fps)
    return [
        {"t": float(f.t), "pdq": str(f.pdq), "quality": int(f.quality)}
        for f in media.vpdq_of_video(path, fps=fps)
    ]


def media_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "this media file is damaged", to record rather than crash."""
    errors: list[type[BaseException]] = [OSError, ValueError, EOFError, SyntaxError]
    module = _media("errors")
    if module is not None:
        errors.append(module.MediaError)
    errors.append(av.FFmpegError)
    errors.append(Image.DecompressionBombError)
    return tuple(errors)


# --- Banks --------------------------------------------------------------------------------


def _from_media_entry(entry: BankEntry, bank: str) -> BankRecord:
    return BankRecord(
        signal_type=entry.signal_type,
        signal=entry.signal,
        label=entry.label,
        category=entry.category,
        source=entry.source or bank,
        bank=bank,
        note=entry.note,
    )


def load_bank(path: Path) -> tuple[list[BankRecord], list[str]]:
    """Every entry of a bank file (any format ``perisai.media.banks`` reads) and the warnings
    for its malformed lines, which are skipped (never fatal to the whole bank)."""
    if not path.is_file():
        raise BadInput(f"bank file not found: {path}")
    problems: list[BankFormatError] = []
    try:
        entries = read_bank(path, errors=problems)
    except BankFormatError as exc:
        raise BadInput(f"cannot read bank {path}: {exc.reason}") from None
    bank = path.name
    records = [_from_media_entry(entry, bank) for entry in entries]
    return records, [f"bank {problem}: skipped" for problem in problems]


# --- PDQ index ----------------------------------------------------------------------------


@dataclass
class PdqMatcher:
    """Finds bank PDQ entries within distance 31 of a hash."""

    records: list[BankRecord] = field(default_factory=list)
    _index: Any = None
    _codes: Any = None

    def add(self, record: BankRecord) -> None:
        self.records.append(record)

    def build(self) -> None:
        if not self.records:
            return
        index_module = _media("index")
        if index_module is not None:
            self._index = index_module.PdqIndex()
            for number, record in enumerate(self.records):
                self._index.add(number, record.signal, record.bank)
            return
        self._codes = np.array(
            [np.frombuffer(bytes.fromhex(r.signal), dtype=np.uint8) for r in self.records]
        )

    def query(self, hex_hash: str) -> list[PdqHit]:
        if not self.records:
            return []
        if self._index is not None:
            return [
                PdqHit(self.records[int(m.entry_id)], int(m.distance))
                for m in self._index.query(hex_hash)
                if int(m.distance) <= PDQ_MATCH_DISTANCE
            ]
        probe = np.frombuffer(bytes.fromhex(hex_hash), dtype=np.uint8)
        distances = np.unpackbits(np.bitwise_xor(self._codes, probe), axis=1).sum(axis=1)
        return [
            PdqHit(self.records[int(at)], int(distances[at]))
            for at in np.flatnonzero(distances <= PDQ_MATCH_DISTANCE)
        ]

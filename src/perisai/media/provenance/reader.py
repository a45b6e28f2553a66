"""One provenance answer per file: C2PA manifests, XMP, EXIF and generator text together."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Final

from perisai.media.provenance.c2pa_read import Unsupported, read_c2pa
from perisai.media.provenance.containers import (
    ContainerFormat,
    ProvenanceLimits,
    embedded_metadata,
)
from perisai.media.provenance.metadata import clean, hints_of
from perisai.media.provenance.model import AiAnswer, C2paResult, Hint, Provenance
from perisai.media.provenance.trust import TrustList
from perisai.media.provenance.vocabulary import meaning
from perisai.media.sniff import SNIFF_BYTES, kind_of_header

DEFAULT_LIMITS: Final = ProvenanceLimits()
_MIME: Final[dict[ContainerFormat, str]] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


class _Unreadable(Exception):
    """The file cannot be read at all; ``str()`` is one line for a person."""


def decide(c2pa: C2paResult, hints: tuple[Hint, ...]) -> AiAnswer:
    """The issue's semantics: verified AI -> yes; any unverified AI evidence -> claimed;
    a verified non-AI source with no AI anywhere -> no; else unknown."""
    verified = [m for m in c2pa.manifests if m.verified]
    if any(meaning(t) == "ai" for m in verified for t in m.digital_source_types):
        return "yes"
    unverified_ai = any(
        meaning(t) == "ai" for m in c2pa.manifests if not m.verified for t in m.digital_source_types
    )
    if unverified_ai or any(hint.claims_ai for hint in hints):
        return "claimed"
    if any(meaning(t) == "not_ai" for m in verified for t in m.digital_source_types):
        return "no"
    return "unknown"


def _open(path: Path, limits: ProvenanceLimits) -> BinaryIO:
    try:
        handle = path.open("rb")
        info = os.fstat(handle.fileno())
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror or exc}") from None
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "not a regular file"
    elif info.st_size == 0:
        problem = "empty file (0 bytes)"
    elif info.st_size > limits.max_file_bytes:
        problem = f"larger than {limits.max_file_bytes} bytes: not read"
    if problem:
        handle.close()
        raise _Unreadable(problem)
    return handle


def _read(handle: BinaryIO, limits: ProvenanceLimits, trust: TrustList | None) -> Provenance:
    head = handle.read(SNIFF_BYTES)
    found = embedded_metadata(handle, head, limits)
    hints = hints_of(found, limits)
    mime = _MIME.get(found.format) if found.format else None
    try:
        c2pa = read_c2pa(handle, mime, trust)
    except Unsupported:
        if found.format is None and kind_of_header(head) == "other":
            raise _Unreadable("not an image or video the provenance reader knows") from None
        c2pa = C2paResult(state="absent")  # a format that cannot carry a C2PA manifest
    if c2pa.remote_url and all(hint.value != c2pa.remote_url for hint in hints):
        hints = (*hints, Hint("c2pa.remote_manifest", clean(c2pa.remote_url, 2048)))
    return Provenance(
        path="",
        ai=decide(c2pa, hints),
        c2pa=c2pa,
        hints=hints,
        source_format=found.format,
    )


def read_provenance(
    path: str | Path,
    *,
    trust: TrustList | None = None,
    limits: ProvenanceLimits = DEFAULT_LIMITS,
) -> Provenance:
    """Read one file's provenance offline; never raises for a bad file (see ``error``)."""
    try:
        with _open(Path(path), limits) as handle:
            found = _read(handle, limits, trust)
    except _Unreadable as exc:
        return Provenance(
            path=str(path),
            ai="unknown",
            c2pa=C2paResult(state="unverifiable", errors=(str(exc),)),
            error=str(exc),
        )
    return Provenance(
        path=str(path),
        ai=found.ai,
        c2pa=found.c2pa,
        hints=found.hints,
        source_format=found.source_format,
    )

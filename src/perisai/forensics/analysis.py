"""Per-item work that runs in the worker processes: hashes, content type, PDQ/vPDQ, EXIF and AI
provenance (C2PA, XMP digital source type, generator metadata; `perisai.media.provenance`).

Everything here takes a local file path and returns plain JSON-ready data, so it can run in a
process pool; failures become reasons in the result, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perisai.forensics import hashing_adapter
from perisai.forensics.digests import digest_path
from perisai.forensics.exif import read_exif
from perisai.forensics.hashlists import KnownGood
from perisai.forensics.sniff import kind_of, sniff_path
from perisai.media.provenance import TrustList, read_provenance


@dataclass(frozen=True, slots=True)
class ProvenanceConfig:
    """Whether images and videos get their AI provenance read, and against which trust list."""

    enabled: bool = True
    trust: TrustList | None = None


# Set once per worker process by `init_worker` (a fork inherits it without copying per task).
_known_good = KnownGood()
_video_fps = 1.0
_provenance = ProvenanceConfig()
_video_signals: frozenset[str] = frozenset()


def init_worker(
    known_good: KnownGood,
    video_fps: float,
    provenance: ProvenanceConfig | None = None,
    video_signals: frozenset[str] = frozenset(),
) -> None:
    """``video_signals``: signals beyond vPDQ to compute from videos (``tmk`` when a bank of
    the scan holds TMK entries: the signature costs decoding time that nothing else needs)."""
    global _known_good, _video_fps, _provenance, _video_signals  # noqa: PLW0603 - per worker
    _known_good = known_good
    _video_fps = video_fps
    _provenance = provenance or ProvenanceConfig()
    _video_signals = video_signals


def _provenance_facts(path: Path, result: dict[str, Any]) -> None:
    """``provenance``: the `perisai provenance read` answer without the path (ai, c2pa, hints;
    ``error`` when the reader could not read the file, which leaves the item's status alone)."""
    try:
        found = read_provenance(path, trust=_provenance.trust)
    except Exception as exc:  # a reader bug must not cost the item's hashes
        result["errors"].append(f"provenance reader failed: {type(exc).__name__}: {exc}")
        return
    facts = found.to_dict()
    del facts["path"]
    if facts["error"] is None:
        del facts["error"]
    result["provenance"] = facts


def _image_facts(path: Path, result: dict[str, Any]) -> None:
    damaged = hashing_adapter.media_error_types()
    try:
        result["exif"] = read_exif(path)
    except damaged as exc:
        result["errors"].append(f"exif unreadable: {exc}")
    try:
        result["pdq"] = hashing_adapter.pdq_facts_of_image(path)
    except damaged as exc:
        result["errors"].append(f"damaged image: {exc}")


def _video_facts(path: Path, result: dict[str, Any]) -> None:
    try:
        if "tmk" in _video_signals:
            result["vpdq"], result["tmk"] = hashing_adapter.vpdq_and_tmk_of_video(
                path, fps=_video_fps
            )
        else:
            result["vpdq"] = hashing_adapter.vpdq_of_video(path, fps=_video_fps)
    except hashing_adapter.media_error_types() as exc:
        result["errors"].append(f"damaged video: {exc}")


def analyse_file(path_text: str) -> dict[str, Any]:
    """Hash, sniff and (unless known-good) analyse one file."""
    path = Path(path_text)
    result: dict[str, Any] = {"errors": []}
    try:
        digests = digest_path(path)
        mime = sniff_path(path)
    except OSError as exc:
        result["errors"].append(f"unreadable: {exc.strerror or exc}")
        return result
    result.update(
        md5=digests.md5, sha1=digests.sha1, sha256=digests.sha256, size=digests.size, mime=mime
    )
    result["kind"] = kind = kind_of(mime)
    if _known_good.contains(digests.md5, digests.sha1, digests.sha256):
        result["known_good"] = True
        return result
    if kind == "image":
        _image_facts(path, result)
    elif kind == "video":
        _video_facts(path, result)
    if kind in ("image", "video") and _provenance.enabled:
        _provenance_facts(path, result)
    return result

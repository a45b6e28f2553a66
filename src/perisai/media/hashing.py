"""Hashes of files, bytes and streams: MD5 / SHA-1 / SHA-256, PDQ for images, vPDQ for video.

Everything here is pure: no database, no app, no global state changed (Pillow's own pixel limit
is left alone; ours is a parameter).

Memory: an image is refused before decoding when it has more pixels than ``max_pixels`` or
would decode to more than ``max_decoded_bytes`` (Pillow's raster: 4 bytes a pixel for colour,
whatever the file's bit depth); in fast mode a large raster is reduced right after decoding so
the rest of the work is small; and every decode first reserves its estimated peak from the
process's :data:`~perisai.media.decodebudget.PROCESS_BUDGET`, which bounds how many run at once.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from perisai.media.crops import CropSet, crop_set_from_luma
from perisai.media.decodebudget import PROCESS_BUDGET, DecodeBudget
from perisai.media.errors import (
    CorruptMedia,
    EmptyFile,
    MediaError,
    MediaTooLarge,
    UnreadableFile,
    UnsupportedMedia,
)
from perisai.media.pdq import (
    FrameHash,
    PdqHash,
    pdq_dihedral_from_luma,
    pdq_from_luma,
)
from perisai.media.sniff import SNIFF_BYTES, Kind, kind_of_header
from perisai.media.video import DEFAULT_MAX_VIDEO_SECONDS, video_signals, vpdq_of_video

__all__ = [
    "DEFAULT_MAX_DECODED_BYTES",
    "DEFAULT_MAX_IMAGE_PIXELS",
    "CryptoHashes",
    "FileReport",
    "FrameHash",
    "ImagePdqs",
    "Kind",
    "PdqHash",
    "crypto_hashes_of_bytes",
    "crypto_hashes_of_path",
    "crypto_hashes_of_stream",
    "hash_file",
    "image_crop_set",
    "image_pdqs",
    "pdq_dihedral",
    "pdq_of_image",
    "pdq_of_image_as_stored",
    "sniff_kind",
    "vpdq_of_video",
]


#: Images above this many pixels are refused before decoding (a decompression-bomb guard).
DEFAULT_MAX_IMAGE_PIXELS: Final = 100_000_000
#: Images whose decoded raster would be larger than this are refused before decoding. A 16-bit
#: RGBA PNG of 9990x9990 (under 1 MB on disk) would be 400 MB; a 48 Mpx colour photo is 192 MB.
DEFAULT_MAX_DECODED_BYTES: Final = 256 << 20
#: In fast mode a decoded raster above this is reduced (box filter) before anything else.
FAST_REDUCE_ABOVE_BYTES: Final = 32 << 20
#: In fast mode a JPEG is decoded at 1/2, 1/4 or 1/8 scale while its long side stays >= this.
FAST_MIN_SIDE: Final = 480


# --- cryptographic hashes -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CryptoHashes:
    """MD5, SHA-1 and SHA-256 of some content, as lowercase hex."""

    md5: str
    sha1: str
    sha256: str


def crypto_hashes_of_stream(stream: BinaryIO, chunk_size: int = 1 << 20) -> CryptoHashes:
    """Hash a binary stream in one pass with constant memory (one chunk at a time)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    sha256 = hashlib.sha256()
    while chunk := stream.read(chunk_size):
        md5.update(chunk)
        sha1.update(chunk)
        sha256.update(chunk)
    return CryptoHashes(md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest())


def crypto_hashes_of_bytes(data: bytes) -> CryptoHashes:
    return crypto_hashes_of_stream(io.BytesIO(data))


def crypto_hashes_of_path(path: Path | str, chunk_size: int = 1 << 20) -> CryptoHashes:
    with _open_file(Path(path)) as fh:
        try:
            return crypto_hashes_of_stream(fh, chunk_size)
        except OSError as exc:
            raise UnreadableFile(f"cannot read {Path(path).name}: {exc.strerror or exc}") from exc


@contextmanager
def _open_file(path: Path) -> Iterator[BinaryIO]:
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise UnreadableFile(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile(f"is a directory, not a file: {path}") from exc
    except PermissionError as exc:
        raise UnreadableFile(f"permission denied: {path}") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot open {path}: {exc.strerror or exc}") from exc
    with fh:
        yield fh


# --- content sniffing -----------------------------------------------------------------------


def sniff_kind(source: Path | str | bytes) -> Kind:
    """``"image"``, ``"video"`` or ``"other"`` from the content's first bytes, not its name."""
    if isinstance(source, bytes | bytearray | memoryview):
        return kind_of_header(bytes(source[:SNIFF_BYTES]))
    with _open_file(Path(source)) as fh:
        try:
            return kind_of_header(fh.read(SNIFF_BYTES))
        except OSError as exc:
            raise UnreadableFile(f"cannot read {source}: {exc.strerror or exc}") from exc


# --- images ---------------------------------------------------------------------------------

_heif_registered = False


def _register_heif() -> None:
    """Let Pillow open HEIC/HEIF (pillow-heif); done once, on the first image opened."""
    global _heif_registered  # noqa: PLW0603 - a once-only registration flag
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


@contextmanager
def _opened_image(source: Path | str | bytes | BinaryIO, max_pixels: int) -> Iterator[Image.Image]:
    _register_heif()
    if isinstance(source, Path | str):
        with _open_file(Path(source)) as fh, _opened_image(fh, max_pixels) as img:
            yield img
        return
    stream: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        img = Image.open(stream)
    except UnidentifiedImageError as exc:
        raise UnsupportedMedia("not an image format that can be decoded") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaTooLarge(f"image refused as a decompression bomb: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptMedia(f"image header cannot be read: {exc}") from exc
    with img:
        width, height = img.size
        if width < 1 or height < 1:
            raise CorruptMedia(f"image has no pixels ({width}x{height})")
        if width * height > max_pixels:
            raise MediaTooLarge(
                f"image is {width}x{height} ({width * height / 1e6:.1f} Mpx), above the limit "
                f"of {max_pixels / 1e6:.1f} Mpx (decompression-bomb guard)"
            )
        yield img


_EXIF_ORIENTATION: Final = 0x0112


_ORIENTATIONS: Final[dict[int, Callable[[npt.NDArray[Any]], npt.NDArray[Any]]]] = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1, :],
    5: lambda a: a.T,
    6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).T,
    8: lambda a: np.rot90(a, 1),
}


_TRANSPOSING: Final = frozenset({5, 6, 7, 8})
# Every orientation's transform is its own inverse except the two quarter turns.
_UNDO: Final = {**_ORIENTATIONS, 6: _ORIENTATIONS[8], 8: _ORIENTATIONS[6]}


def _orient(luma: npt.NDArray[Any], orientation: int) -> npt.NDArray[Any]:
    """Apply an EXIF orientation (1-8) to a 2-D array, as ``ImageOps.exif_transpose`` would."""
    turn = _ORIENTATIONS.get(orientation)
    return luma if turn is None else turn(luma)


def _stored(
    luma: npt.NDArray[Any], full: tuple[int, int], orientation: int
) -> tuple[npt.NDArray[Any], tuple[int, int]]:
    """Undo ``_orient``: the pixels as stored in the file (an exact permutation back)."""
    undo = _UNDO.get(orientation)
    if undo is None:
        return luma, full
    return undo(luma), ((full[1], full[0]) if orientation in _TRANSPOSING else full)


_LUMA_BAND_ROWS: Final = 256
_HIGH_DEPTH_MODES: Final = frozenset({"I", "F", "I;16", "I;16B", "I;16L", "I;16N"})


def raster_bytes(mode: str, size: tuple[int, int]) -> int:
    """Bytes Pillow allocates for an image of ``mode`` and ``size`` (one byte a pixel for
    1/L/P, two for 16-bit grey, four for everything else: RGB, RGBA, CMYK, LA, I, F…)."""
    width, height = size
    if mode in ("1", "L", "P"):
        per_pixel = 1
    elif mode.startswith("I;16"):
        per_pixel = 2
    else:
        per_pixel = 4
    return width * height * per_pixel


def _reduce_factor(size: tuple[int, int]) -> int:
    """The integer factor that brings ``size`` down to a long side of at least FAST_MIN_SIDE."""
    factor = 1
    while max(size) // (factor * 2) >= FAST_MIN_SIDE:
        factor *= 2
    return factor


def _decode_peak(raster: int, work_pixels: int) -> int:
    """A decode's estimated peak: the raster, a converted copy of it, the float luminance and
    the PDQ filter's window over it (about the size of the luminance again)."""
    return raster + work_pixels * (4 + 4 + 4)


@contextmanager
def _luma_of(
    img: Image.Image, fast: bool, max_decoded_bytes: int, budget: DecodeBudget
) -> Iterator[tuple[npt.NDArray[Any], tuple[int, int], int]]:
    """Decode ``img`` to a 2-D luminance array on the 0-255 scale, EXIF orientation applied,
    with the (rows, columns) the image really has (more than the array's after a draft or a
    reduction) and the EXIF orientation tag (1 when absent or not 1-8). The decode's memory
    stays reserved in ``budget`` while the caller uses the array."""
    width, height = img.size
    if fast and img.format == "JPEG":
        scale = _reduce_factor((width, height))
        scale = min(scale, 8)
        # Decode only the Y channel, at reduced scale, in the DCT domain.
        img.draft("L", (math.ceil(width / scale), math.ceil(height / scale)))
    raster = raster_bytes(img.mode, img.size)
    if raster > max_decoded_bytes:
        raise MediaTooLarge(
            f"image is {width}x{height} {img.mode} and would decode to {raster / 2**20:.0f} MB, "
            f"above the limit of {max_decoded_bytes / 2**20:.0f} MB (decompression-bomb guard)"
        )
    reduce_by = _reduce_factor(img.size) if fast and raster > FAST_REDUCE_ABOVE_BYTES else 1
    work = img.size[0] * img.size[1] // (reduce_by * reduce_by)
    with budget.reserve(_decode_peak(raster, work)):
        try:
            img.load()
            orientation = int(img.getexif().get(_EXIF_ORIENTATION, 1))
            orientation = orientation if orientation in range(1, 9) else 1
            if reduce_by > 1:
                img = img.reduce(reduce_by)
            luma = _to_luma(img, fast)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaTooLarge(f"image refused as a decompression bomb: {exc}") from exc
        except (OSError, SyntaxError, ValueError, IndexError, EOFError) as exc:
            raise CorruptMedia(f"image cannot be decoded: {exc}") from exc
        full = (width, height) if orientation in _TRANSPOSING else (height, width)
        yield _orient(luma, orientation), full, orientation


def _to_luma(img: Image.Image, fast: bool) -> npt.NDArray[Any]:
    mode = img.mode
    if mode == "L":
        return np.asarray(img)
    if mode in _HIGH_DEPTH_MODES:
        arr = np.asarray(img, dtype=np.float32)
        top = float(arr.max(initial=0.0))
        if top > 255.0:  # 16-bit or float data: bring it to the 8-bit scale
            arr = arr * np.float32(255.0 / (65535.0 if top <= 65535.0 else top))
        return arr
    if mode in ("LA", "La", "LAB"):
        return np.asarray(img.getchannel(0))
    if mode in ("P", "PA"):
        img = img.convert("RGBA")  # palette transparency stays in the alpha band
    if img.mode != "RGB":
        img = img.convert("RGB")
    if fast:
        return np.asarray(img.convert("L"))
    rgb = np.asarray(img)
    # Exactly the reference binding's float luminance, for bit-exact conformance, a band of
    # rows at a time (the whole image at once would make float64 temporaries of 8 bytes a pixel).
    luma = np.empty(rgb.shape[:2], dtype=np.float32)
    for top in range(0, rgb.shape[0], _LUMA_BAND_ROWS):
        band = rgb[top : top + _LUMA_BAND_ROWS]
        luma[top : top + _LUMA_BAND_ROWS] = (
            band[:, :, 0] * 0.299 + band[:, :, 1] * 0.587 + band[:, :, 2] * 0.114
        ).astype(np.float32)
    return luma


@contextmanager
def _image_luma(
    source: Path | str | bytes | BinaryIO,
    fast: bool,
    max_pixels: int,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    budget: DecodeBudget | None = None,
) -> Iterator[tuple[npt.NDArray[Any], tuple[int, int], int]]:
    with (
        _opened_image(source, max_pixels) as img,
        _luma_of(img, fast, max_decoded_bytes, budget or PROCESS_BUDGET) as found,
    ):
        yield found


def pdq_of_image(
    source: Path | str | bytes | BinaryIO,
    *,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> PdqHash:
    """PDQ hash and quality of an image (first frame of an animation), EXIF orientation applied.

    ``fast`` decodes large JPEGs at reduced scale (luma only), a few bits from the full decode;
    ``fast=False`` reproduces the reference implementation bit for bit. Raises a ``MediaError``
    subclass for empty, corrupt, unsupported or oversized input.
    """
    with _image_luma(source, fast, max_pixels, max_decoded_bytes) as (luma, full, _orientation):
        return pdq_from_luma(luma, full)


def pdq_of_image_as_stored(
    source: Path | str | bytes | BinaryIO,
    *,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> PdqHash:
    """PDQ of the pixels as stored, EXIF orientation ignored: what ThreatExchange's reference
    implementation (and tools built on it) compute for a rotated JPEG."""
    with _image_luma(source, fast, max_pixels, max_decoded_bytes) as (luma, full, orientation):
        return pdq_from_luma(*_stored(luma, full, orientation))


@dataclass(frozen=True, slots=True)
class ImagePdqs:
    """An image's PDQ with its EXIF orientation applied and, when the tag is not 1, the PDQ
    of its pixels as stored (``raw``), from one decode."""

    pdq: PdqHash
    raw: PdqHash | None
    exif_orientation: int


def image_pdqs(
    source: Path | str | bytes | BinaryIO,
    *,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> ImagePdqs:
    """Both PDQs of a photo (see ``ImagePdqs``); ``raw`` is None when the orientation is 1."""
    with _image_luma(source, fast, max_pixels, max_decoded_bytes) as (luma, full, orientation):
        raw = pdq_from_luma(*_stored(luma, full, orientation)) if orientation != 1 else None
        return ImagePdqs(pdq_from_luma(luma, full), raw, orientation)


def image_crop_set(
    source: Path | str | bytes | BinaryIO,
    *,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> CropSet | None:
    """An image's crop set (``perisai.media.crops``), EXIF orientation applied, as
    ``hash_file(..., crops=True)`` computes it; None for a picture too small to cut."""
    with _image_luma(source, fast, max_pixels, max_decoded_bytes) as (luma, _full, _orientation):
        return crop_set_from_luma(luma)


def pdq_dihedral(
    source: Path | str | bytes | BinaryIO,
    *,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> dict[str, PdqHash]:
    """The eight rotation/flip variants of an image's PDQ (keys in ``pdq.DIHEDRAL_NAMES``)."""
    with _image_luma(source, fast, max_pixels, max_decoded_bytes) as (luma, full, _orientation):
        return pdq_dihedral_from_luma(luma, full)


# --- whole files ----------------------------------------------------------------------------


@dataclass(slots=True)
class FileReport:
    """Everything ``perisai media hash`` prints for one file.

    A file that could not be hashed fully keeps what was computed (a corrupt JPEG still has an
    MD5 that can match a bank) and names the problem in ``error``.

    ``pdq`` is the hash of the image as it is meant to be seen (EXIF orientation applied). When
    the orientation tag is not 1, ``pdq_raw`` is the hash of the pixels as stored (orientation
    ignored, as ThreatExchange's reference computes it): banks built by other tools hold that
    one, so both are matched (``pdq_variants``) and a match says which (``variant: "raw"``).
    """

    path: str
    kind: Kind = "other"
    size: int | None = None
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    vpdq: list[FrameHash] | None = None
    rotations: dict[str, PdqHash] | None = None
    exif_orientation: int | None = None
    pdq_raw: str | None = None
    pdq_raw_quality: int | None = None
    tmk: str | None = None
    # The crop set of an image (``perisai.media.crops``, packed), when asked for.
    pdq_crops: bytes | None = None
    error: str | None = None
    error_kind: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def pdq_variants(self) -> dict[str, str]:
        """Every PDQ the file is matched by, by variant: ``original`` (orientation applied),
        ``raw`` (as stored, when the EXIF orientation is not 1) and, when computed, the seven
        rotations/flips of the original."""
        variants = {name: h.hex for name, h in (self.rotations or {}).items()}
        if self.pdq is not None:
            variants["original"] = self.pdq
        if self.pdq_raw is not None:
            variants["raw"] = self.pdq_raw
        return variants

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "size": self.size,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
        }
        if self.kind == "video" or self.vpdq is not None:
            out["vpdq"] = [
                {"t": f.t, "pdq": f.pdq, "quality": f.quality} for f in (self.vpdq or [])
            ]
        if self.pdq_raw is not None:
            out["exif_orientation"] = self.exif_orientation
            out["pdq_raw"] = self.pdq_raw
            out["pdq_raw_quality"] = self.pdq_raw_quality
        if self.tmk is not None:
            out["tmk"] = self.tmk
        if self.rotations is not None:
            out["rotations"] = {
                name: {"pdq": h.hex, "quality": h.quality} for name, h in self.rotations.items()
            }
        if self.error is not None:
            out["error"] = self.error
            out["error_kind"] = self.error_kind
        return out


def hash_file(
    path: Path | str,
    *,
    rotations: bool = False,
    fps: float = 1.0,
    tmk: bool = False,
    crops: bool = False,
    fast: bool = True,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_video_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> FileReport:
    """Hash one file completely; never raises for a bad file, the report carries the error.

    ``crops``: an image also gets its crop set (``perisai.media.crops``) from the same decode.
    """
    p = Path(path)
    report = FileReport(path=str(path))
    try:
        with _open_file(p) as fh:
            try:
                report.size = p.stat().st_size
                head = fh.read(SNIFF_BYTES)
                fh.seek(0)
                crypto = crypto_hashes_of_stream(fh)
            except OSError as exc:
                raise UnreadableFile(f"cannot read {p}: {exc.strerror or exc}") from exc
        report.md5, report.sha1, report.sha256 = crypto.md5, crypto.sha1, crypto.sha256
        report.kind = kind_of_header(head)
        if report.size == 0:
            raise EmptyFile("empty file (0 bytes)")
        if report.kind == "image":
            with _image_luma(p, fast, max_pixels, max_decoded_bytes) as (
                luma,
                full_size,
                orientation,
            ):
                if rotations:
                    report.rotations = pdq_dihedral_from_luma(luma, full_size)
                    first = report.rotations["original"]
                else:
                    first = pdq_from_luma(luma, full_size)
                report.pdq, report.pdq_quality = first.hex, first.quality
                if orientation != 1:
                    raw = pdq_from_luma(*_stored(luma, full_size, orientation))
                    report.exif_orientation = orientation
                    report.pdq_raw, report.pdq_raw_quality = raw.hex, raw.quality
                if crops:
                    crop_set = crop_set_from_luma(luma)
                    report.pdq_crops = crop_set.pack() if crop_set is not None else None
        elif report.kind == "video":
            found = video_signals(
                p, fps=fps, tmk=tmk, max_seconds=max_video_seconds, max_pixels=max_pixels
            )
            report.vpdq = found.frames
            report.tmk = found.tmk.to_signal() if found.tmk else None
        else:
            raise UnsupportedMedia("not an image or video (content not recognised)")
    except MediaError as exc:
        report.error = str(exc)
        report.error_kind = exc.kind
    return report

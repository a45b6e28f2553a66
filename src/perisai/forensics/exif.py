"""The EXIF fields investigators ask for first: camera make and model, original time, GPS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 36867
_OFFSET_TIME_ORIGINAL = 36881


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if str(ref).strip().upper() in ("S", "W"):
        degrees = -degrees
    return round(degrees, 7)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    cleaned = str(value).replace("\x00", "").strip()
    return cleaned or None


def _gps(gps: Any) -> dict[str, float] | None:
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": lat, "lon": lon}


def read_exif(path: Path) -> dict[str, Any] | None:
    """Header-only read (no pixel decode); None when the image carries no EXIF of interest."""
    with Image.open(path) as image:
        exif = image.getexif()
    if not exif:
        return None
    details = exif.get_ifd(_EXIF_IFD)
    found: dict[str, Any] = {
        "make": _text(exif.get(ExifTags.Base.Make)),
        "model": _text(exif.get(ExifTags.Base.Model)),
        "original_time": _text(details.get(_DATETIME_ORIGINAL)),
        "original_offset": _text(details.get(_OFFSET_TIME_ORIGINAL)),
        "gps": _gps(exif.get_ifd(_GPS_IFD)),
    }
    kept = {key: value for key, value in found.items() if value is not None}
    return kept or None

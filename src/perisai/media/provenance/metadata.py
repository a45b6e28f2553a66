"""Hints from unsigned metadata: XMP (digital source type, creator tool), EXIF, generator text.

XMP is parsed with defusedxml (no DTD, entity or external reference is ever expanded); EXIF with
Pillow's TIFF directory reader on the block alone (no image decode). Values are cleaned of NUL and
control characters and cut to `ProvenanceLimits.max_hint_chars`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from perisai.media.provenance.containers import Embedded, ProvenanceLimits
from perisai.media.provenance.generators import (
    GENERATOR_KEYS,
    SOFTWARE_KEYS,
    aigc_label,
    looks_like_generation,
    names_generator,
)
from perisai.media.provenance.model import Hint
from perisai.media.provenance.vocabulary import meaning, normalise

_IPTC_EXT: Final = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}"
_XMP: Final = "{http://ns.adobe.com/xap/1.0/}"
_DCTERMS: Final = "{http://purl.org/dc/terms/}"
_RDF_RESOURCE: Final = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
_TC260: Final = "{http://www.tc260.org.cn/ns/AIGC/1.0/}"
#: XMP property -> hint kind.
_XMP_PROPERTIES: Final = {
    f"{_IPTC_EXT}DigitalSourceType": "xmp.digital_source_type",
    f"{_XMP}CreatorTool": "xmp.creator_tool",
    f"{_DCTERMS}provenance": "xmp.provenance",
    f"{_TC260}AIGC": "xmp.aigc",
}
_XMPMETA: Final = re.compile(rb"<x:xmpmeta\b.*?</x:xmpmeta>", re.DOTALL)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SOFTWARE_TAG: Final = 0x0131
_DESCRIPTION_TAG: Final = 0x010E
_EXIF_IFD: Final = 0x8769
_USER_COMMENT_TAG: Final = 0x9286
_XML_ERRORS: Final = (ParseError, defusedxml.DefusedXmlException, ValueError)


def clean(text: str, limit: int) -> str:
    text = _CONTROL.sub("", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- XMP ------------------------------------------------------------------------------------


def _parse_xmp(packet: bytes) -> Element | None:
    try:
        return SafeET.fromstring(packet, forbid_dtd=True)  # type: ignore[no-any-return]
    except _XML_ERRORS:
        pass
    found = _XMPMETA.search(packet)  # padding or a damaged wrapper around the packet
    if found is None:
        return None
    try:
        return SafeET.fromstring(found.group(0), forbid_dtd=True)  # type: ignore[no-any-return]
    except _XML_ERRORS:
        return None


def xmp_properties(packet: bytes) -> Iterator[tuple[str, str]]:
    """(hint kind, value) of the XMP properties we read, attribute or element form."""
    root = _parse_xmp(packet)
    if root is None:
        return
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in _XMP_PROPERTIES:
                yield _XMP_PROPERTIES[name], value
        if element.tag in _XMP_PROPERTIES:
            value = element.get(_RDF_RESOURCE) or "".join(element.itertext())
            yield _XMP_PROPERTIES[element.tag], value


def _xmp_hint(kind: str, value: str) -> Hint:
    if kind == "xmp.digital_source_type":
        return Hint(kind, normalise(value), claims_ai=meaning(value) == "ai")
    if kind == "xmp.creator_tool":
        return Hint(kind, value, claims_ai=names_generator(value))
    if kind == "xmp.aigc":
        return Hint(kind, value, claims_ai=aigc_label(value))
    return Hint(kind, value)


# --- EXIF -----------------------------------------------------------------------------------


def _decode_user_comment(raw: Any) -> str | None:
    """EXIF UserComment: an 8-byte character-code prefix, then the text."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes):
        return None
    prefix, body = raw[:8], raw[8:]
    if prefix == b"UNICODE\x00":
        # Writers disagree on the byte order: take the reading with more plain characters.
        readings = [body.decode(codec, "replace") for codec in ("utf-16-be", "utf-16-le")]
        return max(readings, key=lambda text: sum(ch.isascii() and ch.isprintable() for ch in text))
    if prefix == b"JIS\x00\x00\x00\x00\x00":
        return body.decode("shift_jis", "replace")
    if prefix in (b"ASCII\x00\x00\x00", b"\x00" * 8):
        return body.decode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _text_value(raw: Any) -> str | None:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return raw if isinstance(raw, str) else None


def exif_fields(block: bytes) -> dict[str, str]:
    """Software, ImageDescription and UserComment of an EXIF (TIFF) block, when present."""
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(block)
        details = exif.get_ifd(_EXIF_IFD)
    except Exception:
        return {}
    found = {
        "software": _text_value(exif.get(_SOFTWARE_TAG)),
        "image_description": _text_value(exif.get(_DESCRIPTION_TAG)),
        "user_comment": _decode_user_comment(details.get(_USER_COMMENT_TAG)),
    }
    return {key: value for key, value in found.items() if value and value.strip("\x00 ")}


def _exif_hints(fields: dict[str, str]) -> Iterator[Hint]:
    for name, value in fields.items():
        kind = f"exif.{name}"
        if name == "software":
            yield Hint(kind, value, claims_ai=names_generator(value))
        elif looks_like_generation(value):
            yield Hint(kind, value, claims_ai=True)


# --- text chunks and comments ---------------------------------------------------------------


def _key_kind(where: str, key: str) -> str:
    return f"{where}." + re.sub(r"[^a-z0-9_.:-]", "_", key.strip().lower())[:40]


def text_hint(where: str, key: str, text: str) -> Hint | None:
    lowered = key.strip().lower()
    kind = _key_kind(where, key)
    if lowered in GENERATOR_KEYS:
        return Hint(kind, text, claims_ai=True)
    if lowered in SOFTWARE_KEYS:
        return Hint(kind, text, claims_ai=names_generator(text))
    if lowered == "aigc":
        return Hint(kind, text, claims_ai=aigc_label(text))
    if looks_like_generation(text):
        return Hint(kind, text, claims_ai=True)
    return None


# --- all of them ----------------------------------------------------------------------------


def _raw_hints(found: Embedded) -> Iterator[Hint]:
    for packet in found.xmp:
        for kind, value in xmp_properties(packet):
            yield _xmp_hint(kind, value)
    for block in found.exif:
        yield from _exif_hints(exif_fields(block))
    for where, key, text in found.texts:
        hint = text_hint(where, key, text)
        if hint is not None:
            yield hint


def hints_of(found: Embedded, limits: ProvenanceLimits) -> tuple[Hint, ...]:
    """Cleaned, de-duplicated hints in file order, at most `limits.max_hints`."""
    kept: dict[tuple[str, str], Hint] = {}
    for hint in _raw_hints(found):
        value = clean(hint.value, limits.max_hint_chars)
        if not value or (hint.kind, value) in kept:
            continue
        kept[(hint.kind, value)] = Hint(hint.kind, value, hint.claims_ai)
        if len(kept) >= limits.max_hints:
            break
    return tuple(kept.values())

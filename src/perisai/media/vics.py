"""Project VIC VICS JSON: the one reader and writer of the format in Perisai.

VICS is OData JSON. Two versions and two layouts are in the field (Griffeye, IPED and Project
VIC's own distributions):

- 1.x: ``{"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
  "value": [media, ...]}`` (or ``...1.3.xml#Cases`` with cases holding ``Media``);
- 2.0: ``{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/
  US/$metadata#Cases", "value": [{"CaseID": ..., "Media": [media, ...]}]}``, or the flat hash-set
  layout ending ``$metadata#Media`` whose ``value`` is the media list itself. The path segment
  after ``2.0.xml`` is the dialect (``Default``, ``US``, ``UK``, ``CUSTOM``): category codes
  depend on it, so they are kept as data.

A media item has ``MediaID``, ``Category``, ``MD5``, ``SHA1`` (either case), optional
``PhotoDNA``, flags (``VictimIdentified``, ``OffenderIdentified``, ``IsDistributed``,
``IsPrecategorized``: JSON booleans, or the strings ``"true"``/``"false"`` some distributions
write), ``Series``, ``Tags``, ``MediaSize``, ``MimeType``, ``RelativeFilePath`` and
``MediaFiles`` (the copies seen). OData plumbing (``odata.id``, ``…@odata.navigationLinkUrl``)
is dropped. We write 2.0, Cases layout by default, and read back what we write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = [
    "VICS_BOOLEAN_FIELDS",
    "VicsDocument",
    "VicsError",
    "VicsMedia",
    "parse_vics",
    "vics_context",
    "vics_json",
]

VICS2_BASE: Final = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml"
VICS_BOOLEAN_FIELDS: Final = ("VictimIdentified", "OffenderIdentified", "IsDistributed",
                              "IsPrecategorized")  # fmt: skip
_CONTEXT = re.compile(
    r"/DataModels/(?P<version>\d+(?:\.\d+)*)\.xml(?:/(?P<dialect>[^/#$]+))?/?(?:\$metadata)?"
    r"#(?P<entity>\w+)"
)
Layout = Literal["cases", "media"]


class VicsError(ValueError):
    """The document is not VICS at all (its shape, not one item, is wrong)."""


@dataclass
class VicsMedia:
    """One media item: its hashes, category and the rest of its fields as given."""

    md5: str | None
    sha1: str | None
    media_id: str
    category: str
    fields: dict[str, Any] = field(default_factory=dict)
    where: str = ""  # e.g. value[0].Media[3], for messages
    case: dict[str, Any] = field(default_factory=dict)  # the case's own fields (Cases layout)


@dataclass
class VicsDocument:
    version: str  # "1.3", "2.0", ... ("" when the document does not say)
    dialect: str  # "US", "UK", "Default", "CUSTOM" or ""
    layout: Layout
    media: list[VicsMedia]
    problems: list[tuple[str, str]]  # (where, message) of items that were skipped


def vics_context(dialect: str = "Default", layout: Layout = "cases") -> str:
    entity = "Cases" if layout == "cases" else "Media"
    return f"{VICS2_BASE}/{dialect or 'Default'}/$metadata#{entity}"


def _header(document: dict[str, Any]) -> tuple[str, str, str]:
    context = document.get("@odata.context", document.get("odata.metadata", ""))
    m = _CONTEXT.search(context) if isinstance(context, str) else None
    if m is None:
        return "", "", ""
    return m["version"], m["dialect"] or "", m["entity"]


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _hex(value: Any) -> str | None:
    return str(value).strip().lower() if value not in (None, "") else None


def _plumbing(key: str) -> bool:
    return key.startswith(("odata.", "@odata.")) or "@odata." in key


def _media(item: Any, where: str, problems: list[tuple[str, str]]) -> VicsMedia | None:
    if not isinstance(item, dict):
        problems.append((where, "a media item must be an object"))
        return None
    md5, sha1 = _hex(item.get("MD5")), _hex(item.get("SHA1"))
    if md5 is None and sha1 is None:
        problems.append((where, "neither MD5 nor SHA1"))
        return None
    fields = {k: v for k, v in item.items() if not _plumbing(k)}
    for name in VICS_BOOLEAN_FIELDS:
        if name in fields:
            fields[name] = _boolean(fields[name])
    media_id, category = fields.pop("MediaID", None), fields.pop("Category", None)
    fields.pop("MD5", None)
    fields.pop("SHA1", None)
    return VicsMedia(
        md5=md5,
        sha1=sha1,
        media_id="" if media_id is None else str(media_id),
        category="" if category is None else str(category),
        fields=fields,
        where=where,
    )


def _looks_like_cases(values: list[Any]) -> bool:
    return any(isinstance(v, dict) and "Media" in v for v in values)


def parse_vics(document: Any) -> VicsDocument:
    """The media of a parsed VICS JSON document; raises ``VicsError`` when it is not VICS."""
    if isinstance(document, list):  # a bare media list
        document = {"value": document}
    if not isinstance(document, dict):
        raise VicsError("expected a JSON object with a 'value' list (OData)")
    version, dialect, entity = _header(document)
    if isinstance(document.get("value"), list):
        values: list[Any] = document["value"]
    elif "Media" in document:  # one case without the OData envelope
        values = [document]
        entity = "Cases"
    else:
        raise VicsError("expected an OData object with a 'value' list of cases or media")
    cases = entity == "Cases" or (entity != "Media" and _looks_like_cases(values))
    problems: list[tuple[str, str]] = []
    media = list(_cases(values, problems) if cases else _flat(values, problems))
    return VicsDocument(version, dialect, "cases" if cases else "media", media, problems)


def _flat(values: list[Any], problems: list[tuple[str, str]]) -> Iterator[VicsMedia]:
    for n, item in enumerate(values):
        found = _media(item, f"value[{n}]", problems)
        if found is not None:
            yield found


def _cases(values: list[Any], problems: list[tuple[str, str]]) -> Iterator[VicsMedia]:
    for c, case in enumerate(values):
        items = case.get("Media") if isinstance(case, dict) else None
        if not isinstance(items, list):
            problems.append((f"value[{c}]", "a case needs a 'Media' list"))
            continue
        own = {k: v for k, v in case.items() if k != "Media" and not _plumbing(k)}
        for n, item in enumerate(items):
            found = _media(item, f"value[{c}].Media[{n}]", problems)
            if found is not None:
                found.case = own
                yield found


def _number_or_text(value: str) -> int | str:
    text = value.strip()
    return int(text) if text.isdigit() else text


def media_item(media: VicsMedia, number: int) -> dict[str, Any]:
    """A media item as VICS 2.0 writes it (MediaID and Category as numbers when they are)."""
    item: dict[str, Any] = {"MediaID": _number_or_text(media.media_id) if media.media_id
                            else number}  # fmt: skip
    if media.category:
        item["Category"] = _number_or_text(media.category)
    if media.md5:
        item["MD5"] = media.md5.upper()
    if media.sha1:
        item["SHA1"] = media.sha1.upper()
    item.update({k: v for k, v in media.fields.items() if k not in ("MD5", "SHA1")})
    return item


def vics_json(
    media: Sequence[VicsMedia],
    *,
    dialect: str = "Default",
    layout: Layout = "cases",
    case: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A VICS 2.0 document of ``media``: one case (``case`` gives its fields) or a flat set."""
    items = [media_item(m, n) for n, m in enumerate(media, 1)]
    document: dict[str, Any] = {"@odata.context": vics_context(dialect, layout)}
    if layout == "media":
        document["value"] = items
    else:
        document["value"] = [{"CaseID": 1, **(case or {}), "Media": items}]
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"

"""Project VIC VICS (OData JSON, data model 2.0) export of the matched items.

One Media per distinct MD5, its copies listed as MediaFiles (how VICS stacks duplicates).
Category codes are the banks' own values (they depend on the dialect), kept as data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ODATA_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/Default/$metadata#Cases"


def _category(value: str) -> int | str:
    return int(value) if value.strip().isdigit() else value


def _media_file(record: dict[str, Any]) -> dict[str, Any]:
    times = record.get("times") or {}
    path = record["path"]
    return {
        "FileName": path.rsplit("/", 1)[-1],
        "FilePath": path,
        "Created": times.get("crtime"),
        "Written": times.get("mtime"),
        "Accessed": times.get("atime"),
        "Deleted": bool(record.get("deleted")),
    }


def vics_document(records: list[dict[str, Any]], case_number: str) -> dict[str, Any]:
    media: dict[str, dict[str, Any]] = {}
    for record in records:
        if not record.get("matches") or not record.get("md5"):
            continue
        first = record["matches"][0]
        entry = media.get(record["md5"])
        if entry is None:
            entry = media[record["md5"]] = {
                "MediaID": len(media) + 1,
                "Category": _category(first["category"]),
                "MD5": record["md5"].upper(),
                "SHA1": record["sha1"].upper(),
                "MediaSize": record.get("size"),
                "MimeType": record.get("mime"),
                "RelativeFilePath": record["path"],
                "IsPrecategorized": True,
                "Tags": sorted({m["label"] for m in record["matches"] if m["label"]}),
                "MediaFiles": [],
            }
        entry["MediaFiles"].append(_media_file(record))
    return {
        "@odata.context": ODATA_CONTEXT,
        "value": [{"CaseNumber": case_number, "SourceApplicationName": "Perisai",
                   "Media": list(media.values())}],
    }  # fmt: skip


def write_vics(path: Path, records: list[dict[str, Any]], case_number: str) -> None:
    document = vics_document(records, case_number)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")

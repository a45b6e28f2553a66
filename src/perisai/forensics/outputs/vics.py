"""Project VIC VICS 2.0 export of the matched items (written by `perisai.media.vics`).

One Media per distinct MD5, its copies listed as MediaFiles (how VICS stacks duplicates).
Category codes are the banks' own values (they depend on the dialect), kept as data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perisai.media import vics


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
    media: dict[str, vics.VicsMedia] = {}
    for record in records:
        if not record.get("matches") or not record.get("md5"):
            continue
        first = record["matches"][0]
        entry = media.get(record["md5"])
        if entry is None:
            entry = media[record["md5"]] = vics.VicsMedia(
                md5=record["md5"],
                sha1=record.get("sha1"),
                media_id=str(len(media) + 1),
                category=str(first["category"]),
                fields={
                    "MediaSize": record.get("size"),
                    "MimeType": record.get("mime"),
                    "RelativeFilePath": record["path"],
                    "IsPrecategorized": True,
                    "Tags": sorted({m["label"] for m in record["matches"] if m["label"]}),
                    "MediaFiles": [],
                },
            )
        entry.fields["MediaFiles"].append(_media_file(record))
    case = {"CaseNumber": case_number, "SourceApplicationName": "Perisai"}
    return vics.vics_json(list(media.values()), case=case)


def write_vics(path: Path, records: list[dict[str, Any]], case_number: str) -> None:
    path.write_text(vics.dumps(vics_document(records, case_number)), encoding="utf-8")

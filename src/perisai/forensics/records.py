"""The item record: one JSON object per file found, the unit of every output."""

from __future__ import annotations

from typing import Any

from perisai.forensics.entries import Entry

# Fields of items.csv, in order; nested facts are flattened.
CSV_FIELDS = (
    "id", "path", "status", "size", "mime", "kind", "md5", "sha1", "sha256", "pdq",
    "pdq_quality", "known_good", "match_categories", "match_labels", "duplicate_group",
    "deleted", "mtime", "ctime", "atime", "crtime", "exif_make", "exif_model",
    "exif_original_time", "gps_lat", "gps_lon", "ai", "c2pa_state", "c2pa_signer",
    "ai_source_types", "ai_hints", "entry_type", "link_target",
    "name_escaped", "errors",
)  # fmt: skip

PRIVATE_PREFIX = "_"  # journal-only fields (thumbnails) that never reach items.*


def base_record(entry: Entry, key: str, depth: int) -> dict[str, Any]:
    return {
        "key": key,
        "path": entry.path,
        "depth": depth,
        "entry_type": entry.entry_type,
        "size": entry.size,
        "times": entry.times,
        "deleted": entry.deleted,
        "name_escaped": entry.name_escaped,
        "link_target": entry.link_target,
        "status": entry.status,
        "errors": [entry.reason] if entry.reason else [],
    }


def merge_analysis(record: dict[str, Any], result: dict[str, Any]) -> None:
    errors = result.pop("errors", [])
    declared, hashed = record.get("size"), result.get("size")
    if declared is not None and hashed is not None and declared != hashed:
        # A damaged file system can list more bytes than it can give back.
        record["declared_size"] = declared
        errors = [f"only {hashed} of {declared} declared bytes readable", *errors]
    record.update(result)
    record["errors"] = [*record["errors"], *errors]


def settle_status(record: dict[str, Any]) -> None:
    """ok / known / partial (hashed, some analysis failed) / error / refused."""
    if record["status"] == "refused":
        return
    if record.get("known_good"):
        record["status"] = "known"
    elif record["errors"]:
        record["status"] = "partial" if record.get("sha256") else "error"
    elif record["entry_type"] == "file" and not record.get("sha256"):
        record["status"] = "error"
    else:
        record["status"] = "ok"


def public_view(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith(PRIVATE_PREFIX)}


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    exif = record.get("exif") or {}
    gps = exif.get("gps") or {}
    pdq = record.get("pdq") or {}
    matches = record.get("matches") or []
    times = record.get("times") or {}
    provenance = record.get("provenance") or {}
    c2pa = provenance.get("c2pa") or {}
    return {
        **{name: record.get(name) for name in CSV_FIELDS},
        "pdq": pdq.get("hex"),
        "pdq_quality": pdq.get("quality"),
        "match_categories": ";".join(sorted({m["category"] for m in matches})),
        "match_labels": ";".join(sorted({m["label"] for m in matches})),
        **{name: times.get(name) for name in ("mtime", "ctime", "atime", "crtime")},
        "exif_make": exif.get("make"),
        "exif_model": exif.get("model"),
        "exif_original_time": exif.get("original_time"),
        "gps_lat": gps.get("lat"),
        "gps_lon": gps.get("lon"),
        "ai": provenance.get("ai"),
        "c2pa_state": c2pa.get("state"),
        "c2pa_signer": c2pa.get("signer"),
        "ai_source_types": ";".join(c2pa.get("digital_source_types") or []),
        "ai_hints": ";".join(sorted({h["kind"] for h in provenance.get("hints") or []})),
        "errors": "; ".join(record.get("errors") or []),
    }


def finalise(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stable order, ids, and duplicate groups (same SHA-256 -> one group id)."""
    ordered = sorted(records, key=lambda r: r["key"])
    counts: dict[str, int] = {}
    for record in ordered:
        if record.get("sha256"):
            counts[record["sha256"]] = counts.get(record["sha256"], 0) + 1
    for number, record in enumerate(ordered, start=1):
        record["id"] = number
        digest = record.get("sha256")
        record["duplicate_group"] = f"dup-{digest[:16]}" if digest and counts[digest] > 1 else None
    return ordered

"""Write every output of a finished scan and sign the manifest over them."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from perisai.forensics.digests import digest_path
from perisai.forensics.outputs.items import write_items_csv, write_items_jsonl
from perisai.forensics.outputs.manifest import (
    DEFAULT_KEY_NAME,
    FORMAT,
    MANIFEST_NAME,
    PUBLIC_KEY_NAME,
    items_digest,
    load_or_create_key,
    sign_manifest,
    write_public_key,
)
from perisai.forensics.outputs.report import write_report
from perisai.forensics.outputs.vics import write_vics
from perisai.forensics.scanner import ScanOptions, ScanOutcome

ITEM_FIELDS = ("id", "path", "name_escaped", "status", "size", "md5", "sha1", "sha256")
OUTPUT_FILES = ("items.jsonl", "items.csv", "findings.vics.json", "report.html")


def tool_version() -> str:
    try:
        return version("perisai")
    except PackageNotFoundError:
        return "unknown"


def _counts(records: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {"items": len(records)}
    for record in records:
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    counts["matched"] = sum(1 for r in records if r["matches"])
    counts["duplicate_groups"] = len(
        {r["duplicate_group"] for r in records if r["duplicate_group"]}
    )
    return counts


def _source(outcome: ScanOutcome) -> dict[str, Any]:
    state = outcome.state
    source: dict[str, Any] = {"path": state["source"], "kind": state["source_kind"]}
    if "source_sha256" in state:
        source["sha256"] = state["source_sha256"]
    source["items_sha256"] = items_digest(outcome.records)
    source["problems"] = outcome.source_problems
    source["list_warnings"] = outcome.list_warnings
    return source


def _manifest(
    outcome: ScanOutcome, options: ScanOptions, outputs: dict[str, str]
) -> dict[str, Any]:
    state = outcome.state
    return {
        "format": FORMAT,
        "tool": {"name": "perisai forensics scan", "version": tool_version()},
        "examiner": options.examiner,
        "started_at": state["started_at"],
        "resumed_at": state.get("resumed_at", []),
        "ended_at": state["ended_at"],
        "source": _source(outcome),
        "limits": asdict(options.limits),
        "banks": [{"path": str(p), "sha256": digest_path(p).sha256} for p in options.banks],
        "known_good": [
            {"path": str(p), "sha256": digest_path(p).sha256} for p in options.known_good
        ],
        "outputs": outputs,
        "counts": _counts(outcome.records),
        "items": [{k: r.get(k) for k in ITEM_FIELDS} for r in outcome.records],
    }


def write_outputs(outcome: ScanOutcome, options: ScanOptions) -> Path:
    out = outcome.out_dir
    records = outcome.records
    write_items_jsonl(out / "items.jsonl", records)
    write_items_csv(out / "items.csv", records)
    write_vics(out / "findings.vics.json", records, case_number=Path(outcome.state["source"]).name)
    facts = {
        "source": outcome.state["source"],
        "examiner": options.examiner,
        "started": outcome.state["started_at"],
        "ended": outcome.state["ended_at"],
        "items": len(records),
    }
    write_report(out / "report.html", records, facts)
    outputs = {name: digest_path(out / name).sha256 for name in OUTPUT_FILES}
    key = load_or_create_key(options.signing_key or out / DEFAULT_KEY_NAME)
    signed = sign_manifest(_manifest(outcome, options, outputs), key)
    write_public_key(out / PUBLIC_KEY_NAME, key)
    manifest_path = out / MANIFEST_NAME
    manifest_path.write_text(json.dumps(signed, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest_path

"""Verify a custody manifest: its signature, and with `check_files` the files it vouches for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perisai.forensics.digests import digest_path
from perisai.forensics.names import unescape_name
from perisai.forensics.outputs.manifest import ManifestInvalidError, load_public_key, verify_signed


def _check_outputs(manifest: dict[str, Any], folder: Path) -> list[str]:
    problems = []
    for name, expected in sorted(manifest.get("outputs", {}).items()):
        path = folder / Path(name).name  # names from the manifest never leave its folder
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif digest_path(path).sha256 != expected:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems


def _check_source(manifest: dict[str, Any]) -> list[str]:
    """Re-hash what can be re-hashed without re-extraction: the source file, a folder's files."""
    source = manifest.get("source", {})
    root = Path(source.get("path", ""))
    if not root.exists():
        return [f"source {root} is not reachable: not re-hashed"]
    if source.get("sha256"):
        return [] if digest_path(root).sha256 == source["sha256"] else ["source SHA-256 differs"]
    problems = []
    for item in manifest.get("items", []):
        if "!/" in item["path"] or not item.get("sha256"):
            continue
        relative = item["path"]
        path = root / (unescape_name(relative) if item.get("name_escaped") else relative)
        if not path.is_file():
            problems.append(f"{item['path']}: missing from the source")
        elif digest_path(path).sha256 != item["sha256"]:
            problems.append(f"{item['path']}: SHA-256 differs")
    return problems


def verify_manifest(
    manifest_path: Path, public_key: Path | None = None, check_files: bool = False
) -> dict[str, Any]:
    """Return a summary; raise ManifestInvalidError with the reason when anything does not hold."""
    try:
        document = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestInvalidError(f"cannot read manifest: {exc}") from exc
    pinned = load_public_key(public_key) if public_key is not None else None
    manifest = verify_signed(document, pinned)
    summary: dict[str, Any] = {
        "ok": True,
        "manifest": str(manifest_path),
        "key_fingerprint": document["signature"].get("key_fingerprint"),
        "key_pinned": pinned is not None,
        "examiner": manifest.get("examiner"),
        "source": manifest.get("source", {}).get("path"),
        "items": len(manifest.get("items", [])),
    }
    if check_files:
        problems = _check_outputs(manifest, manifest_path.parent) + _check_source(manifest)
        summary["files_checked"] = True
        summary["source_problems"] = [p for p in problems if "not reachable" in p]
        failures = [p for p in problems if "not reachable" not in p]
        if failures:
            raise ManifestInvalidError("; ".join(failures))
    return summary

"""Forensics output on the shared ThreatExchange test data is what it was before the scanner
moved onto the media library's matcher (issue #12 item 1): the expected output was stored by
the old scanner (tests/data/threatexchange/forensics-golden/expected.json) and every record,
match and warning must still be identical (only file times and thumbnails are left out)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.datasets import FORENSICS_GOLDEN
from tests.forensics.conftest import SHARED

from perisai.forensics.scanner import ScanOptions, run_scan

GOLDEN = FORENSICS_GOLDEN
SOURCES = [
    *sorted((SHARED / "pdq" / "bridge-mods").glob("*.jpg")),
    *(SHARED / "pdq" / "misc-images" / name for name in ("c.png", "small.jpg", "wee.jpg")),
    SHARED / "video" / "chair-22-sd-grey-bar.mp4",
]
UNSTABLE = ("times", "_thumbnail")


def golden_scan(work: Path) -> dict[str, Any]:
    """Scan a copy of the shared files against the golden bank; the comparable output."""
    source = work / "source"
    source.mkdir()
    for path in SOURCES:
        shutil.copyfile(path, source / path.name)
    bank = work / "bank.csv"
    shutil.copyfile(GOLDEN / "bank.csv", bank)
    outcome = run_scan(ScanOptions(source=source, out_dir=work / "out", banks=(bank,)))
    records = [{k: v for k, v in r.items() if k not in UNSTABLE} for r in outcome.records]
    warnings = [w.replace(str(bank), "<bank>") for w in outcome.list_warnings]
    return {"records": sorted(records, key=lambda r: r["path"]), "warnings": warnings}


def test_forensics_scan_output_is_identical_to_the_stored_expected_output(tmp_path: Path) -> None:
    expected = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    found = golden_scan(tmp_path)
    assert len(found["records"]) == len(SOURCES)
    assert sum(len(r["matches"]) for r in found["records"]) > 5  # the bank does match
    for ours, theirs in zip(found["records"], expected["records"], strict=True):
        assert ours == theirs, ours["path"]
    assert found == expected

"""`perisai forensics scan` outputs each image's AI provenance: items.jsonl, items.csv, the
summary's AI counts and report.html; `--trust` and `--no-provenance`."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.datasets import PROVENANCE
from typer.testing import CliRunner

from perisai.forensics.cli import app

runner = CliRunner()
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SIGNER = "Perisai test AI generator signer (Perisai test AI generator)"
# name: (ai, C2PA state without a trust list)
EXPECTED = {
    "ai_created.jpg": ("yes", "valid"),
    "ai_ingredient.jpg": ("yes", "valid"),
    "capture.jpg": ("no", "valid"),
    "ai_tampered.jpg": ("claimed", "invalid"),
    "xmp_ai.jpg": ("claimed", "absent"),
    "comfyui_prompt.png": ("claimed", "absent"),
    "plain.jpg": ("unknown", "absent"),
}


@pytest.fixture
def seized(tmp_path: Path) -> Path:
    """A seized folder: the provenance files, one of them inside a zip, and a text file."""
    folder = tmp_path / "seized"
    folder.mkdir()
    for name in EXPECTED:
        shutil.copy(PROVENANCE / name, folder / name)
    with zipfile.ZipFile(folder / "pack.zip", "w") as archive:
        archive.write(PROVENANCE / "a1111_parameters.png", "inner/a1111_parameters.png")
    (folder / "notes.txt").write_text("not an image")
    return folder


def _scan(seized: Path, out: Path, *extra: str) -> tuple[dict[str, Any], dict[str, Any]]:
    result = runner.invoke(app, ["scan", str(seized), "--out", str(out), "--json", *extra])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    items = [
        json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return summary, {Path(item["path"]).name: item for item in items}


def test_scan_outputs_each_images_provenance(seized: Path, tmp_path: Path) -> None:
    summary, items = _scan(seized, tmp_path / "out", "--workers", "2")
    for name, (ai, state) in EXPECTED.items():
        found = items[name]["provenance"]
        assert (found["ai"], found["c2pa"]["state"]) == (ai, state), name
        assert items[name]["status"] == "ok", items[name]["errors"]
    inner = items["a1111_parameters.png"]
    assert inner["path"].endswith("pack.zip!/inner/a1111_parameters.png")
    assert inner["provenance"]["ai"] == "claimed"
    assert "png.parameters" in {h["kind"] for h in inner["provenance"]["hints"]}
    created = items["ai_created.jpg"]["provenance"]["c2pa"]
    assert created["signer"] == AI_SIGNER
    assert created["digital_source_types"] == [IPTC + "trainedAlgorithmicMedia"]
    assert "provenance" not in items["notes.txt"] and "provenance" not in items["pack.zip"]
    assert summary["ai"] == {"yes": 2, "claimed": 4, "no": 1, "unknown": 1}
    with (tmp_path / "out" / "items.csv").open(encoding="utf-8", newline="") as stream:
        rows = {Path(row["path"]).name: row for row in csv.DictReader(stream)}
    assert (rows["ai_created.jpg"]["ai"], rows["ai_created.jpg"]["c2pa_signer"]) == (
        "yes",
        AI_SIGNER,
    )
    assert rows["ai_created.jpg"]["ai_source_types"] == IPTC + "trainedAlgorithmicMedia"
    assert rows["xmp_ai.jpg"]["ai_hints"] == "xmp.digital_source_type"
    assert rows["notes.txt"]["ai"] == ""
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "AI provenance of images and videos" in page
    assert "<tr><td>claimed</td><td>4</td></tr>" in page


def test_trust_list_and_no_provenance(seized: Path, tmp_path: Path) -> None:
    _, trusted = _scan(seized, tmp_path / "a", "--trust", str(PROVENANCE / "test-root.pem"))
    assert trusted["ai_created.jpg"]["provenance"]["c2pa"]["state"] == "trusted"
    assert trusted["ai_created.jpg"]["provenance"]["c2pa"]["errors"] == []
    summary, plain = _scan(seized, tmp_path / "b", "--no-provenance")
    assert all("provenance" not in item for item in plain.values())
    assert summary["ai"] == {"yes": 0, "claimed": 0, "no": 0, "unknown": 0}
    bad = tmp_path / "bad.pem"
    bad.write_text("no certificate here")
    refused = runner.invoke(
        app, ["scan", str(seized), "--out", str(tmp_path / "c"), "--trust", str(bad)]
    )
    assert refused.exit_code == 2
    assert "no PEM certificate" in refused.output


def test_a_failing_reader_costs_only_the_provenance(
    seized: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perisai.forensics import analysis

    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("native reader crashed")

    monkeypatch.setattr(analysis, "read_provenance", broken)
    _, items = _scan(seized, tmp_path / "out")
    item = items["ai_created.jpg"]
    assert "provenance" not in item and item["sha256"] and item["pdq"]
    assert item["status"] == "partial"
    assert "provenance reader failed: RuntimeError: native reader crashed" in item["errors"]

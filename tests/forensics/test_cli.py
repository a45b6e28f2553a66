from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from perisai.forensics.cli import app

runner = CliRunner()


def test_scan_then_verify_in_json(evidence_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(evidence_dir), "--out", str(out), "--json",
                                 "--examiner", "Sgt. Lim", "--workers", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["items"] == 9
    assert summary["ok"] is True
    verified = runner.invoke(
        app, ["verify-manifest", str(out / "manifest.json"), "--check-files", "--json"]
    )
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.output)["examiner"] == "Sgt. Lim"


def test_verify_reports_tampering_with_exit_1(evidence_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["scan", str(evidence_dir), "--out", str(out)]).exit_code == 0
    manifest = out / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("Insp", "X").replace("unknown", "someone"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["verify-manifest", str(manifest), "--json"])
    assert result.exit_code == 1
    answer = json.loads(result.output)
    assert answer["ok"] is False
    assert "altered" in answer["reason"]


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["scan", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2
    assert "source not found" in missing.output
    workers = runner.invoke(
        app, ["scan", str(tmp_path), "--workers", "0", "--out", str(tmp_path / "o2")]
    )
    assert workers.exit_code == 2
    ratio = runner.invoke(app, ["scan", str(tmp_path), "--max-ratio", "0.5"])
    assert ratio.exit_code == 2


def test_verify_garbage_manifest_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(b"\x00garbage")
    result = runner.invoke(app, ["verify-manifest", str(path)])
    assert result.exit_code == 1
    assert "cannot read manifest" in result.output


def test_malformed_list_lines_are_warnings_and_the_scan_goes_on(
    evidence_dir: Path, tmp_path: Path
) -> None:
    from tests.forensics.conftest import md5_of

    photo = evidence_dir / "DCIM" / "img0.jpg"
    hashes = tmp_path / "case.md5"
    hashes.write_text(f"# a case list\n{md5_of(photo)}  img0.jpg\nnot a row\n", encoding="utf-8")
    known = tmp_path / "known.txt"
    known.write_text(f"{'0' * 40}  x\n{'1' * 33}  odd\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(evidence_dir), "--out", str(out), "--json",
                                 "--hashes", str(hashes), "--known-good", str(known)])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["list_warnings"] == 2 and summary["matched"] >= 1
    assert "case.md5:3:" in result.stderr and "known.txt:2:" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["manifest"]["source"]["list_warnings"]) == 2


def test_an_exif_rotated_photo_matches_a_reference_bank_by_its_raw_pdq(tmp_path: Path) -> None:
    import shutil

    exif = Path(__file__).resolve().parents[1] / "data" / "exif"
    row = (exif / "reference-hashes.tsv").read_text(encoding="utf-8").splitlines()[4]
    name, _orientation, _source, reference = row.split("\t")[:4]
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    shutil.copy(exif / name, evidence / name)
    bank = tmp_path / "bank.csv"
    bank.write_text(
        f"signal_type,signal,label,category,source,note\npdq,{reference},ref,1,te,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(evidence), "--out", str(out), "--json",
                                 "--hashes", str(bank)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (item,) = [json.loads(line) for line in (out / "items.jsonl").read_text().splitlines()]
    assert item["pdq"]["raw_hex"] and item["pdq"]["exif_orientation"] > 1
    (match,) = item["matches"]
    assert match["variant"] == "raw" and match["distance"] <= 10

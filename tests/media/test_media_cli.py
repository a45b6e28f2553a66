"""The `perisai media` CLI contract: JSON lines, per-file errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from perisai.media.cli import app

runner = CliRunner()


def _rows(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_hash_json_lines_and_errors(tmp_path: Path, pdq_data: Path, video_data: Path) -> None:
    image = pdq_data / "bridge-mods/aaa-orig.jpg"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(image.read_bytes()[:3000])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    video = video_data / "doorknob-hd-no-bar.mp4"
    result = runner.invoke(app, ["hash", "--json", str(broken), str(empty), str(image), str(video)])
    assert result.exit_code == 2
    rows = _rows(result.stdout)
    assert [Path(r["path"]).name for r in rows] == [
        "broken.jpg",
        "empty.png",
        "aaa-orig.jpg",
        "doorknob-hd-no-bar.mp4",
    ]
    assert "truncated" in rows[0]["error"] or "decoded" in rows[0]["error"]
    assert rows[1]["error"] == "empty file (0 bytes)"
    keys = {"path", "kind", "md5", "sha1", "sha256", "pdq", "pdq_quality"}
    assert keys <= set(rows[2])
    assert "error" not in rows[2]
    assert rows[2]["kind"] == "image"
    assert len(rows[2]["pdq"]) == 64
    assert rows[3]["kind"] == "video"
    assert rows[3]["pdq"] is None
    assert {"t", "pdq", "quality"} <= set(rows[3]["vpdq"][0])


def test_hash_rotations_fps_and_table(pdq_data: Path, video_data: Path) -> None:
    image = pdq_data / "bridge-mods/aaa-orig.jpg"
    result = runner.invoke(app, ["hash", "--json", "--rotations", str(image)])
    assert result.exit_code == 0
    (row,) = _rows(result.stdout)
    assert len(row["rotations"]) == 8
    video = video_data / "doorknob-hd-no-bar.mp4"
    twice = _rows(runner.invoke(app, ["hash", "--json", "--fps", "2", str(video)]).stdout)
    assert len(twice[0]["vpdq"]) >= 7
    table = runner.invoke(app, ["hash", str(image)])
    assert table.exit_code == 0
    assert "image" in table.stdout
    bad = runner.invoke(app, ["hash", "--fps", "0", str(image)])
    assert bad.exit_code == 2


def test_bank_build_match_and_convert(tmp_path: Path, pdq_data: Path, video_data: Path) -> None:
    bank = tmp_path / "bank.csv"
    chair = video_data / "chair-orig-22-sd-bar.mp4"
    original = pdq_data / "bridge-mods/aaa-orig.jpg"
    built = runner.invoke(
        app,
        [
            *("bank", "build", "--out", str(bank), "--label", "L", "--category", "C", "--json"),
            *(str(original), str(chair)),
        ],
    )
    assert built.exit_code == 0, built.output
    assert _rows(built.stdout)[0]["entries"] == 8  # md5, sha1, sha256 + pdq or vpdq, per file
    lines = bank.read_text().splitlines()
    assert lines[0] == "signal_type,signal,label,category,source,note"
    assert sum(line.startswith("vpdq,") for line in lines) == 1

    probes = [
        pdq_data / "bridge-mods/blur-a-lot.jpg",
        pdq_data / "reg-test-input/labelme-subset/q0003.jpg",
        video_data / "chair-22-with-small-logo-bar.mp4",
        video_data / "pattern-hd-no-bar.mp4",
    ]
    result = runner.invoke(app, ["match", "--bank-file", str(bank), "--json", *map(str, probes)])
    assert result.exit_code == 0, result.output
    rows = {Path(r["path"]).name: r for r in _rows(result.stdout)}
    (hit,) = rows["blur-a-lot.jpg"]["matches"]
    assert (hit["signal_type"], hit["label"], hit["category"]) == ("pdq", "L", "C")
    assert rows["q0003.jpg"]["matches"] == []
    (video_hit,) = rows["chair-22-with-small-logo-bar.mp4"]["matches"]
    assert video_hit["signal_type"] == "vpdq"
    assert video_hit["query_match_pct"] >= 80
    assert "bank_match_pct" in video_hit
    assert rows["pattern-hd-no-bar.mp4"]["matches"] == []

    missing = runner.invoke(
        app, ["match", "--bank-file", str(bank), "--json", str(tmp_path / "nope.jpg")]
    )
    assert missing.exit_code == 2
    assert _rows(missing.stdout)[0]["error"].startswith("no such file")

    md5s = tmp_path / "bank.md5"
    converted = runner.invoke(app, ["bank", "convert", "--to", "md5sum", str(bank), str(md5s)])
    assert converted.exit_code == 0, converted.output
    assert len(md5s.read_text().splitlines()) == 2
    exact = runner.invoke(
        app,
        ["match", "--bank-file", str(md5s), "--format", "md5sum", "--json", str(original)],
    )
    assert [m["signal_type"] for m in _rows(exact.stdout)[0]["matches"]] == ["md5"]


def test_bad_bank_files(tmp_path: Path, pdq_data: Path) -> None:
    image = str(pdq_data / "bridge-mods/aaa-orig.jpg")
    missing = runner.invoke(app, ["match", "--bank-file", str(tmp_path / "none.csv"), image])
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    bank = tmp_path / "bank.csv"
    bank.write_text("signal_type,signal,label,category,source,note\nmd5,zz,x,,,\n")
    partial = runner.invoke(app, ["match", "--bank-file", str(bank), "--json", image])
    assert partial.exit_code == 0
    assert f"{bank}:2:" in partial.stderr
    converted = runner.invoke(app, ["bank", "convert", str(bank), str(tmp_path / "o.csv")])
    assert converted.exit_code == 2


def test_tmk_bank_matches_the_hard_edit(tmp_path: Path, video_data: Path) -> None:
    bank = tmp_path / "chairs.csv"
    built = runner.invoke(
        app,
        [
            "bank",
            "build",
            "--tmk",
            "--out",
            str(bank),
            str(video_data / "chair-orig-22-sd-bar.mp4"),
        ],
    )
    assert built.exit_code == 0, built.output
    assert sum(line.startswith("tmk,tmk1:") for line in bank.read_text().splitlines()) == 1
    probes = [video_data / "chair-19-sd-bar.mp4", video_data / "doorknob-hd-no-bar.mp4"]
    result = runner.invoke(app, ["match", "--bank-file", str(bank), "--json", *map(str, probes)])
    assert result.exit_code == 0, result.output
    rows = {Path(r["path"]).name: r for r in _rows(result.stdout)}
    (hit,) = rows["chair-19-sd-bar.mp4"]["matches"]
    assert hit["signal_type"] == "tmk"
    assert hit["level1"] >= 0.7
    assert hit["level2"] >= 0.7
    assert rows["doorknob-hd-no-bar.mp4"]["matches"] == []
    hashed = _rows(runner.invoke(app, ["hash", "--json", "--tmk", str(probes[1])]).stdout)
    assert hashed[0]["tmk"].startswith("tmk1:")


def test_bank_build_holds_both_pdqs_of_an_exif_rotated_photo(tmp_path: Path) -> None:
    """The bank convention (docs/banks.md): as seen, and as stored for tools ignoring EXIF."""
    from perisai.media.banks import read_bank

    photo = Path(__file__).resolve().parents[1] / "data" / "exif" / "q1050-orientation-8.jpg"
    bank = tmp_path / "bank.csv"
    built = runner.invoke(app, ["bank", "build", "--out", str(bank), "--label", "L", str(photo)])
    assert built.exit_code == 0, built.output
    pdqs = [e for e in read_bank(bank) if e.signal_type == "pdq"]
    assert len(pdqs) == 2 and pdqs[0].note == photo.name
    assert "EXIF orientation 8 ignored" in pdqs[1].note
    hashed = _rows(runner.invoke(app, ["hash", "--json", str(photo)]).stdout)[0]
    assert [e.signal for e in pdqs] == [hashed["pdq"], hashed["pdq_raw"]]
    matched = _rows(
        runner.invoke(app, ["match", "--bank-file", str(bank), "--json", str(photo)]).stdout
    )
    variants = {m.get("variant") for m in matched[0]["matches"] if m["signal_type"] == "pdq"}
    assert variants == {None, "raw"}

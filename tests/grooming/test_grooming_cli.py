"""`perisai grooming score | train | eval`, in-process against the domain's Typer app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from perisai.grooming.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "grooming"
runner = CliRunner()
GOOD = {
    "id": "c1",
    "messages": [{"author": "a", "text": "hi, how was school?"}, {"author": "b", "text": "ok"}],
}
BAD_GROOMING = {
    "id": "c2",
    "messages": [
        {"author": "x", "text": "u umur brp dik"},
        {"author": "y", "text": "13"},
        {"author": "x", "text": "u cantik sgt, jgn bgtau sape2 tau"},
        {"author": "x", "text": "u sorang je ke kt rumah? add abg kt wasap"},
        {"author": "x", "text": "hntr pic u skit, jom jumpa sabtu"},
    ],
}


def rows(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_score_jsonl_emits_contract_shape(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(BAD_GROOMING) + "\n")
    result = runner.invoke(app, ["score", "--json", str(path)])
    assert result.exit_code == 0, result.output
    out = rows(result.stdout)
    assert [o["id"] for o in out] == ["c1", "c2"]
    assert set(out[0]) == {
        "id",
        "risk",
        "flag",
        "stage",
        "suspect",
        "first_flag_message",
        "signals",
        "learned",
    }
    assert out[0]["flag"] is False
    assert out[1]["flag"] is True
    assert out[1]["suspect"] == "x"


def test_score_reads_stdin_and_a_single_pretty_document() -> None:
    result = runner.invoke(app, ["score", "--json", "-"], input=json.dumps(GOOD, indent=2))
    assert result.exit_code == 0
    assert rows(result.stdout)[0]["id"] == "c1"


def test_bad_lines_exit_2_but_good_lines_are_scored(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        json.dumps(GOOD).encode()
        + b"\n{oops\n\xff\xfe\n"
        + json.dumps({"id": "e", "messages": []}).encode()
        + b"\n"
        + json.dumps({"id": "h", "messages": [{"author": "a", "text": "x" * 200_000}]}).encode()
    )
    result = runner.invoke(app, ["score", "--json", str(path)])
    assert result.exit_code == 2
    assert [o["id"] for o in rows(result.stdout)] == ["c1", "e", "h"]
    assert "line 2: broken JSON" in result.stderr
    assert "line 3: invalid UTF-8" in result.stderr


def test_threshold_option_and_human_output(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(BAD_GROOMING))
    result = runner.invoke(app, ["score", "--threshold", "1.0", str(path)])
    assert result.exit_code == 0
    assert "c2" in result.stdout
    assert "\tok\t" in result.stdout
    # the learned layer's counted hits are shown with their message, like the signals
    assert "#2 learned (p=" in result.stdout and "cantik sgt" in result.stdout
    bad = runner.invoke(app, ["score", "--threshold", "7", str(path)])
    assert bad.exit_code == 2
    assert "threshold" in bad.stderr


def test_missing_file_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["score", "/nonexistent/x.jsonl"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


def test_train_then_eval_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = runner.invoke(
        app,
        [
            "train",
            "--jsonl",
            str(DATA / "devset.jsonl"),
            "--pan-xml",
            str(DATA / "pan_fixture.xml"),
            "--pan-predators",
            str(DATA / "pan_fixture_predators.txt"),
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = rows(result.stdout)[0]
    assert summary["held_out_skipped"] == sum(
        1 for line in (DATA / "devset.jsonl").read_text().splitlines() if '"split": "test"' in line
    )
    report = runner.invoke(
        app, ["eval", "--jsonl", str(DATA / "devset.jsonl"), "--model", str(out), "--json"]
    )
    assert report.exit_code == 0, report.output
    figures = rows(report.stdout)[0]
    assert {"precision", "recall", "f0_5", "roc_auc", "per_language", "early_detection"} <= set(
        figures
    )
    assert set(figures["per_language"]) == {"en", "ms", "manglish"}


def test_train_needs_data_and_paired_pan_options(tmp_path: Path) -> None:
    assert runner.invoke(app, ["train"]).exit_code == 2
    result = runner.invoke(app, ["train", "--pan-xml", str(DATA / "pan_fixture.xml")])
    assert result.exit_code == 2
    assert "go together" in result.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "messages": [], "label": "maybe"}\n')
    result = runner.invoke(app, ["train", "--jsonl", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "line 1" in result.stderr


def test_train_refuses_the_held_out_test_file_as_dev(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "train",
            "--dev-jsonl",
            str(DATA / "heldout" / "test.jsonl"),
            "--out",
            str(tmp_path / "m.json"),
        ],
    )
    assert result.exit_code == 2
    assert "test set" in result.stderr
    assert not (tmp_path / "m.json").exists()


def test_eval_robustness_reports_padding_and_hint_tests(tmp_path: Path) -> None:
    path = tmp_path / "small.jsonl"
    lines = (DATA / "heldout" / "dev.jsonl").read_text("utf-8").splitlines()
    path.write_text("\n".join(lines[:30]) + "\n")
    result = runner.invoke(
        app, ["eval", "--jsonl", str(path), "--split", "all", "--robustness", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = rows(result.stdout)[0]
    padding = report["padding_test"]
    assert set(padding["false_alarms"]) == {"0", "4", "8", "16"}
    assert padding["benign"] == sum('"label": "benign"' in line for line in lines[:30])
    hints = report["hint_test"]
    assert hints["flags_lost"] == 0
    assert 0.0 <= hints["recall_without_hints"] <= hints["recall_with_hints"] <= 1.0
    assert set(report["per_origin"]) <= {"hand", "generated"}
    human = runner.invoke(app, ["eval", "--jsonl", str(path), "--split", "all", "--robustness"])
    assert "padding test" in human.stdout and "hint test" in human.stdout


def test_train_with_a_calibration_set_apart_and_a_fixed_threshold(tmp_path: Path) -> None:
    records = (DATA / "calibration" / "cal.jsonl").read_text("utf-8").splitlines()
    grooming = [r for r in records if '"label": "grooming"' in r][:15]
    benign = [r for r in records if '"label": "benign"' in r][:25]
    calibration = tmp_path / "cal.jsonl"
    calibration.write_text("\n".join(grooming + benign) + "\n")
    out = tmp_path / "m.json"
    common = ["train", "--jsonl", str(DATA / "devset.jsonl"), "--out", str(out), "--json"]
    result = runner.invoke(
        app,
        [*common, "--calibration-jsonl", str(calibration), "--learned-layer", "--threshold", "0.6"],
    )
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)[0]["threshold"] == 0.6
    model = json.loads(out.read_text())
    assert model["threshold"] == 0.6
    assert model["learned"] is not None
    assert "calibration:cal.jsonl" in model["metadata"]["source"]
    assert model["metadata"]["threshold"].startswith("0.6 given to train --threshold")
    assert "40 calibration chats kept apart" in model["metadata"]["learned_layer"]

    bad = runner.invoke(app, [*common, "--threshold", "1.5"])
    assert bad.exit_code == 2 and "--threshold" in bad.stderr
    sealed = runner.invoke(
        app, [*common, "--calibration-jsonl", str(DATA / "heldout" / "test.jsonl")]
    )
    assert sealed.exit_code == 2 and "test set" in sealed.stderr

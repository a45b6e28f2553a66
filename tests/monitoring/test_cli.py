"""`perisai monitoring detect`: the contract analysts script against, and garbage input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from perisai.monitoring.countsfile import MAX_SERIES_NAME, CountsFileError, parse_counts

KEYS = {"series", "date", "observed", "expected", "p_value", "q_value", "method"}


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perisai.cli", "monitoring", "detect", *args],
        capture_output=True,
        input=None if stdin is None else stdin.decode(),
        text=True,
        check=False,
        timeout=120,
    )


def _csv(tmp_path: Path, spike: int) -> Path:
    start = date(2026, 1, 5)
    lines = ["date,series,count"]
    for i in range(70):
        lines.append(f"{start + timedelta(days=i)},hotline,{6 + i % 3}")
        if i % 7 == 0:  # platform rows only on Mondays: the other days are zero
            lines.append(f"{start + timedelta(days=i)},platform-a,4")
    lines.append(f"{start + timedelta(days=70)},hotline,{spike}")
    path = tmp_path / "counts.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_spike_prints_one_json_alert_with_the_contract_keys(tmp_path: Path) -> None:
    done = _run("--counts", str(_csv(tmp_path, 40)), "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= KEYS
    assert (row["series"], row["date"], row["observed"], row["method"]) == (
        "hotline",
        "2026-03-16",
        40,
        "negbin",
    )
    assert 5.0 < row["expected"] < 9.0
    assert 0 < row["p_value"] <= row["q_value"] <= 0.05


def test_no_spike_no_output_and_options_change_the_answer(tmp_path: Path) -> None:
    path = _csv(tmp_path, 7)
    done = _run("--counts", str(path), "--json")
    assert (done.returncode, done.stdout) == (0, "")
    spiky = _csv(tmp_path, 40)
    assert _run("--counts", str(spiky), "--json", "--min-count", "41").stdout == ""
    human = _run("--counts", str(spiky))
    assert human.returncode == 0 and "hotline" in human.stdout and "negbin" in human.stdout


def test_stdin_is_read_with_dash(tmp_path: Path) -> None:
    data = _csv(tmp_path, 40).read_bytes()
    done = _run("--counts", "-", "--json", stdin=data)
    assert done.returncode == 0 and json.loads(done.stdout)["observed"] == 40


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("date,series,count\nnot-a-date,x,1\n", 2),
        ("date,series,count\n2026-01-01,x,1\n2026-01-02,x,-3\n", 3),
        ("date,series,count\n2026-01-01,x,1\n2026-01-01,x,2\n", 3),
        ("date,series,count\n2026-01-01,x\n", 2),
        ("date,series,count\n2026-01-01,x,1,9\n", 2),
        ("date,series,count\n2026-1-1,x,1\n", 2),
        ("date,series,count\n2026-01-01,,1\n", 2),
        ("date,series,count\n2026-01-01,x,1.5\n", 2),
        ("date,series,count\n2026-01-01,x,99999999999\n", 2),
        ("date,series,count\n2026-01-01,x,١\n", 2),
        ("date,series,count\n2026-01-01,a\x07b,1\n", 2),
        ("date,series,count\n2026-01-01," + "x" * (MAX_SERIES_NAME + 1) + ",1\n", 2),
        ('date,series,count\n2026-01-01,"x,1\n', 2),
        ("when,what,n\n2026-01-01,x,1\n", 1),
        ("", 1),
        ("date,series,count\n2000-01-01,x,1\n2026-01-01,x,1\n", 3),
    ],
)
def test_malformed_files_name_the_line(text: str, line: int) -> None:
    with pytest.raises(CountsFileError, match=rf"^line {line}:"):
        parse_counts(text.encode())


def test_binary_garbage_is_refused_with_its_line() -> None:
    with pytest.raises(CountsFileError, match=r"^line 2: not UTF-8"):
        parse_counts(b"date,series,count\n\xff\xfe\x00garbage\n")
    with pytest.raises(CountsFileError, match=r"^line 1: NUL"):
        parse_counts(b"date,\x00series,count\n")


def test_a_malformed_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,series,count\n2026-01-01,x,1\n2026-01-02,x,lots\n")
    done = _run("--counts", str(bad), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "line 3" in done.stderr


@pytest.mark.parametrize(
    "args", [("--fdr", "0"), ("--fdr", "1.5"), ("--min-count", "0"), ("--fdr", "x")]
)
def test_bad_options_exit_2(tmp_path: Path, args: tuple[str, str]) -> None:
    done = _run("--counts", str(_csv(tmp_path, 40)), *args)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    done = _run("--counts", str(tmp_path / "nope.csv"))
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_blank_lines_and_crlf_and_bom_are_fine() -> None:
    got = parse_counts("\ufeffdate,series,count\r\n2026-01-01, x ,3\r\n\r\n".encode())
    assert got == {"x": {date(2026, 1, 1): 3}}

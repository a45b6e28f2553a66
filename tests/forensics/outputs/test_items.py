from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanOptions, run_scan

OptionsFactory = Callable[..., ScanOptions]


def test_items_jsonl_and_csv_agree_and_defuse_formulas(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    source = tmp_path / "seized"
    source.mkdir()
    (source / "=HYPERLINK(evil).txt").write_text("x", encoding="utf-8")
    (source / "b.txt").write_text("y", encoding="utf-8")
    options = make_options(source)
    write_outputs(run_scan(options), options)
    lines = (options.out_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    with (options.out_dir / "items.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [i["sha256"] for i in items] == [r["sha256"] for r in rows]
    assert rows[0]["path"] == "'=HYPERLINK(evil).txt"
    assert items[0]["path"] == "=HYPERLINK(evil).txt"
    assert not any(key.startswith("_") for item in items for key in item)

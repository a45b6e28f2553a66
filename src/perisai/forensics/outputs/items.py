"""items.jsonl (one record a line) and items.csv (the flat view spreadsheets open)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from perisai.forensics.records import CSV_FIELDS, csv_row, public_view

# A cell starting with these is run as a formula by spreadsheet programs: names are hostile.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_items_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(public_view(record), ensure_ascii=False, sort_keys=True) + "\n")


def write_items_csv(path: Path, records: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for record in records:
            writer.writerow({k: _cell(v) for k, v in csv_row(record).items()})

"""Read a daily-counts CSV (`date,series,count`) with limits and line-numbered errors.

One row per series and day, ISO dates, non-negative integer counts; a missing row means zero.
Anything else is refused with the line it is on, never guessed at.
"""

from __future__ import annotations

import csv
import io
from datetime import date

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_SERIES = 10_000
MAX_SERIES_NAME = 200
MAX_COUNT = 10_000_000
MAX_SPAN_DAYS = 3_660  # ten years
MAX_CELLS = 3_000_000  # series x days that a run replays
HEADER = ("date", "series", "count")


class CountsFileError(ValueError):
    """The file cannot be read as daily counts; the message names the line."""


def parse_counts(data: bytes) -> dict[str, dict[date, int]]:
    """``{series: {day: count}}`` from the CSV bytes; raises :class:`CountsFileError`."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: dict[str, dict[date, int]] = {}
    rows = 0
    header_seen = False
    lo: date | None = None
    hi: date | None = None
    try:
        for record in reader:
            line = reader.line_num
            if not header_seen:
                header_seen = True
                if tuple(c.strip().lower() for c in record) != HEADER:
                    raise CountsFileError(f"line {line}: header must be 'date,series,count'")
                continue
            if not record or all(not c.strip() for c in record):
                continue  # blank line
            rows += 1
            if rows > MAX_ROWS:
                raise CountsFileError(f"line {line}: more than {MAX_ROWS} rows")
            day, series, count = _row(record, line)
            per = out.get(series)
            if per is None:
                if len(out) >= MAX_SERIES:
                    raise CountsFileError(f"line {line}: more than {MAX_SERIES} series")
                per = out[series] = {}
            if day in per:
                raise CountsFileError(f"line {line}: second row for {series!r} on {day}")
            per[day] = count
            lo = day if lo is None or day < lo else lo
            hi = day if hi is None or day > hi else hi
            if (hi - lo).days + 1 > MAX_SPAN_DAYS:
                raise CountsFileError(f"line {line}: dates span more than {MAX_SPAN_DAYS} days")
    except csv.Error as exc:
        raise CountsFileError(f"line {reader.line_num}: {exc}") from None
    if not header_seen:
        raise CountsFileError("line 1: empty file (header 'date,series,count' expected)")
    if lo is not None and hi is not None and len(out) * ((hi - lo).days + 1) > MAX_CELLS:
        raise CountsFileError(
            f"line {reader.line_num}: {len(out)} series over {(hi - lo).days + 1} days is more "
            f"than {MAX_CELLS} series-days"
        )
    return out


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CountsFileError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CountsFileError(f"line {line}: not UTF-8 text") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CountsFileError(f"line {line}: NUL byte")
    return text


def _row(record: list[str], line: int) -> tuple[date, str, int]:
    if len(record) != 3:
        raise CountsFileError(
            f"line {line}: expected 3 fields (date,series,count), got {len(record)}"
        )
    raw_day, raw_series, raw_count = (c.strip() for c in record)
    if len(raw_day) != 10:
        raise CountsFileError(f"line {line}: date must be YYYY-MM-DD")
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        raise CountsFileError(f"line {line}: date must be YYYY-MM-DD") from None
    if not raw_series:
        raise CountsFileError(f"line {line}: empty series name")
    if len(raw_series) > MAX_SERIES_NAME:
        raise CountsFileError(f"line {line}: series name longer than {MAX_SERIES_NAME} characters")
    if not raw_series.isprintable():
        raise CountsFileError(f"line {line}: series name has control characters")
    if not raw_count.isascii() or not raw_count.isdigit():
        raise CountsFileError(f"line {line}: count must be a whole number >= 0")
    if len(raw_count) > 9 or int(raw_count) > MAX_COUNT:
        raise CountsFileError(f"line {line}: count above {MAX_COUNT}")
    return day, raw_series, int(raw_count)

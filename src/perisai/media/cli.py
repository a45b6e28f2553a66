"""`perisai media` commands: hash files, build and convert bank files, match files against a
bank file. No database: these work in the field and in a platform's own pipeline.

Heavy imports (NumPy, Pillow, PyAV) happen inside the commands, so `perisai --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from perisai import clikit

if TYPE_CHECKING:
    from perisai.media.banks import BankEntry
    from perisai.media.errors import BankFormatError
    from perisai.media.hashing import FileReport

app = typer.Typer(
    help="Hash media and match it against hash-bank files (no database).",
    no_args_is_help=True,
)
bank_app = typer.Typer(help="Build and convert hash-bank files.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

Files = Annotated[list[Path], typer.Argument(help="Files to process.", show_default=False)]
JsonFlag = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
FpsOption = Annotated[
    float, typer.Option("--fps", min=0.01, max=60.0, help="Video frames hashed per second.")
]
TmkFlag = Annotated[
    bool, typer.Option("--tmk", help="Also the TMK-like whole-video signature (slower).")
]
FORMAT_HELP = "csv, vics, hashdeep, md5sum, sha1sum, sha256sum, nsrl (read only) or ncmec"


def _warn(message: str) -> None:
    sys.stderr.write(f"perisai: warning: {' '.join(message.split())}\n")


def _each(files: list[Path], what: str) -> Iterator[Path]:
    """The files, with a progress bar on stderr when it is a terminal and there are several."""
    if len(files) < 2 or not sys.stderr.isatty():
        yield from files
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(files, description=what, console=Console(stderr=True), transient=True)


def _short(value: str | None, keep: int = 16) -> str:
    if not value:
        return "-"
    return value if len(value) <= keep else value[:keep] + "…"


def _print_reports(reports: list[FileReport]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("file", "kind", "md5", "pdq", "quality", "frames / problem"):
        table.add_column(column, overflow="fold")
    for r in reports:
        detail = f"[red]{r.error}[/red]" if r.error else (str(len(r.vpdq)) if r.vpdq else "")
        if r.pdq_raw:
            detail = f"EXIF orientation {r.exif_orientation}; as stored: {_short(r.pdq_raw)}"
        table.add_row(
            r.path,
            r.kind,
            _short(r.md5),
            _short(r.pdq),
            "" if r.pdq_quality is None else str(r.pdq_quality),
            detail,
        )
    Console().print(table)


@app.command("hash")
def hash_command(
    files: Files,
    json_out: JsonFlag = False,
    rotations: Annotated[
        bool, typer.Option("--rotations", help="Also the 8 rotation/flip PDQ variants.")
    ] = False,
    fps: FpsOption = 1.0,
    tmk: TmkFlag = False,
) -> None:
    """Print MD5, SHA-1, SHA-256 and PDQ (images) or vPDQ frames (videos) of each file.

    A file that cannot be read or decoded gets an "error" and the others go on; the exit code
    is 2 at the end if any file failed.
    """
    from perisai.media.hashing import hash_file

    reports = []
    failed = 0
    for path in _each(files, "hashing"):
        report = hash_file(path, rotations=rotations, fps=fps, tmk=tmk)
        failed += report.error is not None
        if json_out:
            clikit.emit(report.to_dict())
        else:
            reports.append(report)
    if not json_out:
        _print_reports(reports)
    if failed:
        raise typer.Exit(clikit.EXIT_BAD_INPUT)


def _entries_of(report: FileReport, label: str, category: str, source: str) -> list[BankEntry]:
    from perisai.media.banks import BankEntry
    from perisai.media.pdq import frames_to_signal

    note = Path(report.path).name
    signals: list[tuple[str, str | None]] = [
        ("md5", report.md5),
        ("sha1", report.sha1),
        ("sha256", report.sha256),
        ("pdq", report.pdq),
        ("vpdq", frames_to_signal(report.vpdq) if report.vpdq else None),
        ("tmk", report.tmk),
    ]
    entries = [
        BankEntry(kind, value, label, category, source, note) for kind, value in signals if value
    ]
    if report.pdq_raw:
        # The bank convention (docs/banks.md): a photo whose EXIF orientation is not 1 is banked
        # with both PDQs, so tools that ignore the orientation (ThreatExchange, HMA) match too.
        stored = f"{note} [PDQ as stored, EXIF orientation {report.exif_orientation} ignored]"
        entries.append(BankEntry("pdq", report.pdq_raw, label, category, source, stored))
    return entries


@bank_app.command("build")
def bank_build(
    files: Files,
    out: Annotated[Path, typer.Option("--out", help="Bank CSV to write.", dir_okay=False)],
    label: Annotated[str, typer.Option("--label", help="Label of every entry.")] = "",
    category: Annotated[str, typer.Option("--category", help="Category of every entry.")] = "",
    source: Annotated[str, typer.Option("--source", help="Source of every entry.")] = "",
    fps: FpsOption = 1.0,
    tmk: TmkFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Write a bank CSV with every signal of each file (a video's frames in one cell).

    A file that cannot be decoded still contributes its MD5/SHA-1/SHA-256; it is named on
    stderr and the exit code is 2.
    """
    from perisai.media.banks import write_bank
    from perisai.media.hashing import hash_file

    entries: list[BankEntry] = []
    failed = 0
    for path in _each(files, "hashing"):
        report = hash_file(path, fps=fps, tmk=tmk)
        if report.error:
            failed += 1
            _warn(f"{path}: {report.error}")
        entries += _entries_of(report, label, category, source)
    summary = write_bank(entries, out, "csv")
    result = {"out": str(out), "files": len(files), "entries": summary.written, "failed": failed}
    if json_out:
        clikit.emit(result)
    else:
        sys.stderr.write(f"wrote {summary.written} entries for {len(files)} files to {out}\n")
    if failed:
        raise typer.Exit(clikit.EXIT_BAD_INPUT)


def _load_bank(path: Path, fmt: str | None) -> list[BankEntry]:
    from perisai.media.banks import read_bank
    from perisai.media.errors import BankFormatError

    errors: list[BankFormatError] = []
    try:
        entries = read_bank(path, fmt, errors=errors)
    except BankFormatError as exc:
        clikit.fail(str(exc))
    _report_bank_errors(errors)
    return entries


def _report_bank_errors(errors: list[BankFormatError], limit: int = 20) -> None:
    for error in errors[:limit]:
        _warn(f"skipped: {error}")
    if len(errors) > limit:
        _warn(f"... and {len(errors) - limit} more malformed rows")


@app.command("match")
def match_command(
    files: Files,
    bank_file: Annotated[
        list[Path], typer.Option("--bank-file", help="Bank file (repeatable).", exists=False)
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help=f"Bank format: {FORMAT_HELP} (default: detect).")
    ] = None,
    json_out: JsonFlag = False,
    threshold: Annotated[
        int, typer.Option("--threshold", min=0, max=256, help="PDQ distance (inclusive).")
    ] = 31,
    rotations: Annotated[
        bool, typer.Option("--rotations", help="Also match rotated and flipped images.")
    ] = False,
    fps: FpsOption = 1.0,
) -> None:
    """Match each file against the bank file(s): exact hashes, PDQ and vPDQ.

    Exit 0 when every file was read and decoded, 2 when any could not be (its exact hashes
    are still matched). Malformed bank rows are skipped with a warning.
    """
    from perisai.media.matcher import Matcher

    matcher = Matcher(pdq_threshold=threshold, rotations=rotations, fps=fps)
    for path in bank_file:
        matcher.add_entries(_load_bank(path, fmt), bank=path.name)
    if matcher.skipped_unimplemented:
        _warn(f"{matcher.skipped_unimplemented} PhotoDNA entries cannot be matched (licensed)")
    results = []
    for path in _each(files, "matching"):
        found = matcher.scan_file(path)
        if json_out:
            clikit.emit(found.to_dict())
        results.append(found)
    if not json_out:
        _print_matches(results)
    if any(r.report.error for r in results):
        raise typer.Exit(clikit.EXIT_BAD_INPUT)


def _print_matches(results: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in ("file", "signal", "distance", "label", "category", "video %", "problem"):
        table.add_column(column, overflow="fold")
    for found in results:
        problem = f"[red]{found.report.error}[/red]" if found.report.error else ""
        if not found.matches:
            table.add_row(found.report.path, "-", "", "no match", "", "", problem)
        for m in found.matches:
            pct = "" if m.query_match_pct is None else f"{m.query_match_pct:g}/{m.bank_match_pct:g}"
            table.add_row(
                found.report.path,
                m.signal_type,
                str(m.distance),
                m.entry.label,
                m.entry.category,
                pct,
                problem,
            )
    Console().print(table)


@bank_app.command("convert")
def bank_convert(
    source: Annotated[Path, typer.Argument(help="Bank file to read.", show_default=False)],
    target: Annotated[Path, typer.Argument(help="Bank file to write.", show_default=False)],
    from_fmt: Annotated[
        str | None, typer.Option("--from", help=f"Input format: {FORMAT_HELP} (default: detect).")
    ] = None,
    to_fmt: Annotated[str, typer.Option("--to", help=f"Output format: {FORMAT_HELP}.")] = "csv",
    json_out: JsonFlag = False,
) -> None:
    """Convert a hash list between formats (signals a format cannot hold are counted)."""
    from perisai.media.banks import read_bank, write_bank
    from perisai.media.errors import BankFormatError

    errors: list[BankFormatError] = []
    try:
        entries = read_bank(source, from_fmt, errors=errors)
        summary = write_bank(entries, target, to_fmt)
    except BankFormatError as exc:
        clikit.fail(str(exc))
    _report_bank_errors(errors)
    result = {
        "in": str(source),
        "out": str(target),
        "read": len(entries),
        "written": summary.written,
        "skipped": summary.skipped,
        "malformed": len(errors),
    }
    if json_out:
        clikit.emit(result)
    else:
        sys.stderr.write(
            f"read {len(entries)} entries, wrote {summary.written}, skipped {summary.skipped}"
            f" the format cannot hold, {len(errors)} malformed rows\n"
        )
    if errors:
        raise typer.Exit(clikit.EXIT_BAD_INPUT)

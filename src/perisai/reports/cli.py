"""`perisai reports` commands: CyberTipline XML in (import) and out (export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from perisai import clikit

app = typer.Typer(
    help="Mandatory reports: CyberTipline XML import and export.", no_args_is_help=True
)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
MAX_FILE_BYTES = 1_048_576


@app.callback()
def reports() -> None:
    """Mandatory-report intake: imports, exports and checks."""


def fail_lines(lines: list[str]) -> NoReturn:
    """Exit 2 with one line on stderr per problem (never a traceback)."""
    for line in lines:
        typer.echo(f"perisai: error: {' '.join(line.split())}", err=True)
    raise typer.Exit(clikit.EXIT_BAD_INPUT)


def _unexpected(action: str, exc: Exception) -> NoReturn:
    """A failure that is not the input's (the database is down, a disk is full): one line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    clikit.fail(f"cannot {action}: {type(exc).__name__}: {first}", code=clikit.EXIT_FAILED)


def _read(path: Path, problems: list[str]) -> bytes:
    try:
        if not path.is_file():
            problems.append(f"{path}: no such file")
            return b""
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{path}: larger than {MAX_FILE_BYTES} bytes")
            return b""
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.append(f"{path}: cannot read: {exc.strerror or type(exc).__name__}")
        return b""
    if len(data) > MAX_FILE_BYTES:  # it grew since we looked
        problems.append(f"{path}: larger than {MAX_FILE_BYTES} bytes")
        return b""
    return data


def _print_summary(summary: dict[str, Any]) -> None:
    zoneless = summary["times_without_zone"]
    if zoneless["count"]:
        typer.echo(f"  {zoneless['count']} times without a zone, read as {zoneless['why']}")
    for key, label in (("unmodelled", "kept verbatim"), ("unmodelled_sealed", "kept sealed")):
        group = summary[key]
        if group["count"]:
            typer.echo(f"  {group['count']} elements/attributes not modelled, {label}:")
            for kind, count in group["kinds"].items():
                typer.echo(f"    {kind}" + (f" ×{count}" if count > 1 else ""))


@app.command("import-cybertip")
def import_cybertip_command(
    path: Annotated[Path, typer.Argument(help="A CyberTipline report XML file.")],
    file_details: Annotated[
        list[Path] | None,
        typer.Option("--file-details", help="A fileDetails XML of one of its files; repeatable."),
    ] = None,
    zone: Annotated[
        str | None,
        typer.Option("--zone", help="Zone of times without one (UTC, +08:00, Asia/Kuala_Lumpur)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import a CyberTipline report (e.g. forwarded by NCMEC); importing twice is harmless.

    The XML is validated against NCMEC's schema; every problem is one line and exit 2.
    """
    from perisai.reports.cybertip import parse_zone
    from perisai.reports.imports import CybertipImportError, parse_cybertip_files

    problems: list[str] = []
    raw = _read(path, problems)
    details = [_read(item, problems) for item in file_details or []]
    stated = None
    if zone is not None:
        try:
            stated = parse_zone(zone)
        except ValueError as exc:
            problems.append(f"--zone: {exc}")
    if problems:
        fail_lines(problems)
    try:
        parse_cybertip_files(raw, details, zone=stated)  # refuse bad input before the database
    except CybertipImportError as exc:
        fail_lines([f"{path}: {problem}" for problem in exc.problems])
    except Exception as exc:  # input the parser did not foresee: still one line, exit 2
        fail_lines([f"{path}: cannot read the XML ({type(exc).__name__})"])
    _store(path, raw, details, stated, as_json)


def _store(path: Path, raw: bytes, details: list[bytes], zone: Any, as_json: bool) -> None:
    from perisai.audit.service import Actor
    from perisai.cliruntime import cli_runtime
    from perisai.reports.imports import CybertipImportError, import_cybertip

    try:
        with cli_runtime() as runtime, runtime.db.transaction() as session:
            result = import_cybertip(
                session,
                keyring=runtime.keyring,
                actor=Actor(kind="system", id="cli:reports.import-cybertip"),
                raw=raw,
                file_details=details,
                zone=zone,
            )
    except CybertipImportError as exc:
        fail_lines([f"{path}: {problem}" for problem in exc.problems])
    except typer.Exit:
        raise  # a setting was malformed: its one line is printed already
    except Exception as exc:  # never a traceback: one line, exit 1
        _unexpected("store the report", exc)
    receipt = result.submitted.receipt.model_dump(mode="json")
    created = result.submitted.created
    if as_json:
        clikit.emit({**receipt, "created": created, "summary": result.summary})
        return
    verb = "imported" if created else "already imported"
    typer.echo(f"{verb} {receipt['report_id']} (sha256 {receipt['sha256']})")
    _print_summary(result.summary)


@app.command("export-cybertip")
def export_cybertip_command(
    report_id: Annotated[str, typer.Argument(help="The report, e.g. R-2026-7K3M9Q2X4D.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the XML here (default: stdout).")
    ] = None,
    reporter_email: Annotated[
        str | None,
        typer.Option("--reporter-email", help="Reporting person when the report names none."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a report as CyberTipline XML valid against NCMEC's schema (audited)."""
    from perisai.audit.service import Actor
    from perisai.cliruntime import cli_runtime
    from perisai.reports.imports import ExportError, export_cybertip
    from perisai.reports.parties import Person, Reporter

    reporter = Reporter(person=Person(emails=[reporter_email])) if reporter_email else None
    try:
        with cli_runtime() as runtime, runtime.db.transaction() as session:
            xml = export_cybertip(
                session,
                keyring=runtime.keyring,
                actor=Actor(kind="system", id="cli:reports.export-cybertip"),
                public_id=report_id,
                reporter=reporter,
            )
    except ExportError as exc:
        clikit.fail(str(exc))
    except typer.Exit:
        raise
    except Exception as exc:  # never a traceback: one line, exit 1
        _unexpected("export the report", exc)
    if out is None:
        typer.echo(xml.decode("utf-8"), nl=False)
        return
    try:
        out.write_bytes(xml)
    except OSError as exc:
        clikit.fail(f"{out}: {exc.strerror or exc}")
    if as_json:
        clikit.emit({"report_id": report_id, "out": str(out), "bytes": len(xml)})
    else:
        typer.echo(f"wrote {report_id} to {out} ({len(xml)} bytes)")

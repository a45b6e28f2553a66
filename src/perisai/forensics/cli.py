"""`perisai forensics` commands: a thin layer over `perisai.forensics` (heavy imports inside)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from perisai import clikit

PROBLEM_STATUSES = ("error", "refused", "partial")

app = typer.Typer(help="Forensic triage of seized media.", no_args_is_help=True)


@app.command("scan")
def scan_command(
    source: Annotated[Path, typer.Argument(help="Directory, archive or disk image (raw/dd, E01).")],
    hashes: Annotated[
        list[Path] | None, typer.Option("--hashes", help="Bank file; repeatable.")
    ] = None,
    known_good: Annotated[
        list[Path] | None,
        typer.Option(
            "--known-good", help="Hash list (md5sum/sha*sum, md5deep, hashdeep, NSRL), VICS or CSV."
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Work and output folder.")] = Path("scan-out"),
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted scan.")] = False,
    examiner: Annotated[str, typer.Option("--examiner", help="Name in the manifest.")] = "unknown",
    workers: Annotated[int, typer.Option("--workers", help="Analysis processes.")] = 1,
    signing_key: Annotated[
        Path | None, typer.Option("--signing-key", help="Ed25519 PEM key (created if missing).")
    ] = None,
    max_depth: Annotated[int, typer.Option("--max-depth", help="Nested archive depth.")] = 5,
    max_ratio: Annotated[
        float, typer.Option("--max-ratio", help="Compression ratio limit.")
    ] = 200.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines output.")] = False,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            help="PEM trust anchors for C2PA signers (C2PA trust list, own roots); repeatable.",
            dir_okay=False,
        ),
    ] = None,
    provenance: Annotated[
        bool,
        typer.Option(
            "--provenance/--no-provenance",
            help="Read the AI provenance (C2PA, XMP, generator metadata) of images and videos.",
        ),
    ] = True,
) -> None:
    """Hash, identify and match every file in SOURCE; write items, VICS, report and manifest."""
    from perisai.forensics.analysis import ProvenanceConfig
    from perisai.forensics.limits import ScanLimits
    from perisai.forensics.outputs.write import write_outputs
    from perisai.forensics.progress import terminal_progress
    from perisai.forensics.scanner import ScanHooks, ScanOptions, run_scan
    from perisai.media.provenance import TrustListError, load_trust_list

    if max_depth < 0 or max_ratio <= 1:
        clikit.fail("--max-depth must be >= 0 and --max-ratio > 1")
    try:
        trust_list = load_trust_list(trust or [])
    except TrustListError as exc:
        clikit.fail(str(exc))
    options = ScanOptions(
        source=source, out_dir=out, banks=tuple(hashes or ()), known_good=tuple(known_good or ()),
        examiner=examiner, workers=workers, resume=resume, signing_key=signing_key,
        limits=ScanLimits(max_depth=max_depth, max_ratio=max_ratio),
        provenance=ProvenanceConfig(enabled=provenance, trust=trust_list),
    )  # fmt: skip
    try:
        with terminal_progress(not as_json) as on_progress:
            outcome = run_scan(options, ScanHooks(on_progress=on_progress))
        manifest = write_outputs(outcome, options)
    except clikit.BadInput as exc:
        clikit.fail(str(exc))
    except KeyboardInterrupt:
        clikit.fail("interrupted: run again with --resume to continue", code=130)
    matched = sum(1 for r in outcome.records if r["matches"])
    for warning in outcome.list_warnings:
        typer.echo(f"perisai: warning: {warning}", err=True)
    ai = _ai_counts(outcome.records)
    summary = {
        "ok": True, "out": str(out), "items": len(outcome.records), "matched": matched,
        "known_good": sum(1 for r in outcome.records if r["known_good"]),
        "problems": sum(1 for r in outcome.records if r["status"] in PROBLEM_STATUSES),
        "manifest": str(manifest), "list_warnings": len(outcome.list_warnings),
        "ai": ai,
    }  # fmt: skip
    if as_json:
        clikit.emit(summary)
    else:
        typer.echo(
            f"{summary['items']} items, {matched} matched, {summary['problems']} with problems; "
            f"AI: {ai['yes']} signed, {ai['claimed']} claimed; outputs in {out}"
        )


def _ai_counts(records: list[dict[str, Any]]) -> dict[str, int]:
    """Images and videos by provenance answer (yes / claimed / no / unknown)."""
    counts = dict.fromkeys(("yes", "claimed", "no", "unknown"), 0)
    for record in records:
        answer = (record.get("provenance") or {}).get("ai")
        if answer in counts:
            counts[answer] += 1
    return counts


@app.command("verify-manifest")
def verify_manifest_command(
    manifest: Annotated[Path, typer.Argument(help="DIR/manifest.json")],
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Pin the examiner's public key (PEM).")
    ] = None,
    check_files: Annotated[
        bool, typer.Option("--check-files", help="Re-hash outputs and reachable source files.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines output.")] = False,
) -> None:
    """Check a custody manifest's Ed25519 signature (exit 0) or say why it fails (exit 1)."""
    from perisai.forensics.outputs.manifest import ManifestInvalidError
    from perisai.forensics.verify import verify_manifest

    try:
        summary = verify_manifest(manifest, public_key, check_files)
    except ManifestInvalidError as exc:
        if as_json:
            clikit.emit({"ok": False, "manifest": str(manifest), "reason": str(exc)})
            raise typer.Exit(clikit.EXIT_FAILED) from exc
        clikit.fail(str(exc), code=clikit.EXIT_FAILED)
    if as_json:
        clikit.emit(summary)
    else:
        typer.echo(
            f"manifest OK: {summary['items']} items, signed by key {summary['key_fingerprint']}"
        )


@app.command("links")
def links_command(
    identifier: Annotated[str, typer.Argument(help="Email, phone, username, device, URL, IP…")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="email|phone|username|device|payment|url|ip (else guessed)."),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Platform of a username (part of its key).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Reports, connected identifiers, shared media and a timeline around IDENTIFIER (audited)."""
    from perisai.linkage.cli import run_links

    run_links(identifier, kind=kind, platform=platform, as_json=as_json)

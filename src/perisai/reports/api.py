"""`/api/v1/reports`: the platform intake API (scope `reports:submit`).

Submit is idempotent on the `Idempotency-Key` header; the request's transaction (report, its
identifiers, declared files and first audit entry) commits before the 201 is sent. Each client
sees only its own reports, and never the victims' details it sent.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from perisai.audit.service import record
from perisai.http.problems import Problem
from perisai.identity.deps import (
    DbDep,
    LoginRequired,
    Principal,
    RuntimeDep,
    require_key_scope,
    require_scope,
)
from perisai.identity.keycache import VerifiedKey, live_api_key_ids
from perisai.identity.permissions import Scope
from perisai.identity.service import apikey_client_id
from perisai.media.sniff import mime_of_header
from perisai.reports import hooks, service
from perisai.reports.cybertip import Zone, parse_zone
from perisai.reports.evidence import BlobWriter
from perisai.reports.identifiers import FieldError
from perisai.reports.imports import CybertipImportError, files_sha256, parse_cybertip_files
from perisai.reports.intake import IntakeWriter, KeyRevoked
from perisai.reports.models import Report, ReportFile, ReportStatus
from perisai.reports.schemas import CybertipReceipt, FileOut, Receipt, ReportIn, ReportOut
from perisai.reports.sniff import mismatch
from perisai.requestctx import current_request_id
from perisai.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
SUBMITTER = require_scope(Scope.REPORTS_SUBMIT)
# Submitting is the hot path: the key is verified through the per-process cache, and the writer
# re-checks revocation in the transaction that stores the report.
KEY_SUBMITTER = require_key_scope(Scope.REPORTS_SUBMIT)
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[!-~]+$")
]


def _client_id(principal: Principal) -> str:
    if principal.api_key is None:
        raise Problem(403, "Not allowed", "Reports are submitted with an API key.")
    return apikey_client_id(principal.api_key.id)


def _not_found(report_id: str) -> Problem:
    return Problem(404, "Report not found", f"No report {report_id[:40]!r} for this client.")


async def intake_writer(request: Request, runtime: RuntimeDep) -> IntakeWriter:
    """This app's group-commit writer, started on first use and closed with the app."""
    state = request.app.state
    writer: IntakeWriter | None = getattr(state, "intake_writer", None)
    if writer is None:
        writer = state.intake_writer = IntakeWriter(runtime.db.lane())
        state.closers.append(writer.close)
    return writer


WriterDep = Annotated[IntakeWriter, Depends(intake_writer)]


@router.post(
    "",
    status_code=201,
    response_model=Receipt,
    responses={200: {"description": "Replay of an earlier submission with the same key"}},
)
async def submit_report(
    report: ReportIn,
    request: Request,
    runtime: RuntimeDep,
    writer: WriterDep,
    idempotency_key: IdempotencyKey = None,
    key: VerifiedKey = KEY_SUBMITTER,
) -> JSONResponse:
    """Submit a report; the same key and body answer the same receipt, another body 409."""
    body_sha256 = service.canonical_sha256(json.loads(await request.body()))
    return await _store(runtime, writer, key, idempotency_key, report, body_sha256)


_XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


ZoneQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        description="Zone of the report's times that carry none: `UTC`, `+08:00` or an IANA "
        "name. Without it such times are read as UTC; the answer's summary says which.",
    ),
]


def _zone(text: str | None) -> Zone | None:
    if text is None:
        return None
    try:
        return parse_zone(text)
    except ValueError as exc:
        raise _invalid([{"field": "zone", "message": str(exc)}]) from None


def _cybertip_problem(problem: str) -> dict[str, str]:
    field, _, message = problem.partition(": ")
    return {"field": field, "message": message or problem}


@router.post(
    "/cybertip",
    status_code=201,
    response_model=CybertipReceipt,
    responses={200: {"description": "Replay of an earlier submission with the same key"}},
    openapi_extra=_XML_BODY,
)
async def submit_cybertip_report(
    request: Request,
    runtime: RuntimeDep,
    writer: WriterDep,
    idempotency_key: IdempotencyKey = None,
    zone: ZoneQuery = None,
    key: VerifiedKey = KEY_SUBMITTER,
) -> JSONResponse:
    """Submit a CyberTipline report XML, validated against NCMEC's schema; the receipt's
    sha256 is that of the XML bytes, and its summary lists what was kept verbatim."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in ("application/xml", "text/xml"):
        raise Problem(415, "Unsupported media type", "Send CyberTipline XML as application/xml.")
    raw = await request.body()
    stated = _zone(zone)
    try:
        parsed = await run_in_threadpool(parse_cybertip_files, raw, zone=stated)
    except CybertipImportError as exc:
        raise _invalid([_cybertip_problem(p) for p in exc.problems]) from None
    return await _store(
        runtime,
        writer,
        key,
        idempotency_key,
        parsed.data,
        files_sha256(raw),
        source=parsed.source,
        summary=parsed.summary,
    )


def _invalid(errors: list[dict[str, str]]) -> Problem:
    return Problem(
        422, "Invalid request", "One or more fields are invalid.", errors=errors, kind="validation"
    )


async def _store(
    runtime: RuntimeDep,
    writer: IntakeWriter,
    key: VerifiedKey,
    idempotency_key: str | None,
    report: ReportIn,
    body_sha256: str,
    *,
    source: service.SourceExtras | None = None,
    summary: dict[str, Any] | None = None,
) -> JSONResponse:
    if idempotency_key is None:
        raise Problem(
            400,
            "Idempotency-Key required",
            "Send an Idempotency-Key header so that a retry cannot create a second report.",
            errors=[{"field": "Idempotency-Key", "message": "header is required"}],
        )
    try:
        prepared = service.prepare(
            keyring=runtime.keyring,
            actor=key.actor,
            data=report,
            body_sha256=body_sha256,
            client_id=key.client_id,
            idempotency_key=idempotency_key,
            api_key_id=key.id,
            ip_lookup=hooks.ip_lookup(runtime.settings),
            request_id=current_request_id(),
            source=source,
        )
        # Returns once the report, its identifiers, victims, files, enrichment job and audit
        # entry are committed: only then is a receipt sent.
        result = await writer.submit(prepared)
    except FieldError as exc:
        raise _invalid([{"field": exc.field, "message": exc.message}]) from None
    except service.IdempotencyConflict:
        raise Problem(
            409,
            "Idempotency-Key reused",
            "This Idempotency-Key was already used for a different report body.",
            kind="idempotency-conflict",
        ) from None
    except KeyRevoked:
        raise LoginRequired from None
    except TimeoutError:
        raise Problem(
            503,
            "Report not yet acknowledged",
            "Storing the report is taking too long. Send it again with the same "
            "Idempotency-Key: it is stored at most once.",
            headers={"Retry-After": "5"},
        ) from None
    receipt = result.receipt
    content = receipt.model_dump(mode="json")
    if summary is not None:
        content["summary"] = summary
    return JSONResponse(
        content,
        status_code=201 if result.created else 200,
        headers={"Location": f"{router.prefix}/{receipt.report_id}"},
    )


def _file_out(item: ReportFile) -> FileOut:
    return FileOut(
        name=item.name,
        uploaded=item.uploaded_at is not None,
        size=item.size,
        md5=item.md5,
        sha1=item.sha1,
        sha256=item.sha256,
        content_type_declared=item.content_type_declared,
        content_type_sniffed=item.content_type_sniffed,
        content_type_mismatch=item.content_type_mismatch,
        annotations=list(item.annotations),
        industry_classification=item.industry_classification,
        publicly_available=item.publicly_available,
    )


def _report_out(report: Report) -> ReportOut:
    return ReportOut(
        report_id=report.public_id,
        status=report.status,
        received_at=report.received_at,
        finished_at=report.finished_at,
        retracted_at=report.retracted_at,
        incident_type=report.incident_type,
        victim_count=report.victim_count,
        reported_account_count=len(report.reported_accounts),
        files=[_file_out(item) for item in report.files],
    )


@router.get("/{report_id}", response_model=ReportOut)
def get_report(report_id: str, db: DbDep, principal: Principal = SUBMITTER) -> ReportOut:
    """The report's status and what the submitting client may see (no victim details)."""
    found = service.get_for_client(db, public_id=report_id, client_id=_client_id(principal))
    if found is None:
        raise _not_found(report_id)
    return _report_out(found)


def _change_status(report_id: str, db: DbDep, principal: Principal, *, finish: bool) -> ReportOut:
    found = service.lock_for_client(db, public_id=report_id, client_id=_client_id(principal))
    if found is None:
        raise _not_found(report_id)
    change = service.finish if finish else service.retract
    try:
        change(db, report=found, actor=principal.actor)
    except service.StateConflict as exc:
        raise Problem(409, "Report status conflict", str(exc), kind="status-conflict") from None
    return _report_out(found)


@router.post("/{report_id}/finish", response_model=ReportOut)
def finish_report(report_id: str, db: DbDep, principal: Principal = SUBMITTER) -> ReportOut:
    """Declare the report complete: no more files. A retracted report cannot be finished."""
    return _change_status(report_id, db, principal, finish=True)


@router.post("/{report_id}/retract", response_model=ReportOut)
def retract_report(report_id: str, db: DbDep, principal: Principal = SUBMITTER) -> ReportOut:
    """Cancel an unfinished report. A finished report cannot be retracted."""
    return _change_status(report_id, db, principal, finish=False)


def _open_declaration(
    db: Session, client_id: str, report_id: str, name: str, *, lock: bool
) -> ReportFile:
    find = service.lock_for_client if lock else service.get_for_client
    report = find(db, public_id=report_id, client_id=client_id)
    if report is None:
        raise _not_found(report_id)
    if report.status != ReportStatus.RECEIVED:
        raise Problem(
            409, "Report status conflict", f"Files cannot be added to a {report.status} report."
        )
    declared = service.declared_file(db, report=report, name=name)
    if declared is None:
        raise Problem(
            404,
            "File not declared",
            f"The report declares no file named {name[:80]!r}; declare it in `files` first.",
        )
    if declared.uploaded_at is not None:
        raise Problem(409, "File already uploaded", f"{name[:80]!r} was already uploaded.")
    return declared


def _look_up_declaration(
    runtime: Runtime, key: VerifiedKey, report_id: str, name: str
) -> ReportFile:
    """Before the body: a short transaction of its own, no lock held afterwards."""
    with runtime.db.transaction() as db:
        return _open_declaration(db, key.client_id, report_id, name, lock=False)


def _hash_errors(declared: ReportFile, writer: BlobWriter) -> list[dict[str, str]]:
    checks = (
        ("md5", declared.declared_md5, writer.md5),
        ("sha1", declared.declared_sha1, writer.sha1),
        ("sha256", declared.declared_sha256, writer.sha256),
    )
    errors = [
        {"field": f"files.{declared.name}.{kind}", "message": f"declared {want}, received {got}"}
        for kind, want, got in checks
        if want is not None and want != got
    ]
    if declared.declared_size is not None and declared.declared_size != writer.size:
        errors.append(
            {
                "field": f"files.{declared.name}.size",
                "message": f"declared {declared.declared_size} bytes, received {writer.size}",
            }
        )
    return errors


async def _receive(request: Request, writer: BlobWriter, limit: int) -> None:
    try:
        async for chunk in request.stream():
            # Encrypting and writing happen off the event loop.
            await run_in_threadpool(writer.write, chunk)
            if writer.size > limit:
                raise Problem(413, "Evidence file too large", f"The limit is {limit} bytes.")
    except ClientDisconnect:
        raise Problem(400, "Upload interrupted", "The body ended early.") from None


_BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.put("/{report_id}/files/{name}", response_model=FileOut, openapi_extra=_BINARY_BODY)
async def upload_file(
    report_id: str,
    name: str,
    request: Request,
    runtime: RuntimeDep,
    key: VerifiedKey = KEY_SUBMITTER,
) -> FileOut:
    """Stream one declared file; hashes are checked, bytes stored encrypted and fsync'ed.

    No transaction is open (and no row locked) while the body arrives: the declaration is looked
    up in a short transaction first, the body is encrypted into a temporary blob, and only then
    does the transaction that records the file lock the report and check it again.
    """
    declared = await run_in_threadpool(_look_up_declaration, runtime, key, report_id, name)
    writer = BlobWriter(runtime.settings.evidence_dir, runtime.keyring)
    try:
        await _receive(request, writer, runtime.settings.max_evidence_bytes)
        _check_hashes(declared, writer)
        header_type = request.headers.get("content-type", "")[:255] or None
        return await run_in_threadpool(
            _record_upload, runtime, key, report_id, name, writer, header_type
        )
    finally:
        writer.abort()


def _check_hashes(declared: ReportFile, writer: BlobWriter) -> None:
    errors = _hash_errors(declared, writer)
    if errors:
        raise Problem(
            422,
            "Evidence does not match its declaration",
            "Nothing was stored; check the file and its declared hashes.",
            errors=errors,
            kind="hash-mismatch",
        )


def _record_upload(
    runtime: Runtime,
    key: VerifiedKey,
    report_id: str,
    name: str,
    writer: BlobWriter,
    header_type: str | None,
) -> FileOut:
    with runtime.db.transaction() as db:
        if not live_api_key_ids(db, {key.id}):
            raise LoginRequired
        declared = _open_declaration(db, key.client_id, report_id, name, lock=True)
        _check_hashes(declared, writer)  # the declaration as this transaction sees it
        stored = writer.commit()
        declared.size = stored.size
        declared.md5, declared.sha1, declared.sha256 = stored.md5, stored.sha1, stored.sha256
        declared.content_type_declared = declared.content_type_declared or header_type
        declared.content_type_sniffed = mime_of_header(stored.head)
        declared.content_type_mismatch = mismatch(
            declared.content_type_declared, declared.content_type_sniffed
        )
        declared.blob_path = stored.relative_path
        declared.uploaded_at = service.now()
        record(
            db,
            actor=key.actor,
            action="report.file.upload",
            object_type="report",
            object_id=report_id,
            details={"name": name, "sha256": stored.sha256, "size": stored.size},
        )
        db.flush()
        return _file_out(declared)

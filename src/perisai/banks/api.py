"""`/api/v1/media/hash`, `/api/v1/media/match` and `/api/v1/banks`: hashing, matching, banks.

Matching reads this process's in-memory indexes (an :class:`IndexFollower` started with the
app keeps them fresh from the change feed); before answering, a request also replays any feed
change it can already see, so a client reads its own writes at once. Writes need the
`banks:write` scope (API key) or the `banks:manage` permission (session); every change and
every match is audited.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from perisai.audit.service import record
from perisai.banks import matching, service
from perisai.banks.index_follower import IndexFollower
from perisai.banks.indexes import BankIndexes
from perisai.banks.models import Bank
from perisai.banks.models import BankEntry as EntryRow
from perisai.banks.schemas import (
    BankIn,
    BankOut,
    BankPatch,
    DisableIn,
    EntryIn,
    EntryOut,
    EntryPage,
    HashOut,
    ImportOut,
    MatchIn,
    MatchOut,
)
from perisai.http.problems import Problem, field_path
from perisai.identity.deps import DbDep, Principal, require_scope
from perisai.identity.permissions import Permission, Scope
from perisai.media.banks import BANK_FORMATS, BankEntry
from perisai.media.pdq import FrameHash, frames_from_signal, frames_to_signal

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES: Final = 100 * 1_048_576
MAX_IMPORT_BYTES: Final = 256 * 1_048_576
MIN_PDQ_QUALITY: Final = 50
BANKS = "/api/v1/banks"

MATCHER = require_scope(Scope.MEDIA_MATCH)
BANK_ADMIN = require_scope(Scope.BANKS_WRITE, or_permission=Permission.BANKS_MANAGE)
Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,19}$", description="From next_cursor.")]
Limit = Annotated[int, Query(ge=1, le=1000)]
BankFilter = Annotated[
    list[str] | None, Query(max_length=100, description="Only these positive banks.")
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start this process's follower (after the app's own lifespan set the runtime)."""
    limits: dict[str, int] = getattr(app.state, "body_limits", {})
    limits[r"/api/v1/media/(hash|match)$"] = MAX_UPLOAD_BYTES
    limits[rf"{BANKS}/[^/]+/import$"] = MAX_IMPORT_BYTES
    follower = IndexFollower(app.state.runtime.db.url)
    app.state.bank_indexes = follower.indexes
    await run_in_threadpool(follower.start)
    try:
        yield
    finally:
        await run_in_threadpool(follower.stop)


router = APIRouter(tags=["banks"], lifespan=lifespan)


def _indexes(request: Request) -> BankIndexes:
    indexes: BankIndexes | None = getattr(request.app.state, "bank_indexes", None)
    if indexes is None:  # an app started without the lifespan: the request loads it
        indexes = request.app.state.bank_indexes = BankIndexes()
    return indexes


def _problem(exc: service.BankProblem) -> Problem:
    titles = {400: "Invalid input", 404: "Not found", 409: "Conflict"}
    errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
    return Problem(exc.status, titles.get(exc.status, "Invalid input"), str(exc), errors)


@contextmanager
def _bank_problems() -> Iterator[None]:
    try:
        yield
    except service.BankProblem as exc:
        raise _problem(exc) from None


def _bank(db: DbDep, name: str) -> Bank:
    with _bank_problems():
        return service.get_bank(db, name=name)


def _bank_out(bank: Bank, entries: int | None = None) -> BankOut:
    return BankOut(
        name=bank.name,
        description=bank.description,
        kind=bank.kind,
        enabled=bank.enabled,
        pdq_threshold=bank.pdq_threshold,
        source=bank.source,
        created_by=bank.created_by,
        created_at=bank.created_at,
        entries=entries,
    )


def _entry_out(bank: Bank, row: EntryRow) -> EntryOut:
    return EntryOut(
        id=row.id,
        bank=bank.name,
        signal_type=row.signal_type,
        signal=row.frames if row.frames is not None else row.signal_key,
        label=row.label,
        category=row.category,
        source=row.source,
        note=row.note,
        metadata=row.meta,
        added_by=row.added_by,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
    )


def _signal_text(signal: str | list[Any]) -> str:
    if isinstance(signal, str):
        return signal
    return frames_to_signal([FrameHash(f.t, f.pdq, f.quality) for f in signal])


# --- banks ------------------------------------------------------------------------------------


@router.get(BANKS, response_model=list[BankOut])
def list_banks(db: DbDep, principal: Principal = BANK_ADMIN) -> list[BankOut]:
    """Every bank with its number of entries."""
    return [_bank_out(bank, n) for bank, n in service.list_banks(db)]


@router.post(BANKS, status_code=201, response_model=BankOut)
def create_bank(
    body: BankIn, response: Response, db: DbDep, principal: Principal = BANK_ADMIN
) -> BankOut:
    settings = service.BankSettings(
        description=body.description,
        kind=body.kind,
        enabled=body.enabled,
        pdq_threshold=body.pdq_threshold,
        source=body.source,
    )
    with _bank_problems():
        bank = service.create_bank(db, actor=principal.actor, name=body.name, settings=settings)
    response.headers["Location"] = f"{BANKS}/{bank.name}"
    return _bank_out(bank, 0)


@router.get(BANKS + "/{name}", response_model=BankOut)
def get_bank(name: str, db: DbDep, principal: Principal = BANK_ADMIN) -> BankOut:
    bank = _bank(db, name)
    counts = {b.id: n for b, n in service.list_banks(db)}
    return _bank_out(bank, counts.get(bank.id, 0))


@router.patch(BANKS + "/{name}", response_model=BankOut)
def update_bank(
    name: str, body: BankPatch, db: DbDep, principal: Principal = BANK_ADMIN
) -> BankOut:
    bank = _bank(db, name)
    settings = service.BankSettings(**body.model_dump(exclude_none=True))
    if not settings.changes():
        raise Problem(400, "Nothing to change", "Send at least one field to change.")
    service.update_bank(db, actor=principal.actor, bank=bank, settings=settings)
    return _bank_out(bank)


@router.delete(BANKS + "/{name}", status_code=204)
def delete_bank(name: str, db: DbDep, principal: Principal = BANK_ADMIN) -> Response:
    service.delete_bank(db, actor=principal.actor, bank=_bank(db, name))
    return Response(status_code=204)


# --- entries ----------------------------------------------------------------------------------


@router.get(BANKS + "/{name}/entries", response_model=EntryPage)
def list_entries(
    name: str,
    db: DbDep,
    cursor: Cursor = None,
    limit: Limit = 100,
    principal: Principal = BANK_ADMIN,
) -> EntryPage:
    bank = _bank(db, name)
    rows, after = service.entries_page(db, bank=bank, after=int(cursor or 0), limit=limit)
    return EntryPage(
        items=[_entry_out(bank, r) for r in rows],
        next_cursor=None if after is None else str(after),
    )


@router.post(BANKS + "/{name}/entries", status_code=201, response_model=EntryOut)
def add_entry(
    name: str, body: EntryIn, response: Response, db: DbDep, principal: Principal = BANK_ADMIN
) -> EntryOut:
    bank = _bank(db, name)
    entry = BankEntry(
        body.signal_type,
        _signal_text(body.signal),
        body.label,
        body.category,
        body.source,
        body.note,
        body.metadata,
    )
    with _bank_problems():
        row = service.add_entry(db, actor=principal.actor, bank=bank, entry=entry)
    response.headers["Location"] = f"{BANKS}/{bank.name}/entries/{row.id}"
    return _entry_out(bank, row)


def _entry(db: DbDep, bank: Bank, entry_id: int) -> EntryRow:
    with _bank_problems():
        return service.get_entry(db, bank=bank, entry_id=entry_id)


@router.get(BANKS + "/{name}/entries/{entry_id}", response_model=EntryOut)
def get_entry(name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN) -> EntryOut:
    bank = _bank(db, name)
    return _entry_out(bank, _entry(db, bank, entry_id))


@router.post(BANKS + "/{name}/entries/{entry_id}/disable", response_model=EntryOut)
def disable_entry(
    name: str,
    entry_id: int,
    db: DbDep,
    body: DisableIn | None = None,
    principal: Principal = BANK_ADMIN,
) -> EntryOut:
    """Quarantine a noisy entry: it stops matching at once and stays in the bank."""
    bank = _bank(db, name)
    row = _entry(db, bank, entry_id)
    reason = body.reason if body else ""
    service.set_entry_enabled(
        db, actor=principal.actor, bank=bank, entry=row, enabled=False, reason=reason
    )
    return _entry_out(bank, row)


@router.post(BANKS + "/{name}/entries/{entry_id}/enable", response_model=EntryOut)
def enable_entry(
    name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN
) -> EntryOut:
    bank = _bank(db, name)
    row = _entry(db, bank, entry_id)
    service.set_entry_enabled(db, actor=principal.actor, bank=bank, entry=row, enabled=True)
    return _entry_out(bank, row)


@router.delete(BANKS + "/{name}/entries/{entry_id}", status_code=204)
def delete_entry(
    name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN
) -> Response:
    bank = _bank(db, name)
    service.delete_entry(db, actor=principal.actor, bank=bank, entry=_entry(db, bank, entry_id))
    return Response(status_code=204)


# --- uploads ----------------------------------------------------------------------------------


@contextmanager
def _temp_path(suffix: str = "") -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix="perisai-bank-", suffix=suffix)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(name)


async def _body_to(request: Request, path: Path, limit: int) -> int:
    size = 0
    try:
        with path.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Problem(413, "Body too large", f"The limit is {limit} bytes.")
                out.write(chunk)
    except ClientDisconnect:
        raise Problem(400, "Upload interrupted", "The client went away mid-upload.") from None
    return size


async def _upload_to(request: Request, path: Path) -> None:
    """The multipart part named `file` into ``path`` (one file, a few small fields at most)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Problem(415, "Unsupported media type", "Send multipart/form-data with a `file`.")
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(
                422,
                "Invalid request",
                "A file is needed.",
                [{"field": "file", "message": "missing"}],
                "validation",
            )
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)


_UPLOAD_CONTENT: dict[str, Any] = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        }
    }
}
_UPLOAD_BODY = {"requestBody": {"required": True, "content": _UPLOAD_CONTENT}}


def _hash_path(path: Path) -> HashOut:
    from perisai.media import hash_file

    report = hash_file(path).to_dict()
    report.pop("path", None)
    return HashOut(**report)


@router.post("/api/v1/media/hash", response_model=HashOut, openapi_extra=_UPLOAD_BODY)
async def hash_upload(request: Request, db: DbDep, principal: Principal = MATCHER) -> HashOut:
    """The upload's MD5, SHA-1, SHA-256 and PDQ (images) or vPDQ frames (videos)."""
    with _temp_path() as path:
        await _upload_to(request, path)
        hashes = await run_in_threadpool(_hash_path, path)
    record(
        db,
        actor=principal.actor,
        action="media.hash",
        object_type="media",
        details={"sha256": hashes.sha256, "kind": hashes.kind},
    )
    return hashes


_MATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": MatchIn.model_json_schema()},
            **_UPLOAD_CONTENT,
        },
    }
}


def _upload_queries(hashes: HashOut) -> tuple[list[matching.Query], list[str]]:
    queries: list[matching.Query] = []
    warnings = []
    for kind in ("md5", "sha1", "sha256"):
        value = getattr(hashes, kind)
        if value:
            queries.append((kind, value))
    if hashes.pdq is not None:
        if (hashes.pdq_quality or 0) >= MIN_PDQ_QUALITY:
            queries.append(("pdq", hashes.pdq))
        else:
            warnings.append(
                f"PDQ quality {hashes.pdq_quality} is below {MIN_PDQ_QUALITY}: "
                "too featureless to match, only exact hashes were compared"
            )
    if hashes.vpdq:
        frames = [FrameHash(float(f["t"]), f["pdq"], int(f["quality"])) for f in hashes.vpdq]
        queries.append(("vpdq", frames))
    if hashes.error:
        warnings.append(hashes.error)
    return queries, warnings


def _signal_query(body: MatchIn) -> matching.Query:
    from perisai.media import get_signal_type
    from perisai.media.errors import MediaError

    try:
        canonical = get_signal_type(body.signal_type).normalize(_signal_text(body.signal))
    except MediaError as exc:
        raise Problem(
            422,
            "Invalid request",
            "The signal is malformed.",
            [{"field": "signal", "message": str(exc)}],
            "validation",
        ) from None
    if body.signal_type != "vpdq":
        return body.signal_type, canonical
    return "vpdq", frames_from_signal(canonical)


async def _match_body(request: Request) -> MatchIn:
    raw = await request.body()
    try:
        return MatchIn.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{"field": field_path(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise Problem(
            422, "Invalid request", "One or more fields are invalid.", errors, "validation"
        ) from None


@router.post("/api/v1/media/match", response_model=MatchOut, openapi_extra=_MATCH_BODY)
async def match_media(
    request: Request,
    db: DbDep,
    banks: BankFilter = None,
    principal: Principal = MATCHER,
) -> MatchOut:
    """Match an upload (multipart `file`) or a signal (JSON `{"signal_type", "signal"}`)."""
    hashes: HashOut | None = None
    warnings: list[str] = []
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await _match_body(request)
        queries = [_signal_query(body)]
        banks = body.banks if body.banks is not None else banks
    else:
        with _temp_path() as path:
            await _upload_to(request, path)
            hashes = await run_in_threadpool(_hash_path, path)
        queries, warnings = _upload_queries(hashes)
    indexes = _indexes(request)
    await run_in_threadpool(indexes.sync, db)
    outcome = matching.match(db, indexes, queries, banks=set(banks) if banks else None)
    outcome.hashes = hashes.model_dump(exclude_none=True) if hashes else None
    outcome.warnings = warnings
    details = {"banks": banks, "sha256": hashes.sha256 if hashes else None}
    matching.audit_match(
        db,
        actor=principal.actor,
        outcome=outcome,
        queried=[q[0] for q in queries],
        details=details,
    )
    return outcome


# --- import -----------------------------------------------------------------------------------

_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
FormatName = Annotated[
    str | None,
    Query(
        alias="format",
        pattern="^(" + "|".join(BANK_FORMATS) + ")$",
        description="Detected from the content when absent.",
    ),
]


@router.post(BANKS + "/{name}/import", response_model=ImportOut, openapi_extra=_FILE_BODY)
async def import_bank(
    name: str,
    request: Request,
    db: DbDep,
    fmt: FormatName = None,
    principal: Principal = BANK_ADMIN,
) -> ImportOut:
    """Import a bank file sent as the body; malformed rows are listed with their line."""
    bank = _bank(db, name)
    with _temp_path(suffix=f".{fmt or 'bank'}") as path:
        if await _body_to(request, path, MAX_IMPORT_BYTES) == 0:
            raise Problem(400, "Empty file", "The body holds no bank file.")
        try:
            summary = await run_in_threadpool(
                service.import_file,
                db,
                actor=principal.actor,
                bank=bank,
                path=path,
                fmt=fmt,
                max_bytes=MAX_IMPORT_BYTES,
            )
        except service.BankProblem as exc:
            raise _problem(exc) from None
    return ImportOut(bank=bank.name, **summary.as_dict())

"""`/api/v1/banks`: banks, entries and imports; mounts `/api/v1/media` (media_api.py).

Access: the `banks:write` scope (API key) or the `banks:manage` permission (session). Every
change is audited by the service. The router's lifespan starts this process's
:class:`IndexFollower`, which keeps the match indexes fresh from the change feed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any, Final

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from perisai.banks import idempotency, matching, media_api, service
from perisai.banks.index_follower import IndexFollower
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
    ImportOut,
    signal_text,
)
from perisai.banks.uploads import FILE_BODY, body_to, temp_path
from perisai.http.problems import Problem
from perisai.identity.deps import DbDep, Principal, require_scope
from perisai.identity.permissions import Permission, Scope
from perisai.media.banks import BANK_FORMATS, BankEntry

MAX_IMPORT_BYTES: Final = 256 * 1_048_576
BANKS = "/api/v1/banks"

BANK_ADMIN = require_scope(Scope.BANKS_WRITE, or_permission=Permission.BANKS_MANAGE)
Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,19}$", description="From next_cursor.")]
Limit = Annotated[int, Query(ge=1, le=1000)]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start this process's follower (after the app's own lifespan set the runtime)."""
    limits: dict[str, int] = getattr(app.state, "body_limits", {})
    limits[r"/api/v1/media/(hash|match)$"] = media_api.MAX_UPLOAD_BYTES
    limits[rf"{BANKS}/[^/]+/import$"] = MAX_IMPORT_BYTES
    follower = IndexFollower(app.state.runtime.db.url, matching.indexes_of(app.state.runtime))
    app.state.bank_indexes = follower.indexes
    await run_in_threadpool(follower.start)
    try:
        yield
    finally:
        await run_in_threadpool(follower.stop)


router = APIRouter(tags=["banks"], lifespan=lifespan)
router.include_router(media_api.router)


def _problem(exc: service.BankProblem) -> Problem:
    titles = {400: "Invalid input", 403: "Not allowed", 404: "Not found", 409: "Conflict"}
    errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
    return Problem(exc.status, titles.get(exc.status, "Invalid input"), str(exc), errors)


@contextmanager
def _bank_problems() -> Iterator[None]:
    try:
        yield
    except service.BankProblem as exc:
        raise _problem(exc) from None


def _bank(db: DbDep, name: str, principal: Principal) -> Bank:
    """The bank, if the caller may read it (its own, or shared); 404 alike otherwise."""
    with _bank_problems():
        return service.get_bank(db, name=name, reader=principal.actor)


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
        owner=bank.owner,
        shared=bank.shared,
    )


def _entry_out(bank: Bank, row: EntryRow) -> EntryOut:
    return EntryOut(
        id=row.id,
        bank=bank.name,
        signal_type=row.signal_type,
        signal=row.frames if row.frames is not None else service.signal_of(row),
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


# --- banks ------------------------------------------------------------------------------------


@router.get(BANKS, response_model=list[BankOut])
def list_banks(db: DbDep, principal: Principal = BANK_ADMIN) -> list[BankOut]:
    """Every bank with its number of entries."""
    return [_bank_out(bank, n) for bank, n in service.list_banks(db, reader=principal.actor)]


def _created(
    db: DbDep,
    principal: Principal,
    key: str | None,
    request: tuple[str, BaseModel],
    create: Callable[[], tuple[BaseModel, str]],
) -> JSONResponse:
    """Run ``create`` (→ body, Location) once per Idempotency-Key; a retry replays the answer."""
    if key is not None:
        path, body = request
        client = idempotency.client_id(principal)
        fingerprint = idempotency.request_sha256("POST", path, body.model_dump_json())
        replay = idempotency.claim(db, client=client, key=key, fingerprint=fingerprint)
        if replay is not None:
            return replay
    out, location = create()
    payload = out.model_dump(mode="json")
    if key is not None:
        idempotency.remember(
            db, client=client, key=key, status=201, response=payload, location=location
        )
    return JSONResponse(payload, status_code=201, headers={"Location": location})


_REPLAY: dict[int | str, dict[str, Any]] = {
    200: {"description": "Replay of an earlier request with the same Idempotency-Key"}
}


@router.post(BANKS, status_code=201, response_model=BankOut, responses=_REPLAY)
def create_bank(
    body: BankIn,
    db: DbDep,
    idempotency_key: idempotency.IdempotencyKey = None,
    principal: Principal = BANK_ADMIN,
) -> JSONResponse:
    settings = service.BankSettings(
        description=body.description,
        kind=body.kind,
        enabled=body.enabled,
        pdq_threshold=body.pdq_threshold,
        source=body.source,
        shared=body.shared,
    )

    def create() -> tuple[BaseModel, str]:
        with _bank_problems():
            bank = service.create_bank(db, actor=principal.actor, name=body.name, settings=settings)
        return _bank_out(bank, 0), f"{BANKS}/{bank.name}"

    return _created(db, principal, idempotency_key, (BANKS, body), create)


@router.get(BANKS + "/{name}", response_model=BankOut)
def get_bank(name: str, db: DbDep, principal: Principal = BANK_ADMIN) -> BankOut:
    bank = _bank(db, name, principal)
    counts = {b.id: n for b, n in service.list_banks(db, reader=principal.actor)}
    return _bank_out(bank, counts.get(bank.id, 0))


@router.patch(BANKS + "/{name}", response_model=BankOut)
def update_bank(
    name: str, body: BankPatch, db: DbDep, principal: Principal = BANK_ADMIN
) -> BankOut:
    bank = _bank(db, name, principal)
    settings = service.BankSettings(**body.model_dump(exclude_none=True))
    if not settings.changes():
        raise Problem(400, "Nothing to change", "Send at least one field to change.")
    with _bank_problems():
        service.update_bank(db, actor=principal.actor, bank=bank, settings=settings)
    return _bank_out(bank)


@router.delete(BANKS + "/{name}", status_code=204)
def delete_bank(name: str, db: DbDep, principal: Principal = BANK_ADMIN) -> Response:
    with _bank_problems():
        service.delete_bank(db, actor=principal.actor, bank=_bank(db, name, principal))
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
    bank = _bank(db, name, principal)
    rows, after = service.entries_page(db, bank=bank, after=int(cursor or 0), limit=limit)
    return EntryPage(
        items=[_entry_out(bank, r) for r in rows],
        next_cursor=None if after is None else str(after),
    )


@router.post(BANKS + "/{name}/entries", status_code=201, response_model=EntryOut, responses=_REPLAY)
def add_entry(
    name: str,
    body: EntryIn,
    db: DbDep,
    idempotency_key: idempotency.IdempotencyKey = None,
    principal: Principal = BANK_ADMIN,
) -> JSONResponse:
    bank = _bank(db, name, principal)
    entry = BankEntry(
        body.signal_type,
        signal_text(body.signal),
        body.label,
        body.category,
        body.source,
        body.note,
        body.metadata,
    )

    def create() -> tuple[BaseModel, str]:
        with _bank_problems():
            row = service.add_entry(db, actor=principal.actor, bank=bank, entry=entry)
        return _entry_out(bank, row), f"{BANKS}/{bank.name}/entries/{row.id}"

    return _created(db, principal, idempotency_key, (f"{BANKS}/{bank.name}/entries", body), create)


def _entry(db: DbDep, bank: Bank, entry_id: int) -> EntryRow:
    with _bank_problems():
        return service.get_entry(db, bank=bank, entry_id=entry_id)


@router.get(BANKS + "/{name}/entries/{entry_id}", response_model=EntryOut)
def get_entry(name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN) -> EntryOut:
    bank = _bank(db, name, principal)
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
    bank = _bank(db, name, principal)
    row = _entry(db, bank, entry_id)
    reason = body.reason if body else ""
    with _bank_problems():
        service.set_entry_enabled(
            db, actor=principal.actor, bank=bank, entry=row, enabled=False, reason=reason
        )
    return _entry_out(bank, row)


@router.post(BANKS + "/{name}/entries/{entry_id}/enable", response_model=EntryOut)
def enable_entry(
    name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN
) -> EntryOut:
    bank = _bank(db, name, principal)
    row = _entry(db, bank, entry_id)
    with _bank_problems():
        service.set_entry_enabled(db, actor=principal.actor, bank=bank, entry=row, enabled=True)
    return _entry_out(bank, row)


@router.delete(BANKS + "/{name}/entries/{entry_id}", status_code=204)
def delete_entry(
    name: str, entry_id: int, db: DbDep, principal: Principal = BANK_ADMIN
) -> Response:
    bank = _bank(db, name, principal)
    with _bank_problems():
        service.delete_entry(db, actor=principal.actor, bank=bank, entry=_entry(db, bank, entry_id))
    return Response(status_code=204)


# --- import -----------------------------------------------------------------------------------

FormatName = Annotated[
    str | None,
    Query(
        alias="format",
        pattern="^(" + "|".join(BANK_FORMATS) + ")$",
        description="Detected from the content when absent.",
    ),
]


@router.post(BANKS + "/{name}/import", response_model=ImportOut, openapi_extra=FILE_BODY)
async def import_bank(
    name: str,
    request: Request,
    db: DbDep,
    fmt: FormatName = None,
    principal: Principal = BANK_ADMIN,
) -> ImportOut:
    """Import a bank file sent as the body; malformed rows are listed with their line."""
    bank = _bank(db, name, principal)
    with _bank_problems():
        service.require_owner(principal.actor, bank)  # before reading the body
    with temp_path(suffix=f".{fmt or 'bank'}") as path:
        if await body_to(request, path, MAX_IMPORT_BYTES) == 0:
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

"""`/api/v1/media/hash` and `/api/v1/media/match` (scope `media:match`).

Matching reads this process's in-memory indexes, kept fresh by its ``IndexFollower``; before
answering, a request also replays any feed change it can already see, so a client reads its
own writes at once. Every hash and every match is audited (hashes and entry ids, never the
upload).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy.orm import Session

from perisai.audit.service import record
from perisai.banks import matching
from perisai.banks.indexes import BankIndexes
from perisai.banks.names import ENTRIES_MATCHED
from perisai.banks.schemas import HashOut, MatchIn, MatchOut, signal_text
from perisai.banks.service import actor_label
from perisai.banks.uploads import UPLOAD_BODY, UPLOAD_CONTENT, temp_path, upload_to
from perisai.http.problems import Problem, field_path
from perisai.identity.deps import LoginRequired, Principal, RuntimeDep, require_key_scope
from perisai.identity.keycache import VerifiedKey, live_api_key_ids
from perisai.identity.permissions import Scope
from perisai.manifest import hooks
from perisai.media.pdq import frames_from_signal
from perisai.media.signals import exact_signal_type_names, get_signal_type

MAX_UPLOAD_BYTES: Final = 100 * 1_048_576
#: The source of self-reported entries (stop the spread): their matches are counted.
# Verified through the per-process key cache: no database connection is held while an upload
# is hashed (seconds for a video); the transaction that audits opens afterwards and checks
# that the key is still unrevoked.
MATCHER = require_key_scope(Scope.MEDIA_MATCH)
BankFilter = Annotated[
    list[str] | None, Query(max_length=100, description="Only these positive banks.")
]
MATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": MatchIn.model_json_schema()},
            **UPLOAD_CONTENT,
        },
    }
}

router = APIRouter(prefix="/api/v1/media", tags=["media"])


def bank_indexes(request: Request) -> BankIndexes:
    indexes: BankIndexes | None = getattr(request.app.state, "bank_indexes", None)
    if indexes is None:  # an app started without the lifespan: requests load it
        indexes = request.app.state.bank_indexes = matching.indexes_of(request.app.state.runtime)
    return indexes


def _hash_path(path: Path) -> HashOut:
    from perisai.media import hash_file

    report = hash_file(path, tmk=matching.COMPUTE_TMK).to_dict()
    report.pop("path", None)
    return HashOut(**report)


async def _hash_upload(request: Request) -> HashOut:
    with temp_path() as path:
        await upload_to(request, path)
        return await run_in_threadpool(_hash_path, path)


@router.post("/hash", response_model=HashOut, openapi_extra=UPLOAD_BODY)
async def hash_upload(request: Request, runtime: RuntimeDep, key: VerifiedKey = MATCHER) -> HashOut:
    """The upload's MD5, SHA-1, SHA-256 and PDQ (images) or vPDQ frames and the TMK-like
    signature (videos)."""
    hashes = await _hash_upload(request)
    await run_in_threadpool(_audit_hash, runtime, key, hashes)
    return hashes


def _audit_hash(runtime: RuntimeDep, key: VerifiedKey, hashes: HashOut) -> None:
    with runtime.db.transaction() as db:
        _still_live(db, key)
        record(
            db,
            actor=key.actor,
            action="media.hash",
            object_type="media",
            details={"sha256": hashes.sha256, "kind": hashes.kind},
        )


def _still_live(db: Session, key: VerifiedKey) -> None:
    if not live_api_key_ids(db, {key.id}):
        raise LoginRequired


def _upload_queries(
    hashes: HashOut,
) -> tuple[list[matching.Query], list[str | None], list[str]]:
    return matching.file_queries(
        {name: getattr(hashes, name, None) for name in exact_signal_type_names()},
        pdq=hashes.pdq,
        pdq_quality=hashes.pdq_quality,
        pdq_raw=hashes.pdq_raw,
        vpdq=hashes.vpdq,
        tmk=hashes.tmk,
        error=hashes.error,
    )


def _invalid(errors: list[dict[str, str]], detail: str) -> Problem:
    return Problem(422, "Invalid request", detail, errors, "validation")


def _signal_query(body: MatchIn) -> matching.Query:
    from perisai.media.errors import MediaError

    try:
        canonical = get_signal_type(body.signal_type).normalize(signal_text(body.signal))
    except MediaError as exc:
        raise _invalid(
            [{"field": "signal", "message": str(exc)}], "The signal is malformed."
        ) from None
    if get_signal_type(body.signal_type).frame_list:
        return body.signal_type, frames_from_signal(canonical)
    return body.signal_type, canonical


async def _match_body(request: Request) -> MatchIn:
    try:
        return MatchIn.model_validate_json(await request.body())
    except ValidationError as exc:
        errors = [{"field": field_path(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise _invalid(errors, "One or more fields are invalid.") from None


def _match_and_audit(
    db: Session,
    indexes: BankIndexes,
    queries: list[matching.Query],
    banks: list[str] | None,
    principal: Principal,
    hashes: HashOut | None,
    variants: list[str | None] | None = None,
) -> MatchOut:
    indexes.sync(db)  # read-your-writes: replay what this transaction can already see
    outcome = matching.match(
        db,
        indexes,
        queries,
        banks=set(banks) if banks else None,
        variants=variants,
        reader=principal.actor,  # only its own banks and shared ones
    )
    outcome.hashes = hashes.model_dump(exclude_none=True) if hashes else None
    if outcome.matches:  # e.g. a child's status page counts it ("seen and blocked N times")
        sources = {m.entry.id: m.entry.source for m in outcome.matches}
        for matched in hooks(ENTRIES_MATCHED):
            matched(db, matched_by=actor_label(principal.actor), sources=sources)
    matching.audit_match(
        db,
        actor=principal.actor,
        outcome=outcome,
        queried=[kind for kind, _ in queries],
        details={"banks": banks, "sha256": hashes.sha256 if hashes else None},
    )
    return outcome


@router.post("/match", response_model=MatchOut, openapi_extra=MATCH_BODY)
async def match_media(
    request: Request,
    runtime: RuntimeDep,
    banks: BankFilter = None,
    key: VerifiedKey = MATCHER,
) -> MatchOut:
    """Match an upload (multipart `file`) or a signal (JSON `{"signal_type", "signal"}`)."""
    hashes: HashOut | None = None
    warnings: list[str] = []
    variants: list[str | None] | None = None
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await _match_body(request)
        queries = [_signal_query(body)]
        banks = body.banks if body.banks is not None else banks
    else:
        hashes = await _hash_upload(request)
        queries, variants, warnings = _upload_queries(hashes)
    indexes = bank_indexes(request)

    def match_in_transaction() -> MatchOut:  # the upload is hashed: now the transaction
        with runtime.db.transaction() as db:
            _still_live(db, key)
            principal = Principal(actor=key.actor)
            return _match_and_audit(db, indexes, queries, banks, principal, hashes, variants)

    outcome = await run_in_threadpool(match_in_transaction)
    outcome.warnings = warnings
    return outcome

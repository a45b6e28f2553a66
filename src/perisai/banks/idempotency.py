"""`Idempotency-Key` for the creating POSTs: a retry with the same key and body gets the first
answer again (200 instead of 201, so the client can tell); the same key with another body, 409.

The key's row is inserted before the work: a concurrent retry waits on the unique index until
the first request commits, then replays its answer; if the first one failed, nothing was kept
and the retry runs afresh.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from perisai.banks.models import BankIdempotency
from perisai.http.problems import Problem
from perisai.identity.deps import Principal
from perisai.identity.service import apikey_client_id

IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[!-~]+$")
]


def client_id(principal: Principal) -> str:
    if principal.api_key is not None:
        return apikey_client_id(principal.api_key.id)
    return f"user:{principal.user.id if principal.user else principal.actor.id}"


def request_sha256(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def claim(db: Session, *, client: str, key: str, fingerprint: str) -> JSONResponse | None:
    """None: go ahead (and call :func:`remember`). A response: replay it."""
    inserted = db.scalar(
        pg_insert(BankIdempotency)
        .values(
            client_id=client,
            key=key,
            request_sha256=fingerprint,
            status=0,
            response={},
            location="",
        )
        .on_conflict_do_nothing(constraint="uq_bank_idempotency_client_key")
        .returning(BankIdempotency.id)
    )
    if inserted is not None:
        return None
    row = db.scalars(
        select(BankIdempotency).where(
            BankIdempotency.client_id == client, BankIdempotency.key == key
        )
    ).one()
    if row.request_sha256 != fingerprint:
        raise Problem(
            409,
            "Idempotency-Key reused",
            "This key was used for a different request; use a new key.",
            kind="idempotency",
        )
    headers = {"Location": row.location} if row.location else None
    return JSONResponse(row.response, status_code=200, headers=headers)


def remember(
    db: Session, *, client: str, key: str, status: int, response: dict[str, Any], location: str
) -> None:
    row = db.scalars(
        select(BankIdempotency).where(
            BankIdempotency.client_id == client, BankIdempotency.key == key
        )
    ).one()
    row.status, row.response, row.location = status, response, location
    db.flush()

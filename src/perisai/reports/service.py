"""Report intake: submit (idempotent), read, finish and retract. Services flush, never commit.

Idempotency: a report is unique on (client, Idempotency-Key). The same key with the same body
(same SHA-256 of its canonical JSON) answers the stored receipt; with another body it is a
conflict. Two concurrent submissions with one key race on the unique constraint: the loser's
insert fails inside a savepoint, and it re-reads the winner's row.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.crypto import Keyring
from perisai.enrichment.queue import queue_enrichment
from perisai.reports.identifiers import FieldError, account_identifiers
from perisai.reports.models import (
    OffenceCode,
    Report,
    ReporterKind,
    ReportFile,
    ReportIdentifier,
    ReportStatus,
    ReportVictim,
)
from perisai.reports.schemas import FileDeclaration, Receipt, ReportIn

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a different body."""


class StateConflict(Exception):
    """The report's status does not allow this action (e.g. finishing a retracted report)."""


@dataclass(frozen=True)
class Submitted:
    receipt: Receipt
    created: bool
    report: Report | None = None


def now() -> datetime:
    return datetime.now(UTC)


def canonical_sha256(body: Any) -> str:
    """SHA-256 of the body as canonical JSON: sorted keys, no spaces, UTF-8."""
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def new_public_id(now: datetime) -> str:
    """`R-2026-7K3M9Q2X4D`: the year, then 50 random bits (not guessable, not a count)."""
    token = "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
    return f"R-{now.year}-{token}"


@dataclass(frozen=True)
class HotlineExtras:
    """What only a hotline report has: the receipt code's hash and an optional contact."""

    receipt_code_sha256: str
    contact: dict[str, str]


def contact_binding(public_id: str) -> str:
    return f"report:{public_id}:contact"


def victim_binding(public_id: str, position: int) -> str:
    return f"report:{public_id}:victim:{position}"


def receipt_of(report: Report) -> Receipt:
    return Receipt(
        report_id=report.public_id,
        received_at=report.received_at.astimezone(UTC),
        sha256=report.body_sha256,
    )


def find_by_idempotency_key(session: Session, *, client_id: str, key: str) -> Report | None:
    return session.scalars(
        select(Report).where(Report.client_id == client_id, Report.idempotency_key == key)
    ).first()


def _check_offence_codes(session: Session, codes: list[str]) -> None:
    if not codes:
        return
    known = set(
        session.scalars(
            select(OffenceCode.code).where(OffenceCode.code.in_(codes), OffenceCode.active)
        )
    )
    for index, code in enumerate(codes):
        if code not in known:
            raise FieldError(f"offence_codes.{index}", f"unknown or inactive offence code {code!r}")


def _file_row(declared: FileDeclaration) -> ReportFile:
    return ReportFile(
        name=declared.name,
        declared_md5=declared.md5,
        declared_sha1=declared.sha1,
        declared_sha256=declared.sha256,
        declared_size=declared.size,
        content_type_declared=declared.content_type,
        annotations=[str(item) for item in declared.annotations],
        industry_classification=declared.industry_classification,
        publicly_available=declared.publicly_available,
    )


def _build_report(
    *,
    keyring: Keyring,
    data: ReportIn,
    reporter_kind: ReporterKind,
    api_key_id: int | None,
    client_id: str,
    idempotency_key: str,
    body_sha256: str,
    hotline: HotlineExtras | None,
) -> Report:
    now = datetime.now(UTC)
    public_id = new_public_id(now)
    dumped = data.model_dump(mode="json")
    report = Report(
        public_id=public_id,
        status=ReportStatus.RECEIVED,
        reporter_kind=reporter_kind,
        api_key_id=api_key_id,
        client_id=client_id,
        idempotency_key=idempotency_key,
        body_sha256=body_sha256,
        received_at=now,
        incident_type=data.incident.type,
        occurred_at=data.incident.occurred_at,
        escalation_reason=data.incident.escalation_reason,
        incident_annotations=dumped["incident"]["annotations"],
        reported_accounts=dumped["reported_accounts"],
        conversations=dumped["conversations"],
        urls=dumped["urls"],
        additional_info=data.additional_info,
        jurisdiction=data.jurisdiction,
        offence_codes=list(data.offence_codes),
        victim_count=len(data.victims),
    )
    report.victims = [
        ReportVictim(
            position=position,
            sealed=keyring.seal_text(
                json.dumps(victim, sort_keys=True), victim_binding(public_id, position)
            ),
        )
        for position, victim in enumerate(dumped["victims"])
    ]
    report.files = [_file_row(declared) for declared in data.files]
    if hotline is not None:
        report.receipt_code_sha256 = hotline.receipt_code_sha256
        if hotline.contact:
            report.contact_sealed = keyring.seal_text(
                json.dumps(hotline.contact, sort_keys=True), contact_binding(public_id)
            )
    return report


def submit(
    session: Session,
    *,
    keyring: Keyring,
    actor: Actor,
    data: ReportIn,
    body_sha256: str,
    client_id: str,
    idempotency_key: str,
    api_key_id: int | None = None,
    reporter_kind: ReporterKind = ReporterKind.APIKEY,
    hotline: HotlineExtras | None = None,
) -> Submitted:
    """Store a report (or find the one this key already stored) and queue its audit entry."""
    existing = find_by_idempotency_key(session, client_id=client_id, key=idempotency_key)
    if existing is not None:
        return _replay(existing, body_sha256)
    _check_offence_codes(session, list(data.offence_codes))
    identifiers = account_identifiers(data.reported_accounts)
    report = _build_report(
        keyring=keyring,
        data=data,
        reporter_kind=reporter_kind,
        api_key_id=api_key_id,
        client_id=client_id,
        idempotency_key=idempotency_key,
        body_sha256=body_sha256,
        hotline=hotline,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
            session.add_all(
                ReportIdentifier(
                    report_id=report.id,
                    account_index=item.account_index,
                    kind=item.kind,
                    key=item.key,
                    original=item.original,
                )
                for item in identifiers
            )
            session.flush()
    except IntegrityError:
        # Another request with this key committed first: answer with its receipt.
        winner = find_by_idempotency_key(session, client_id=client_id, key=idempotency_key)
        if winner is None:
            raise
        return _replay(winner, body_sha256)
    # The enrichment job commits with the report: acknowledged means queued too.
    queue_enrichment(session, report_id=report.id)
    record(
        session,
        actor=actor,
        action="report.submit",
        object_type="report",
        object_id=report.public_id,
        details={
            "sha256": body_sha256,
            "incident_type": report.incident_type,
            "files_declared": len(report.files),
        },
    )
    return Submitted(receipt=receipt_of(report), created=True, report=report)


def _replay(report: Report, body_sha256: str) -> Submitted:
    if report.body_sha256 != body_sha256:
        raise IdempotencyConflict(report.public_id)
    return Submitted(receipt=receipt_of(report), created=False, report=report)


def get_for_client(session: Session, *, public_id: str, client_id: str) -> Report | None:
    """The report, only for the client that submitted it (others see nothing)."""
    return session.scalars(
        select(Report).where(Report.public_id == public_id, Report.client_id == client_id)
    ).first()


def lock_for_client(session: Session, *, public_id: str, client_id: str) -> Report | None:
    """As :func:`get_for_client`, locking the row so status changes do not interleave."""
    return session.scalars(
        select(Report)
        .where(Report.public_id == public_id, Report.client_id == client_id)
        .with_for_update()
    ).first()


def finish(session: Session, *, report: Report, actor: Actor) -> Report:
    """Mark the report complete (no more files). Finishing twice is harmless."""
    if report.status == ReportStatus.RETRACTED:
        raise StateConflict("a retracted report cannot be finished")
    if report.status == ReportStatus.RECEIVED:
        report.status = ReportStatus.FINISHED
        report.finished_at = datetime.now(UTC)
        # Files are complete now: enrich again so their media signals are computed.
        queue_enrichment(session, report_id=report.id)
        record(
            session,
            actor=actor,
            action="report.finish",
            object_type="report",
            object_id=report.public_id,
        )
        session.flush()
    return report


def retract(session: Session, *, report: Report, actor: Actor) -> Report:
    """Cancel an unfinished report (CyberTipline semantics). Retracting twice is harmless."""
    if report.status == ReportStatus.FINISHED:
        raise StateConflict("a finished report cannot be retracted")
    if report.status == ReportStatus.RECEIVED:
        report.status = ReportStatus.RETRACTED
        report.retracted_at = datetime.now(UTC)
        record(
            session,
            actor=actor,
            action="report.retract",
            object_type="report",
            object_id=report.public_id,
        )
        session.flush()
    return report


def find_by_receipt_code(session: Session, *, code_sha256: str) -> Report | None:
    return session.scalars(select(Report).where(Report.receipt_code_sha256 == code_sha256)).first()


def declared_file(session: Session, *, report: Report, name: str) -> ReportFile | None:
    return session.scalars(
        select(ReportFile).where(ReportFile.report_id == report.id, ReportFile.name == name)
    ).first()

"""Report intake: submit (idempotent), read, finish and retract. Services flush, never commit.

Idempotency: a report is unique on (client, Idempotency-Key). The same key with the same body
(same SHA-256 of its canonical JSON) answers the stored receipt; with another body it is a
conflict. Reports are inserted with ON CONFLICT DO NOTHING on that pair, so two concurrent
submissions with one key never fail: the second insert waits for the first transaction, then
does nothing when it committed, and the second request re-reads the winner's row.

Submitting is split in two so that intake can write many reports in one transaction (group
commit, `perisai.reports.intake`): :func:`prepare` is pure, :func:`store` writes a batch.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.crypto import Keyring
from perisai.keystore import SubjectKeyStore
from perisai.reports import hooks
from perisai.reports.hooks import IpLookup
from perisai.reports.identifiers import FieldError, NormalisedIdentifier, account_identifiers
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
from perisai.reports.victimseal import (
    SubjectKeys,
    contact_binding,
    details_binding,
    seal_extra,
    seal_victim,
)

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a different body."""


class StateConflict(Exception):
    """The report's status does not allow this action (e.g. finishing a retracted report)."""


@dataclass(frozen=True)
class Submitted:
    receipt: Receipt
    created: bool
    report_id: int
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


@dataclass(frozen=True)
class SourceExtras:
    """What an imported file adds to its report: ``details`` (format, elements kept verbatim,
    how zoneless times were read) stored as ``details["source"]``, and ``sealed`` parts that
    may identify a child (kept verbatim from victim and intended-recipient blocks)."""

    details: dict[str, Any]
    sealed: dict[str, Any] = field(default_factory=dict)


# Fields of ReportIn stored in ``report.details`` (the sealed ones go to ``details_sealed``).
DETAIL_FIELDS = ("reporter", "law_enforcement", "chat_incidents", "email_incidents")
# FileDeclaration fields stored in ``report_file.details``.
_FILE_DETAIL_FIELDS = frozenset({
    "original_name", "source_file_id", "location", "uploaded_to_platform_at",
    "viewed_by_platform", "exif_viewed_by_platform", "relevance", "other_hashes", "ip_event",
    "devices", "metadata", "additional_info",
})  # fmt: skip


def _details(dumped: dict[str, Any], source: SourceExtras | None) -> dict[str, Any]:
    incident = {k: dumped["incident"][k] for k in ("platform", "time_description")}
    details: dict[str, Any] = {"incident": {k: v for k, v in incident.items() if v is not None}}
    details.update({name: dumped[name] for name in DETAIL_FIELDS if dumped[name]})
    if not details["incident"]:
        del details["incident"]
    if source is not None:
        details["source"] = source.details
    return details


def _sealed_details(
    keys: SubjectKeys, public_id: str, dumped: dict[str, Any], source: SourceExtras | None
) -> bytes | None:
    parts: dict[str, Any] = {}
    if dumped["intended_recipients"]:
        parts["intended_recipients"] = dumped["intended_recipients"]
    if source is not None:
        parts.update(source.sealed)
    if not parts:
        return None
    # Under a key of their own in the subject key store: erasing a child the report names
    # destroys it (intended recipients belong to no one victim position of the report).
    return seal_extra(keys, details_binding(public_id), parts)


@dataclass(frozen=True)
class PreparedReport:
    """A validated report turned into column values, before any database work.

    Built by :func:`prepare` (pure) and written by :func:`store`, alone or in a batch.
    """

    client_id: str
    idempotency_key: str
    body_sha256: str
    actor: Actor
    request_id: str | None
    report: dict[str, Any]
    victims: list[dict[str, Any]]  # report_victim values (reports/victimseal.py)
    files: list[dict[str, Any]]
    identifiers: list[NormalisedIdentifier]
    ip_intel: list[dict[str, Any]] = field(default_factory=list)
    # Data keys of the report's victims and sealed extras, and the store they go to: the
    # writer puts a batch's keys in one segment before it writes the rows (:func:`store`).
    subject_keys: SubjectKeys = field(default_factory=SubjectKeys)
    key_store: SubjectKeyStore | None = None
    # Why the report cannot be stored; :func:`store` still answers a key used before with its
    # stored receipt (a retry must not turn into an error because its first try succeeded).
    refusal: FieldError | None = None

    @property
    def public_id(self) -> str:
        return str(self.report["public_id"])

    @property
    def offence_codes(self) -> list[str]:
        return list(self.report["offence_codes"])

    def receipt(self) -> Receipt:
        return Receipt(
            report_id=self.public_id,
            received_at=self.report["received_at"],
            sha256=self.body_sha256,
        )


def _file_values(declared: FileDeclaration) -> dict[str, Any]:
    return {
        "name": declared.name,
        "declared_md5": declared.md5,
        "declared_sha1": declared.sha1,
        "declared_sha256": declared.sha256,
        "declared_size": declared.size,
        "content_type_declared": declared.content_type,
        "annotations": [str(item) for item in declared.annotations],
        "industry_classification": declared.industry_classification,
        "publicly_available": declared.publicly_available,
        "details": declared.model_dump(
            mode="json", include=set(_FILE_DETAIL_FIELDS), exclude_defaults=True
        ),
    }


def prepare(
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
    ip_lookup: IpLookup | None = None,
    request_id: str | None = None,
    source: SourceExtras | None = None,
) -> PreparedReport:
    """Normalise identifiers, seal victims and contact, and lay out the rows (no database).

    `ip_lookup` (accounts, received_at) → `report_ip_intel` values stores IP intelligence with
    the report, so its facts are there from the first read. A value that cannot be stored is
    kept as the prepared report's `refusal`, not raised: only :func:`store` can tell a retry.
    """
    refusal = None
    try:
        identifiers = account_identifiers(data.reported_accounts)
    except FieldError as exc:
        identifiers, refusal, ip_lookup = [], exc, None
    received_at = now()
    public_id = new_public_id(received_at)
    dumped = data.model_dump(mode="json")
    keys = SubjectKeys()
    contact_sealed = None
    if hotline is not None and hotline.contact:
        # The reporter's own contact, under a key of its own: destroyed by its retention rule
        # and when a child the report names is erased (victims/retention.py).
        contact_sealed = seal_extra(keys, contact_binding(public_id), hotline.contact)
    report = {
        "public_id": public_id,
        "status": ReportStatus.RECEIVED.value,
        "reporter_kind": reporter_kind.value,
        "api_key_id": api_key_id,
        "client_id": client_id,
        "idempotency_key": idempotency_key,
        "body_sha256": body_sha256,
        "received_at": received_at,
        "incident_type": data.incident.type,
        "occurred_at": data.incident.occurred_at,
        "escalation_reason": data.incident.escalation_reason,
        "incident_annotations": dumped["incident"]["annotations"],
        "reported_accounts": dumped["reported_accounts"],
        "conversations": dumped["conversations"],
        "urls": dumped["urls"],
        "additional_info": data.additional_info,
        "jurisdiction": data.jurisdiction,
        "offence_codes": list(data.offence_codes),
        "victim_count": len(data.victims),
        "receipt_code_sha256": hotline.receipt_code_sha256 if hotline else None,
        "contact_sealed": contact_sealed,
        "details": _details(dumped, source),
        "details_sealed": _sealed_details(keys, public_id, dumped, source),
    }
    # Each victim under a data key of its own, so that erasing the child shreds every copy.
    victims = [
        seal_victim(keys, public_id, position, victim)
        for position, victim in enumerate(dumped["victims"])
    ]
    return PreparedReport(
        client_id=client_id,
        idempotency_key=idempotency_key,
        body_sha256=body_sha256,
        actor=actor,
        request_id=request_id,
        report=report,
        victims=victims,
        subject_keys=keys,
        key_store=keyring.subjects() if keys.keys else None,
        files=[_file_values(declared) for declared in data.files],
        identifiers=identifiers,
        ip_intel=ip_lookup(dumped["reported_accounts"], received_at) if ip_lookup else [],
        refusal=refusal,
    )


Outcome = Submitted | IdempotencyConflict | FieldError


def store(session: Session, items: Sequence[PreparedReport]) -> list[Outcome]:
    """Write prepared reports in the session's transaction; one outcome per item, in order.

    Set-based, so a batch costs a handful of statements whatever its size: the reports go in
    with one INSERT … ON CONFLICT DO NOTHING on (client, Idempotency-Key), so a key already
    used (by an earlier request, a concurrent one that committed first, or an earlier item of
    this batch) answers that report's receipt, or a conflict for another body, without an
    error that would abort the transaction.
    """
    outcomes = _refusals(session, items)
    while len(outcomes) < len(items):
        # An item whose key an earlier item of the batch uses waits for the next round, where
        # it meets that item's row as an existing report.
        keys: set[tuple[str, str]] = set()
        this_round = []
        for index, item in enumerate(items):
            key = (item.client_id, item.idempotency_key)
            if index not in outcomes and key not in keys:
                keys.add(key)
                this_round.append(index)
        outcomes.update(_store_round(session, items, this_round))
    return [outcomes[index] for index in range(len(items))]


def _refusals(session: Session, items: Sequence[PreparedReport]) -> dict[int, Outcome]:
    """Outcomes of the items that cannot be stored: the stored report when the key was used
    before (its receipt, or a conflict for another body), else the refusal."""
    refused = {i: item.refusal for i, item in enumerate(items) if item.refusal is not None}
    for index, error in _offence_code_errors(session, items).items():
        refused.setdefault(index, error)
    if not refused:
        return {}
    existing = _existing(session, [items[index] for index in refused])
    outcomes: dict[int, Outcome] = {}
    for index, error in refused.items():
        item = items[index]
        found = existing.get((item.client_id, item.idempotency_key))
        outcomes[index] = error if found is None else _replay(found, item.body_sha256)
    return outcomes


def _offence_code_errors(
    session: Session, items: Sequence[PreparedReport]
) -> dict[int, FieldError]:
    codes = {code for item in items for code in item.offence_codes}
    if not codes:
        return {}
    known = set(
        session.scalars(
            select(OffenceCode.code).where(OffenceCode.code.in_(codes), OffenceCode.active)
        )
    )
    errors: dict[int, FieldError] = {}
    for index, item in enumerate(items):
        for position, code in enumerate(item.offence_codes):
            if code not in known:
                message = f"unknown or inactive offence code {code!r}"
                errors[index] = FieldError(f"offence_codes.{position}", message)
                break
    return errors


_REPORT = cast(Table, Report.__table__)


def _put_keys(items: Sequence[PreparedReport], indexes: list[int]) -> dict[int, str]:
    """Put the round's data keys in the subject key store, one segment write and one fsync per
    store, before any row sealed under them is written; index → segment. The keys of an item
    that turns out to be a replay stay in the store unused (harmless)."""
    by_store: dict[int, tuple[SubjectKeyStore, list[int]]] = {}
    for index in indexes:
        store = items[index].key_store
        if store is not None and items[index].subject_keys.keys:
            by_store.setdefault(id(store), (store, []))[1].append(index)
    segments: dict[int, str] = {}
    for store, members in by_store.values():
        keys = {s: k for i in members for s, k in items[i].subject_keys.keys.items()}
        segment = store.put(keys)
        segments.update(dict.fromkeys(members, segment))
    return segments


def _store_round(
    session: Session, items: Sequence[PreparedReport], indexes: list[int]
) -> dict[int, Outcome]:
    segments = _put_keys(items, indexes)
    inserted = {
        (row.client_id, row.idempotency_key): row.id
        # executemany: one cached statement, sent as one multi-row INSERT ("insertmanyvalues")
        for row in session.execute(
            pg_insert(_REPORT)
            .on_conflict_do_nothing(index_elements=["client_id", "idempotency_key"])
            .returning(_REPORT.c.id, _REPORT.c.client_id, _REPORT.c.idempotency_key),
            [{**items[index].report, "key_segment": segments.get(index)} for index in indexes],
        )
    }
    outcomes: dict[int, Outcome] = {}
    created: list[tuple[int, PreparedReport]] = []
    for index in indexes:
        item = items[index]
        report_id = inserted.get((item.client_id, item.idempotency_key))
        if report_id is not None:
            created.append((report_id, _with_segment(item, segments.get(index))))
            outcomes[index] = Submitted(receipt=item.receipt(), created=True, report_id=report_id)
    _store_children(session, created)
    existing = _existing(session, [items[i] for i in indexes if i not in outcomes])
    for index in indexes:
        if index not in outcomes:
            item = items[index]
            found = existing[(item.client_id, item.idempotency_key)]
            outcomes[index] = _replay(found, item.body_sha256)
    return outcomes


def _with_segment(item: PreparedReport, segment: str | None) -> PreparedReport:
    victims = [{**values, "key_segment": segment} for values in item.victims]
    return replace(item, victims=victims)


def _store_children(session: Session, created: list[tuple[int, PreparedReport]]) -> None:
    """Victims, files, identifiers and audit entries; the `reports.stored` hooks (enrichment:
    IP intelligence looked up at intake, enrichment jobs) in the same transaction."""
    if not created:
        return
    children: list[tuple[Table, list[dict[str, Any]]]] = [
        (
            cast(Table, ReportVictim.__table__),
            [{"report_id": rid, **values} for rid, item in created for values in item.victims],
        ),
        (
            cast(Table, ReportFile.__table__),
            [{"report_id": rid, **values} for rid, item in created for values in item.files],
        ),
        (
            cast(Table, ReportIdentifier.__table__),
            [
                {
                    "report_id": rid,
                    "account_index": found.account_index,
                    "kind": found.kind,
                    "key": found.key,
                    "original": found.original,
                }
                for rid, item in created
                for found in item.identifiers
            ],
        ),
    ]
    for table, rows in children:
        if rows:
            session.execute(insert(table), rows)
    # What other domains do on intake (enrichment queues its job) commits with the reports:
    # acknowledged means queued too.
    hooks.stored(session, created)
    for _, item in created:
        record(
            session,
            actor=item.actor,
            action="report.submit",
            object_type="report",
            object_id=item.public_id,
            details={
                "sha256": item.body_sha256,
                "incident_type": item.report["incident_type"],
                "files_declared": len(item.files),
            },
            request_id=item.request_id,
        )


@dataclass(frozen=True)
class _Existing:
    id: int
    public_id: str
    received_at: datetime
    body_sha256: str


def _existing(session: Session, items: list[PreparedReport]) -> dict[tuple[str, str], _Existing]:
    if not items:
        return {}
    pairs = [(item.client_id, item.idempotency_key) for item in items]
    rows = session.execute(
        select(
            _REPORT.c.id,
            _REPORT.c.public_id,
            _REPORT.c.received_at,
            _REPORT.c.body_sha256,
            _REPORT.c.client_id,
            _REPORT.c.idempotency_key,
        ).where(tuple_(_REPORT.c.client_id, _REPORT.c.idempotency_key).in_(pairs))
    )
    return {
        (row.client_id, row.idempotency_key): _Existing(
            row.id, row.public_id, row.received_at, row.body_sha256
        )
        for row in rows
    }


def _replay(found: _Existing, body_sha256: str) -> Outcome:
    if found.body_sha256 != body_sha256:
        return IdempotencyConflict(found.public_id)
    receipt = Receipt(
        report_id=found.public_id,
        received_at=found.received_at.astimezone(UTC),
        sha256=found.body_sha256,
    )
    return Submitted(receipt=receipt, created=False, report_id=found.id)


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
    source: SourceExtras | None = None,
    ip_lookup: IpLookup | None = None,
) -> Submitted:
    """Store one report (or find the one this key already stored); raise on a refusal.

    The returned `report` is the ORM row, for callers that go on working with it.
    """
    prepared = prepare(
        keyring=keyring,
        actor=actor,
        data=data,
        body_sha256=body_sha256,
        client_id=client_id,
        idempotency_key=idempotency_key,
        api_key_id=api_key_id,
        reporter_kind=reporter_kind,
        hotline=hotline,
        source=source,
        ip_lookup=ip_lookup,
    )
    (outcome,) = store(session, [prepared])
    if isinstance(outcome, Exception):
        raise outcome
    report = session.get(Report, outcome.report_id)
    return replace(outcome, report=report)


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
        hooks.finished(session, report.id)
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

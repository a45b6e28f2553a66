"""Reports that arrive as files (CyberTipline reports forwarded by NCMEC) and leave as files
(a report forwarded to NCMEC as CyberTipline XML).

The idempotency key of an import is the SHA-256 of its bytes (the report document, then each
file-details document), so importing the same files twice finds the first report instead of
creating a second one. Exporting unseals the victims and intended recipients: it is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.crypto import Keyring
from perisai.reports import service
from perisai.reports.cybertip import CybertipImport, CybertipProblems, Zone, read_cybertip
from perisai.reports.cybertip.document import validation_problems
from perisai.reports.cybertip.writer import report_element, report_xml
from perisai.reports.identifiers import FieldError
from perisai.reports.models import Report, ReporterKind
from perisai.reports.parties import Reporter
from perisai.reports.schemas import ReportIn
from perisai.reports.victimseal import open_details, open_victim

NCMEC_CLIENT = "import:ncmec"


class CybertipImportError(ValueError):
    """The files cannot be imported; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    submitted: service.Submitted
    summary: dict[str, Any]


def files_sha256(report: bytes, file_details: Sequence[bytes] = ()) -> str:
    digest = hashlib.sha256(report)
    for raw in file_details:
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest() if file_details else hashlib.sha256(report).hexdigest()


def parse_cybertip_files(
    report: bytes, file_details: Sequence[bytes] = (), *, zone: Zone | None = None
) -> CybertipImport:
    """Validate and map without touching the database; ``CybertipImportError`` lists why not."""
    try:
        return read_cybertip(report, file_details, zone=zone)
    except CybertipProblems as exc:
        raise CybertipImportError(exc.problems) from None


def import_cybertip(
    session: Session,
    *,
    keyring: Keyring,
    actor: Actor,
    raw: bytes,
    file_details: Sequence[bytes] = (),
    zone: Zone | None = None,
) -> Imported:
    """Store the report in ``raw`` (or find the one these same files created before)."""
    parsed = parse_cybertip_files(raw, file_details, zone=zone)
    digest = files_sha256(raw, file_details)
    try:
        submitted = service.submit(
            session,
            keyring=keyring,
            actor=actor,
            data=parsed.data,
            body_sha256=digest,
            client_id=NCMEC_CLIENT,
            idempotency_key=digest,
            reporter_kind=ReporterKind.IMPORT,
            source=parsed.source,
        )
    except FieldError as exc:
        raise CybertipImportError([f"{exc.field}: {exc.message}"]) from None
    return Imported(submitted, parsed.summary)


# --- export ---------------------------------------------------------------------------------


class ExportError(ValueError):
    """The report cannot be exported (unknown, retracted, or not schema-valid)."""


def stored_report_in(report: Report, keyring: Keyring) -> ReportIn:
    """The report as a ``ReportIn`` again, victims and intended recipients unsealed."""
    # A shredded victim (erased child) is exported as an empty victim block: nothing is left.
    victims = [open_victim(keyring, report.public_id, v) or {} for v in report.victims]
    # Intended recipients of a child who was erased are gone with the key: none are exported.
    sealed = open_details(keyring, report) or {}
    details = dict(report.details or {})
    incident = {
        "type": report.incident_type,
        "occurred_at": report.occurred_at,
        "escalation_reason": report.escalation_reason,
        "annotations": list(report.incident_annotations or []),
        **details.get("incident", {}),
    }
    body = {
        "incident": incident,
        "reported_accounts": list(report.reported_accounts or []),
        "victims": victims,
        "conversations": list(report.conversations or []),
        "urls": list(report.urls or []),
        "additional_info": report.additional_info,
        "jurisdiction": report.jurisdiction,
        "offence_codes": list(report.offence_codes or []),
        "intended_recipients": sealed.get("intended_recipients", []),
        **{key: details[key] for key in service.DETAIL_FIELDS if key in details},
    }
    return ReportIn.model_validate(body)


def export_cybertip(
    session: Session,
    *,
    keyring: Keyring,
    actor: Actor,
    public_id: str,
    reporter: Reporter | None = None,
) -> bytes:
    """Schema-valid CyberTipline XML of a stored report (audited: victims are unsealed)."""
    report = session.scalars(select(Report).where(Report.public_id == public_id)).first()
    if report is None:
        raise ExportError(f"no report {public_id[:40]!r}")
    if report.status == "retracted":
        raise ExportError(f"{public_id} was retracted: it is not forwarded")
    data = stored_report_in(report, keyring)
    problems = validation_problems(
        report_element(data, received_at=report.received_at, reporter=reporter)
    )
    if problems:
        raise ExportError("; ".join(["not valid CyberTipline XML", *problems]))
    record(
        session,
        actor=actor,
        action="report.export.cybertip",
        object_type="report",
        object_id=public_id,
        details={
            "victims": len(data.victims),
            "intended_recipients": len(data.intended_recipients),
        },
    )
    return report_xml(data, received_at=report.received_at, reporter=reporter)

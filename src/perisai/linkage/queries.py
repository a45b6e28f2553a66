"""Database reads for linkage: which reports carry a key, and which keys a report carries.

Keys are identifier keys as intake stored them in `report_identifier` (`phone:+60123456789`)
plus media keys built here from report files: `sha256:<hex>` and `md5:<hex>` (the uploaded
hash, or the declared one until the upload arrives). Services only read; nothing commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from perisai.enrichment.models import ReportIpIntel
from perisai.reports.models import Report, ReportFile, ReportIdentifier

MEDIA_KINDS = ("sha256", "md5")


@dataclass(frozen=True)
class KeyRow:
    report_id: int
    kind: str
    key: str
    original: str
    file_name: str | None = None


def _split(keys: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    identifiers: list[str] = []
    sha256: list[str] = []
    md5: list[str] = []
    for key in keys:
        kind, _, value = key.partition(":")
        (sha256 if kind == "sha256" else md5 if kind == "md5" else identifiers).append(
            value if kind in MEDIA_KINDS else key
        )
    return identifiers, sha256, md5


def _sha256() -> Any:
    return func.coalesce(ReportFile.sha256, ReportFile.declared_sha256)


def _md5() -> Any:
    return func.coalesce(ReportFile.md5, ReportFile.declared_md5)


def reports_with_keys(session: Session, keys: Collection[str]) -> set[int]:
    """Ids of the reports that carry any of `keys` (identifier or media keys)."""
    identifiers, sha256, md5 = _split(keys)
    found: set[int] = set()
    if identifiers:
        found.update(
            session.scalars(
                select(ReportIdentifier.report_id).where(ReportIdentifier.key.in_(identifiers))
            )
        )
    if sha256 or md5:
        conditions = []
        if sha256:
            conditions += [ReportFile.sha256.in_(sha256), ReportFile.declared_sha256.in_(sha256)]
        if md5:
            conditions += [ReportFile.md5.in_(md5), ReportFile.declared_md5.in_(md5)]
        found.update(session.scalars(select(ReportFile.report_id).where(or_(*conditions))))
    return found


def keys_of_reports(session: Session, report_ids: Collection[int]) -> list[KeyRow]:
    """Every identifier and media key the reports carry, in a stable order."""
    if not report_ids:
        return []
    rows = [
        KeyRow(report_id, kind, key, original)
        for report_id, kind, key, original in session.execute(
            select(
                ReportIdentifier.report_id,
                ReportIdentifier.kind,
                ReportIdentifier.key,
                ReportIdentifier.original,
            )
            .where(ReportIdentifier.report_id.in_(report_ids))
            .order_by(ReportIdentifier.id)
        )
    ]
    for report_id, name, sha256, md5 in session.execute(
        select(ReportFile.report_id, ReportFile.name, _sha256(), _md5())
        .where(ReportFile.report_id.in_(report_ids))
        .order_by(ReportFile.id)
    ):
        for kind, digest in (("sha256", sha256), ("md5", md5)):
            if digest:
                rows.append(KeyRow(report_id, kind, f"{kind}:{digest.lower()}", digest, name))
    return rows


@dataclass(frozen=True)
class ReportSummary:
    id: int
    public_id: str
    status: str
    reporter_kind: str
    incident_type: str
    received_at: datetime
    occurred_at: datetime | None
    reported_accounts: list[dict[str, Any]]


def report_summaries(session: Session, report_ids: Collection[int]) -> list[ReportSummary]:
    if not report_ids:
        return []
    reports = session.scalars(
        select(Report).where(Report.id.in_(report_ids)).order_by(Report.received_at, Report.id)
    )
    return [
        ReportSummary(
            id=report.id,
            public_id=report.public_id,
            status=report.status,
            reporter_kind=report.reporter_kind,
            incident_type=report.incident_type,
            received_at=report.received_at,
            occurred_at=report.occurred_at,
            reported_accounts=list(report.reported_accounts or []),
        )
        for report in reports
    ]


def ip_intel_of_reports(
    session: Session, report_ids: Collection[int]
) -> dict[tuple[int, int, int], dict[str, Any]]:
    """Stored enrichment answers by (report id, account position, event position)."""
    if not report_ids:
        return {}
    rows = session.scalars(select(ReportIpIntel).where(ReportIpIntel.report_id.in_(report_ids)))
    return {(row.report_id, row.account_index, row.event_index): row.answer for row in rows}

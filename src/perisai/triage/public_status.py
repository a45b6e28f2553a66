"""What a hotline reporter may know about their report: its stage, nothing more.

The receipt code shows where the report is on a short public path (received → reviewed →
passed to the agency that can act → closed), never internal details: no priority, reasons,
case number, agency name, people, notes or outcome.

The hotline page (reports) asks through its `reports.public_stage` hook: the stage is read from
triage and cases, which reports does not import.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.cases import service as cases
from perisai.cases.models import CaseStatus, ReferralStatus
from perisai.reports.hooks import Stage
from perisai.reports.models import Report, ReportStatus
from perisai.triage import service as triage


def public_stage(session: Session, report: Report) -> Stage:
    """The furthest stage the report has reached."""
    if report.status == ReportStatus.RETRACTED.value:
        return "closed"
    case = cases.case_of_report(session, report.id)
    if case is not None:
        if case.status == CaseStatus.CLOSED.value:
            return "closed"
        if any(r.status != ReferralStatus.DECLINED.value for r in case.referrals):
            return "referred"
        return "reviewed"
    record = triage.get_triage_or_none(session, report_id=report.id)
    if record is not None and (record.reviewed_at is not None or record.actioned_at is not None):
        return "reviewed"
    return "received"

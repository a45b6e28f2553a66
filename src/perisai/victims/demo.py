"""Demo data: the child of the demo case (a made-up 14-year-old) has a victim record, with the
guardian's consent that the NGO may know the support plan and the school. Identity stays sealed
under the record's own key; the record page shows it to JKM once a purpose is chosen."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.cases.models import Case, CaseReport
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.redaction import VictimGroup
from perisai.victims import service

DEMO_CASE_TITLE = "Demo: threat to share a pupil's photo"  # perisai.workspace.demo_data


def seed(runtime: Runtime, session: Session) -> None:
    report_id = session.scalar(
        select(Report.public_id)
        .join(CaseReport, CaseReport.report_id == Report.id)
        .join(Case, Case.id == CaseReport.case_id)
        .where(Case.title == DEMO_CASE_TITLE)
        .limit(1)
    )
    if report_id is None:  # the workspace demo was not seeded
        return
    report = session.scalars(select(Report).where(Report.public_id == report_id)).one()
    found = service.victims_of_report(session, report.id)  # another seeder may have made it
    victim = (
        found[0]
        if found
        else service.create_from_report(
            session, runtime.keyring, report_public_id=report_id, position=0, actor=SYSTEM
        )
    )
    for group in (VictimGroup.SUPPORT, VictimGroup.SCHOOL):
        if service.has_consent(session, victim, group, "NGO"):
            continue
        service.record_consent(
            session, victim, group=group, agency="NGO", given_by="both", method="in_person",
            actor=SYSTEM,
        )  # fmt: skip

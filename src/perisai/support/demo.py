"""Demo data for victim support: the workspace demo's case about a 14-year-old (referred to JKM)
gets a victim record and a support plan led by the demo JKM caseworker: needs assessed, a JKM
child protector and an NGO counsellor (with an appointment and a follow-up due), the first
forensic interview held, and a code for the child's own view (`/sokongan`, `/support`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.cases.models import Case, CaseReport
from perisai.identity.models import Agency, User
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer
from perisai.support import childview, service
from perisai.support.models import ForensicInterview, InterviewStatus
from perisai.victims import service as victims

#: Try them on /support or /sokongan (docs/support.md).
DEMO_CHILD_CODE: Final = "SK-DEMX2026"
DEMO_CHILD_SECRET: Final = "DEMO-2026-KITA"  # noqa: S105 - the demo's published secret
DEMO_CASE_TITLE: Final = "Demo: threat to share a pupil's photo"


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _case_report(session: Session) -> Report | None:
    return session.scalar(
        select(Report)
        .join(CaseReport, CaseReport.report_id == Report.id)
        .join(Case, Case.id == CaseReport.case_id)
        .where(Case.title == DEMO_CASE_TITLE)
    )


def seed(runtime: Runtime, session: Session) -> None:
    caseworker = _user(session, "caseworker@demo.perisai.my")
    counsellor = _user(session, "ngo@demo.perisai.my")
    report = _case_report(session)
    if caseworker is None or counsellor is None or report is None:
        return  # seeded alone (a test): nothing to hang a plan on
    found = victims.victims_of_report(session, report.id)
    victim = (
        found[0]
        if found
        else victims.create_from_report(
            session, runtime.keyring, report_public_id=report.public_id, position=0, actor=SYSTEM
        )
    )
    jkm, ngo = Viewer.for_user(caseworker), Viewer.for_user(counsellor)
    plan = service.start_plan(
        session, viewer=Viewer.system(), victim_id=victim.id, caseworker_id=caseworker.id
    )
    now = datetime.now(UTC)
    for area, level in (("safety", "medium"), ("counselling", "high"), ("school", "low")):
        service.assess_need(session, viewer=jkm, public_id=plan.public_id, area=area, level=level)
    service.set_offender_known(session, viewer=jkm, public_id=plan.public_id, known=False)
    welfare = service.add_service(
        session,
        viewer=jkm,
        public_id=plan.public_id,
        kind="jkm",
        owner_id=caseworker.id,
        follow_up_due_at=now + timedelta(days=7),
    )
    service.change_service(
        session,
        viewer=jkm,
        public_id=plan.public_id,
        service_id=welfare.id,
        change=service.ServiceChange(appointment_at=now + timedelta(days=3)),
    )
    counselling = service.add_service(
        session,
        viewer=jkm,
        public_id=plan.public_id,
        kind="counselling",
        owner_id=counsellor.id,
    )
    service.record_contact(
        session,
        viewer=ngo,
        public_id=plan.public_id,
        service_id=counselling.id,
        kind="contact",
        next_due=now + timedelta(days=14),
    )
    police = session.scalar(select(Agency.id).where(Agency.short_name == "PDRM"))
    assert police is not None
    session.add(
        ForensicInterview(
            plan_id=plan.id,
            number=1,
            repeat=False,
            status=InterviewStatus.HELD.value,
            scheduled_for=now - timedelta(days=1),
            held_at=now - timedelta(days=1),
            agency_id=police,
            interviewer="Insp. Contoh (demo)",
            recording_location="PDRM D11 evidence store, exhibit DEMO/1",
            requested_by="system:demo",
        )
    )
    childview.issue(
        session,
        viewer=jkm,
        public_id=plan.public_id,
        helpers=True,
        appointment=True,
        contact=True,
        contact_text="Puan Contoh (demo), JKM, 03-0000 0000, Isnin–Jumaat 8.00–17.00",
        lang="ms",
    )
    plan.child_code = DEMO_CHILD_CODE
    plan.child_secret_hash = childview.secret_hash(DEMO_CHILD_CODE, DEMO_CHILD_SECRET)
    session.flush()

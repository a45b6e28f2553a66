"""Case workflow on a real database: create, merge, split, assign, refer/accept/decline, tasks,
notes, status, timeline; each change an event and an audit entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST, actor_of, make_case
from tests.identity.factories import make_user
from tests.triage.factories import make_report

from perisai.audit.models import AuditEntry
from perisai.audit.service import flush_pending
from perisai.cases import service as cases
from perisai.cases.errors import CaseConflict, CaseNotFound, NotPermitted
from perisai.cases.models import CaseStatus
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent
from perisai.sharing.redaction import Viewer, can_see_case, can_see_victim
from perisai.triage.models import TriageRecord


def events(db: Session, case_id: int) -> list[OutboxEvent]:
    return list(db.scalars(select(OutboxEvent).where(OutboxEvent.case_id == case_id)))


def test_create_case_emits_event_and_audit(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring, escalation="danger now")
    assert case.status == "new"
    assert case.priority == 1
    assert case.public_id.startswith("C-")
    (event,) = events(db, case.id)
    assert event.type == "case.created"
    assert event.audience == ["SECRETARIAT"]
    flush_pending(db)
    assert db.scalar(
        select(func.count()).where(
            AuditEntry.action == "case.created", AuditEntry.object_id == case.public_id
        )
    )


def test_a_report_is_in_one_case_only(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    with pytest.raises(CaseConflict, match="already in a case"):
        cases.create_case(db, title="again", report_ids=[case.reports[0].report_id], actor=ANALYST)
    with pytest.raises(CaseNotFound):
        cases.create_case(db, title="ghost", report_ids=[10**12], actor=ANALYST)
    with pytest.raises(CaseConflict, match="title"):
        cases.create_case(db, title="   ", report_ids=[], actor=ANALYST)


def test_workflow_transitions_and_closing_needs_an_outcome(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    cases.change_status(db, case_id=case.id, status="triage", actor=ANALYST)
    with pytest.raises(CaseConflict, match="cannot go from triage to referred"):
        cases.change_status(db, case_id=case.id, status="referred", actor=ANALYST)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    assert case.status == "assigned"
    cases.change_status(db, case_id=case.id, status="investigating", actor=ANALYST)
    with pytest.raises(CaseConflict, match="outcome"):
        cases.change_status(db, case_id=case.id, status="closed", actor=ANALYST)
    with pytest.raises(CaseConflict):
        cases.change_status(db, case_id=case.id, status="nonsense", actor=ANALYST)
    cases.change_status(
        db, case_id=case.id, status="closed", outcome="no_further_action", actor=ANALYST
    )
    assert case.closed_at is not None
    with pytest.raises(CaseConflict, match="closed"):
        cases.add_task(db, case_id=case.id, title="late", actor=ANALYST)
    types = [e.type for e in events(db, case.id)]
    assert types.count("case.status_changed") == 3


def test_referral_accepted_assigns_the_responding_caseworker(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring, victim_age=12, phone="0123456789")
    report_id = case.reports[0].report_id
    referral = cases.refer(
        db, case_id=case.id, agency="JKM", reason="victim needs support", actor=ANALYST
    )
    assert case.status == "referred"
    assert "JKM" in case.agencies
    triage = db.get(TriageRecord, report_id)
    assert triage is not None
    assert triage.actioned_at is not None  # a referral is a first action
    with pytest.raises(NotPermitted):
        cases.respond_to_referral(
            db, referral_id=referral.id, accept=True, actor=actor_of("NGO", "caseworker")
        )
    caseworker, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    cases.respond_to_referral(
        db,
        referral_id=referral.id,
        accept=True,
        actor=actor_of("JKM", "caseworker", caseworker.id),
        note="we will contact the family",
    )
    assert referral.status == "accepted"
    assert case.assigned_caseworker_id == caseworker.id
    assert can_see_victim(Viewer.for_user(caseworker), case)
    with pytest.raises(CaseConflict, match="already accepted"):
        cases.respond_to_referral(
            db, referral_id=referral.id, accept=False, actor=actor_of("JKM", "caseworker")
        )


def test_declined_referral_removes_visibility(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    cases.change_status(db, case_id=case.id, status="investigating", actor=ANALYST)
    referral = cases.refer(db, case_id=case.id, agency="NGO", reason="support", actor=ANALYST)
    ngo_user, _ = make_user(db, runtime.keyring, role="caseworker", agency="NGO")
    assert can_see_case(Viewer.for_user(ngo_user), case)
    cases.respond_to_referral(
        db, referral_id=referral.id, accept=False, actor=actor_of("NGO", "caseworker")
    )
    assert case.status == "investigating"
    assert "NGO" not in case.agencies
    assert not can_see_case(Viewer.for_user(ngo_user), case)
    declined = [e for e in events(db, case.id) if e.type == "case.referral_declined"]
    assert "NGO" in declined[0].audience  # told its answer was recorded


def test_assign_checks_the_user_belongs_to_the_agency(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    with pytest.raises(CaseConflict, match="not an active member of JKM"):
        cases.assign(db, case_id=case.id, agency="JKM", user_id=investigator.id, actor=ANALYST)
    with pytest.raises(CaseConflict, match="unknown agency"):
        cases.assign(db, case_id=case.id, agency="FBI", actor=ANALYST)
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=ANALYST)
    assert case.assigned_investigator_id == investigator.id
    assert [e.audience for e in events(db, case.id) if e.type == "case.assigned"] == [
        ["PDRM", "SECRETARIAT"]
    ]


def test_tasks_and_notes(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    due = datetime.now(UTC) + timedelta(days=2)
    task = cases.add_task(
        db,
        case_id=case.id,
        title="Request subscriber data",
        due_at=due,
        actor=ANALYST,
        assignee_agency="MCMC",
    )
    with pytest.raises(CaseConflict, match="time zone"):
        cases.add_task(db, case_id=case.id, title="x", due_at=datetime(2026, 1, 1), actor=ANALYST)
    cases.complete_task(db, task_id=task.id, actor=ANALYST)
    assert task.done_at is not None
    with pytest.raises(CaseConflict, match="already done"):
        cases.complete_task(db, task_id=task.id, actor=ANALYST)
    note = cases.add_note(db, case_id=case.id, body="Platform confirmed account.", actor=ANALYST)
    assert note.author_agency == "SECRETARIAT"
    with pytest.raises(CaseConflict, match="empty"):
        cases.add_note(db, case_id=case.id, body="  ", actor=ANALYST)
    types = [entry.type for entry in cases.case_timeline(db, case.id)]
    assert types == ["case.created", "case.task_added", "case.task_done", "case.note_added"]


def test_merge_moves_everything_and_closes_the_source(db: Session, runtime: Runtime) -> None:
    target = make_case(db, runtime.keyring, incident="child_pornography", phone="0123456781")
    source = make_case(db, runtime.keyring, escalation="danger")
    cases.add_note(db, case_id=source.id, body="source note", actor=ANALYST)
    cases.assign(db, case_id=source.id, agency="CSM", actor=ANALYST)
    merged = cases.merge_cases(db, target_id=target.id, source_ids=[source.id], actor=ANALYST)
    assert len(merged.reports) == 2
    assert merged.priority == 1
    assert "CSM" in merged.agencies
    assert source.status == "closed"
    assert source.outcome == "merged"
    assert source.merged_into_id == target.id
    timeline = [e.type for e in cases.case_timeline(db, target.id)]
    assert "case.note_added" in timeline  # the source's history shows in the target's
    with pytest.raises(CaseConflict):
        cases.merge_cases(db, target_id=target.id, source_ids=[target.id], actor=ANALYST)


def test_split_moves_reports_and_keeps_agencies(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring, reports=2)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    moving = case.reports[1].report_id
    new = cases.split_case(
        db, case_id=case.id, report_ids=[moving], title="Second suspect", actor=ANALYST
    )
    assert [r.report_id for r in new.reports] == [moving]
    assert len(case.reports) == 1
    assert new.agencies == case.agencies == frozenset({"PDRM"})
    with pytest.raises(CaseConflict, match="at least one"):
        cases.split_case(
            db,
            case_id=case.id,
            report_ids=[case.reports[0].report_id],
            title="all",
            actor=ANALYST,
        )
    with pytest.raises(CaseConflict, match="not in this case"):
        cases.split_case(db, case_id=case.id, report_ids=[moving], title="x", actor=ANALYST)


def test_attach_skips_a_report_already_in_a_case(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    other = make_case(db, runtime.keyring)
    assert (
        cases.attach_report(
            db,
            case_id=case.id,
            report_id=other.reports[0].report_id,
            reason="x",
            actor=ANALYST,
        )
        is None
    )
    loose = make_report(db, runtime.keyring)
    attached = cases.attach_report(
        db, case_id=case.id, report_id=loose.id, reason="manual", actor=ANALYST, needs_review=True
    )
    assert attached is not None
    cases.confirm_attachment(db, case_id=case.id, report_id=loose.id, actor=ANALYST)
    assert not attached.needs_review


def test_status_enum_lists_the_workflow() -> None:
    assert [s.value for s in CaseStatus] == [
        "new",
        "triage",
        "assigned",
        "investigating",
        "referred",
        "closed",
    ]

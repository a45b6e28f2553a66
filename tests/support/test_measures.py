"""The Barnahus measures on two synthetic children whose figures are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, make_plan_world, viewer

from perisai.audit.service import SYSTEM
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer
from perisai.support import interviews, measures, service
from perisai.support.models import ForensicInterview, SupportFollowUp, SupportPlan
from perisai.victims import service as victims
from perisai.web.timefmt import to_malaysia

NOW = datetime.now(UTC).replace(microsecond=0)
A_REPORT = NOW - timedelta(days=60)
B_REPORT = NOW - timedelta(days=100)
REASON = "The first interview was cut short (synthetic reason for the test)."


def _received(pw: PlanWorld, at: datetime) -> None:
    pw.world.report.received_at = at


def _held(db: Session, pw: PlanWorld, number: int, *, repeat: bool) -> None:
    interviews.schedule(
        db,
        viewer=pw.pdrm,
        public_id=pw.id,
        scheduled_for=A_REPORT + timedelta(days=number),
        agency="PDRM",
        interviewer="Insp. Contoh",
        reason=REASON if repeat else "",
    )
    if repeat:
        interviews.decide(
            db, viewer=viewer(pw.supervisor), public_id=pw.id, number=number, approve=True
        )
    interviews.mark_held(
        db,
        viewer=pw.pdrm,
        public_id=pw.id,
        number=number,
        held_at=A_REPORT + timedelta(days=number),
        recording_location="PDRM store (synthetic)",
    )


@pytest.fixture
def children(db: Session, runtime: Runtime) -> tuple[PlanWorld, SupportPlan]:
    a = make_plan_world(db, runtime.keyring)
    _received(a, A_REPORT)
    # A child with no report linked (a walk-in): counted from the plan's start.
    walk_in = victims.create_victim(db, runtime.keyring, actor=SYSTEM, age=10)
    b = service.start_plan(db, viewer=Viewer.system(), victim_id=walk_in.id)
    b.created_at = B_REPORT
    counselling = service.add_service(db, viewer=a.jkm, public_id=a.id, kind="counselling")
    welfare = service.add_service(db, viewer=a.jkm, public_id=a.id, kind="jkm")
    for found in (counselling, welfare):
        found.referred_at = A_REPORT + timedelta(days=1)
    db.add(
        SupportFollowUp(
            service_id=counselling.id,
            kind="contact",
            at=A_REPORT + timedelta(days=3),
            by="user:test",
            agency_id=counselling.provider_agency_id,
        )
    )
    _held(db, a, 1, repeat=False)
    _held(db, a, 2, repeat=True)
    db.flush()
    return a, b


def test_overall_figures(db: Session, children: tuple[PlanWorld, SupportPlan]) -> None:
    found = measures.measures(db, now=NOW).overall
    assert found.children == 2
    assert found.days_to_contact_median == pytest.approx(3.0)
    assert found.contacted == 1
    assert found.interviews_per_child == pytest.approx(1.0)  # 2 interviews, 2 children
    assert found.repeat_interviews == 1
    assert found.agencies_per_child == pytest.approx(1.0)  # A: PDRM and NGO; B: none
    assert (found.followed_within_30, found.follow_up_due) == (1, 2)
    assert found.follow_up_share == pytest.approx(0.5)


def test_per_agency(db: Session, children: tuple[PlanWorld, SupportPlan]) -> None:
    rows = {row.label: row for row in measures.measures(db, now=NOW).by_agency}
    assert set(rows) == {"NGO", "JKM", "PDRM"}
    assert rows["NGO"].days_to_contact_median == pytest.approx(3.0)
    assert (rows["NGO"].followed_within_30, rows["NGO"].follow_up_due) == (1, 1)
    assert (rows["JKM"].children, rows["JKM"].followed_within_30, rows["JKM"].follow_up_due) == (
        0,
        0,
        1,
    )
    assert rows["PDRM"].children == 1 and rows["PDRM"].days_to_contact_median is None
    assert rows["PDRM"].interviews_per_child == pytest.approx(2.0)


def test_per_month(db: Session, children: tuple[PlanWorld, SupportPlan]) -> None:
    rows = {row.label: row for row in measures.measures(db, now=NOW).by_month}
    a_month = to_malaysia(A_REPORT).strftime("%Y-%m")
    b_month = to_malaysia(B_REPORT).strftime("%Y-%m")
    assert rows[a_month].children == 1 and rows[a_month].interviews_per_child == pytest.approx(2.0)
    assert rows[b_month].children == 1 and rows[b_month].interviews_per_child == pytest.approx(0.0)
    assert rows[b_month].days_to_contact_median is None


def test_a_window_keeps_the_children_first_reported_in_it(
    db: Session, children: tuple[PlanWorld, SupportPlan]
) -> None:
    recent = measures.measures(db, now=NOW, since=NOW - timedelta(days=90)).overall
    assert recent.children == 1 and recent.interviews_per_child == pytest.approx(2.0)


def test_a_referral_still_inside_its_30_days_is_not_counted_yet(
    db: Session, runtime: Runtime
) -> None:
    pw = make_plan_world(db, runtime.keyring)
    service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="jkm")
    found = measures.measures(db, now=datetime.now(UTC)).overall
    assert (found.followed_within_30, found.follow_up_due) == (0, 0)
    assert found.follow_up_share is None
    assert db.query(ForensicInterview).count() == 0

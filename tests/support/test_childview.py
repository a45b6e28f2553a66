"""The child's own view: a code and a secret, only what the child agreed to, only a hash kept."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, days, make_plan_world

from perisai.runtime import Runtime
from perisai.support import childview, service
from perisai.support.service import ServiceChange

CONTACT = "Puan Contoh, JKM, 03-0000 0000 (synthetic)"


@pytest.fixture
def pw(db: Session, runtime: Runtime) -> PlanWorld:
    made = make_plan_world(db, runtime.keyring)
    counselling = service.add_service(db, viewer=made.jkm, public_id=made.id, kind="counselling")
    service.change_service(
        db,
        viewer=made.jkm,
        public_id=made.id,
        service_id=counselling.id,
        change=ServiceChange(appointment_at=days(3)),
    )
    later = service.add_service(db, viewer=made.jkm, public_id=made.id, kind="jkm")
    service.change_service(
        db,
        viewer=made.jkm,
        public_id=made.id,
        service_id=later.id,
        change=ServiceChange(appointment_at=days(9)),
    )
    return made


def _issue(db: Session, pw: PlanWorld, **shown: bool) -> childview.Issued:
    return childview.issue(
        db,
        viewer=pw.jkm,
        public_id=pw.id,
        helpers=shown.get("helpers", False),
        appointment=shown.get("appointment", False),
        contact=shown.get("contact", False),
        contact_text=CONTACT if shown.get("contact") else "",
    )


def test_only_a_hash_of_the_secret_is_kept(db: Session, pw: PlanWorld) -> None:
    issued = _issue(db, pw, helpers=True)
    assert pw.plan.child_code == issued.code and issued.code.startswith("SK-")
    assert pw.plan.child_secret_hash != issued.secret
    assert issued.secret.replace("-", "") not in (pw.plan.child_secret_hash or "")
    assert pw.plan.child_secret_hash == childview.secret_hash(issued.code, issued.secret)


def test_the_view_shows_what_was_agreed_and_nothing_else(db: Session, pw: PlanWorld) -> None:
    issued = _issue(db, pw, helpers=True, appointment=True, contact=True)
    view = childview.open_view(db, code=issued.code, secret=issued.secret)
    assert view.helpers is not None
    assert sorted(h.kind for h in view.helpers) == ["counselling", "jkm"]
    assert view.next_appointment is not None
    assert abs((view.next_appointment - days(3)).total_seconds()) < 60
    assert view.contact == CONTACT
    nothing = _issue(db, pw)
    hidden = childview.open_view(db, code=nothing.code, secret=nothing.secret)
    assert (hidden.helpers, hidden.next_appointment, hidden.contact) == (None, None, None)


def test_typing_is_forgiven_but_a_wrong_secret_is_not(db: Session, pw: PlanWorld) -> None:
    issued = _issue(db, pw, helpers=True)
    loose_code = issued.code.lower().replace("sk-", "sk ")
    loose_secret = issued.secret.lower().replace("-", " ")
    assert childview.open_view(db, code=loose_code, secret=loose_secret).helpers
    for code, secret in (
        (issued.code, "WRONG-WRONG-WRNG"),
        ("SK-NOSUCH00", issued.secret),
        ("", ""),
        ("x" * 5000, "y" * 5000),
    ):
        with pytest.raises(service.SupportProblem) as caught:
            childview.open_view(db, code=code, secret=secret)
        assert caught.value.key == "support.child.err.not_found"


def test_a_new_code_ends_the_old_one_and_closing_ends_both(db: Session, pw: PlanWorld) -> None:
    old = _issue(db, pw, helpers=True)
    new = _issue(db, pw, helpers=True)
    with pytest.raises(service.SupportProblem):
        childview.open_view(db, code=old.code, secret=old.secret)
    assert childview.open_view(db, code=new.code, secret=new.secret).helpers
    childview.revoke(db, viewer=pw.jkm, public_id=pw.id)
    with pytest.raises(service.SupportProblem):
        childview.open_view(db, code=new.code, secret=new.secret)
    again = _issue(db, pw)
    service.close_plan(db, viewer=pw.jkm, public_id=pw.id)
    with pytest.raises(service.SupportProblem):
        childview.open_view(db, code=again.code, secret=again.secret)


def test_only_the_lead_agency_issues_codes(db: Session, pw: PlanWorld) -> None:
    for refused in (pw.ngo, pw.pdrm):
        with pytest.raises(service.SupportProblem) as caught:
            childview.issue(
                db,
                viewer=refused,
                public_id=pw.id,
                helpers=True,
                appointment=False,
                contact=False,
            )
        assert caught.value.status == 403
    with pytest.raises(service.SupportProblem) as caught:
        childview.issue(
            db, viewer=pw.jkm, public_id=pw.id, helpers=False, appointment=False, contact=True
        )
    assert caught.value.key == "support.err.contact"


def test_a_finished_service_is_no_longer_a_helper(db: Session, pw: PlanWorld) -> None:
    issued = _issue(db, pw, helpers=True, appointment=True)
    first = pw.plan.services[0]
    service.change_service(
        db,
        viewer=pw.jkm,
        public_id=pw.id,
        service_id=first.id,
        change=ServiceChange(status="completed"),
    )
    view = childview.open_view(db, code=issued.code, secret=issued.secret)
    assert [h.kind for h in view.helpers or []] == ["jkm"]
    assert view.next_appointment is not None
    assert abs((view.next_appointment - days(9)).total_seconds()) < 60


def test_each_opening_is_audited_as_the_public(db: Session, pw: PlanWorld) -> None:
    issued = _issue(db, pw, helpers=True)
    childview.open_view(db, code=issued.code, secret=issued.secret)
    pending = db.info.get("perisai.audit.pending", [])
    opened = [e for e in pending if e.action == "support.child_view.read"]
    assert len(opened) == 1
    assert opened[0].actor.kind == "public" and opened[0].object_id == pw.id

"""Every refused request (403) is audited under the caller's name, with what and why; the
request's own changes stay rolled back."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.factories import make_case
from tests.cases.test_api import CASES, login
from tests.identity.factories import make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, verify_chain
from perisai.cases import service as cases
from perisai.cases.models import CaseAssignment
from perisai.http.refusals import REFUSED_ACTION
from perisai.runtime import Runtime


def _refusals(db: Session) -> list[AuditEntry]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEntry).where(AuditEntry.action == REFUSED_ACTION).order_by(AuditEntry.id)
        )
    )


def test_a_missing_permission_is_audited_with_the_caller(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    user_id = login(client, db, runtime, "auditor", "SECRETARIAT")
    assert client.get(CASES).status_code == 403
    (entry,) = _refusals(db)
    assert (entry.actor_kind, entry.actor_id, entry.agency) == ("user", str(user_id), "SECRETARIAT")
    assert entry.details["method"] == "GET" and entry.details["path"] == CASES
    assert entry.details["kind"] == "permission" and "cases" in entry.details["reason"]
    assert entry.request_id


def test_a_case_action_the_policy_refuses_is_audited_and_changes_nothing(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring, victim_age=10)
    cases.refer(db, case_id=case.id, agency="NGO", reason="support", actor=SYSTEM)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    user_id = login(client, db, runtime, "caseworker", "NGO")
    refused = client.post(
        f"{CASES}/{case.public_id}/assignments",
        json={"agency": "PDRM", "user_id": investigator.id},
    )
    assert refused.status_code == 403
    (entry,) = _refusals(db)
    assert entry.actor_id == str(user_id) and entry.agency == "NGO"
    assert entry.details["path"] == f"{CASES}/{case.public_id}/assignments"
    assert entry.details["kind"] == "case-action-not-allowed/assign_agency"
    assert "Secretariat" in entry.details["reason"]
    assigned = db.scalars(
        select(CaseAssignment.user_id).where(CaseAssignment.case_id == case.id)
    ).all()
    assert investigator.id not in assigned  # the refused assignment was not made
    assert verify_chain(db).ok


def test_a_forged_form_is_audited_as_a_csrf_refusal(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    user_id = login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    (entry,) = _refusals(db)
    assert entry.actor_id == str(user_id) and entry.details["kind"] == "csrf"


def test_answers_that_are_not_refusals_are_not_audited_as_such(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    assert client.get(CASES).status_code == 401
    login(client, db, runtime, "analyst", "SECRETARIAT")
    assert client.get(f"{CASES}/CASE-NOTHERE").status_code == 404
    assert client.get(CASES).status_code == 200
    assert _refusals(db) == []

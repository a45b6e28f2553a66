"""Need-to-know matrix: every role of every agency (and each agency's system) against each outlet.

The expectations are written here from SECURITY.md, independently of the redaction code:
a case assigned to PDRM (with an investigator) and referred to JKM (with a caseworker) is
visible to PDRM, JKM and the secretariat, to roles that read cases; victim identity reaches only
the two assigned users; evidence may be revealed only by investigators of PDRM or JKM.
Outlets: the cases API (HTTP), the case page (HTML), SSE (the stream's reader), webhooks
(dispatch and the signed body), exports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from tests.cases.factories import make_case

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, Actor
from perisai.cases import service as cases
from perisai.cases.models import Case
from perisai.identity.deps import SESSION_COOKIE
from perisai.identity.models import Agency, Role, User
from perisai.identity.service import start_session
from perisai.reports.models import Report
from perisai.runtime import Runtime
from perisai.sharing import webhooks
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.events import emit
from perisai.sharing.models import Tlp, WebhookDelivery, WebhookSubscription
from perisai.sharing.redaction import (
    NotVisible,
    Viewer,
    ViewerKind,
    can_reveal_evidence,
    redact_for_export,
)
from perisai.sharing.stream import latest_event_id, read_batch

AGENCIES = ["PDRM", "CSM", "MCMC", "MOE", "JKM", "NGO", "SECRETARIAT"]
ROLES = [role.value for role in Role]
ON_CASE = {"PDRM", "JKM", "SECRETARIAT"}
READS_CASES = {"analyst", "investigator", "supervisor", "caseworker"}
VICTIM = [{"name": "Synthetic Child", "phone": "+60120000000"}]


def expect_case(agency: str, role: str | None) -> bool:
    """The rule as SECURITY.md states it (role None: an agency system with events:read)."""
    return agency in ON_CASE and (role is None or role in READS_CASES)


def expect_reveal(agency: str, role: str | None) -> bool:
    return role == "investigator" and agency in {"PDRM", "JKM"}


_serial = iter(range(1, 10**9))


def quick_user(db: Session, *, role: str, agency: str) -> User:
    """A member without usable credentials: logging in is not under test here, access is."""
    agency_id = db.scalar(select(Agency.id).where(Agency.short_name == agency))
    user = User(
        agency_id=agency_id,
        email=f"matrix-{next(_serial)}-{role}@{agency.lower()}.test.my",
        display_name=f"{agency} {role}",
        role=Role(role),
        password_hash="!",
        totp_secret_sealed=b"",
    )
    db.add(user)
    db.flush()
    db.refresh(user)
    return user


@dataclass
class World:
    case_id: int
    public_id: str
    viewers: dict[str, tuple[Viewer, str, str | None]]  # label → (viewer, agency, role)
    caseworker: Viewer
    investigator: Viewer


def _build(db: Session, runtime: Runtime) -> World:
    viewers: dict[str, tuple[Viewer, str, str | None]] = {}
    for agency in AGENCIES:
        for role in ROLES:
            user = quick_user(db, role=role, agency=agency)
            viewers[f"{agency}/{role}"] = (Viewer.for_user(user), agency, role)
        viewers[f"{agency}/system"] = (Viewer.for_subscription(agency), agency, None)
    investigator = quick_user(db, role="investigator", agency="PDRM")
    caseworker = quick_user(db, role="caseworker", agency="JKM")
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="victim support", actor=SYSTEM)
    cases.assign(db, case_id=case.id, agency="JKM", user_id=caseworker.id, actor=SYSTEM)
    db.flush()
    return World(
        case_id=case.id,
        public_id=case.public_id,
        viewers=viewers,
        caseworker=Viewer.for_user(caseworker),
        investigator=Viewer.for_user(investigator),
    )


def _case_event(db: Session, case_id: int, tlp: Tlp = Tlp.GREEN) -> int:
    """An event carrying victim identity, as a worst case for every outlet."""
    return emit(
        db,
        type="case.updated",
        subject_type="case",
        subject_id=str(case_id),
        payload={"status": "investigating", "victims": VICTIM, "unclassified": "x"},
        audience=[],
        case_id=case_id,
        tlp=tlp,
    ).id


# --- API (HTTP, through engineer A's cases API) ------------------------------------------------


def test_api_outlet(client: TestClient, db: Session, runtime: Runtime) -> None:
    pytest.importorskip("perisai.cases.api")
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="support", actor=SYSTEM)
    db.flush()
    wrong = []
    for agency in AGENCIES:
        for role in ROLES:
            user = quick_user(db, role=role, agency=agency)
            token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
            db.flush()
            client.cookies.set(SESSION_COOKIE, token)
            status = client.get(f"/api/v1/cases/{case.public_id}").status_code
            expected = {200} if expect_case(agency, role) else {403, 404}
            if status not in expected:
                wrong.append((agency, role, status))
    assert wrong == []


# --- SSE, webhooks, exports: on the live database (events need real commits) ---------------


@pytest.fixture(scope="module")
def world(live_runtime: Runtime) -> Iterator[tuple[World, int, int]]:
    with live_runtime.db.transaction() as session:
        start = latest_event_id(session)
        built = _build(session, live_runtime)
        for agency in AGENCIES:
            sub, _ = webhooks.create_subscription(
                session,
                live_runtime.keyring,
                agency=agency,
                url="http://127.0.0.1:9/matrix",
                guard=webhooks.guard_for(live_runtime.settings),
            )
            sub.starts_after_event_id = start
        event_id = _case_event(session, built.case_id)
    yield built, start, event_id
    with live_runtime.db.transaction() as session:
        for sub in session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.url.endswith("/matrix"))
        ):
            sub.active = False  # queued deliveries are then withheld, never sent


@pytest.mark.slow
def test_sse_outlet(live_runtime: Runtime, world: tuple[World, int, int]) -> None:
    built, start, event_id = world
    wrong = []
    for label, (viewer, agency, role) in built.viewers.items():
        frames = "".join(read_batch(live_runtime.db, viewer, start).frames)
        saw_case = f'"case_id":{built.case_id}' in frames
        if saw_case != expect_case(agency, role) or "Synthetic Child" in frames:
            wrong.append(label)
    assert wrong == []
    for assigned in (built.caseworker, built.investigator):
        frames = "".join(read_batch(live_runtime.db, assigned, event_id - 1).frames)
        assert "Synthetic Child" in frames and "unclassified" not in frames


@pytest.mark.slow
def test_webhook_outlet(live_runtime: Runtime, world: tuple[World, int, int]) -> None:
    _, _, event_id = world
    with live_runtime.db.transaction() as session:
        while webhooks.dispatch(session).events_read:
            pass
    with live_runtime.db.transaction() as session:
        rows = session.execute(
            select(WebhookSubscription.agency, WebhookDelivery.id)
            .join(WebhookDelivery, WebhookDelivery.subscription_id == WebhookSubscription.id)
            .where(WebhookDelivery.event_id == event_id)
        ).all()
        reached = {agency for agency, _ in rows}
        assert reached == {a for a in AGENCIES if expect_case(a, None)}
        for _, delivery_id in rows:
            outgoing = webhooks.prepare(session, live_runtime.keyring, delivery_id)
            assert outgoing is not None
            assert b"Synthetic Child" not in outgoing.body
            assert b"unclassified" not in outgoing.body


@pytest.mark.slow
def test_export_and_reveal_outlets(live_runtime: Runtime, world: tuple[World, int, int]) -> None:
    from perisai.cases.views import case_facts

    built, _, _ = world
    wrong = []
    with live_runtime.db.transaction() as session:
        case = session.get(Case, built.case_id)
        assert case is not None
        view = {**case_facts(session, case), "victims": VICTIM}
        facts = load_cases(session, [built.case_id])[built.case_id]
        for label, (viewer, agency, role) in built.viewers.items():
            if viewer.kind is not ViewerKind.USER:
                continue
            try:
                out: dict[str, Any] | None = redact_for_export(
                    session, viewer, kind="case", view=view, case=facts, object_id=case.id
                )
            except NotVisible:
                out = None
            if (out is not None) != expect_case(agency, role) or (out and "victims" in out):
                wrong.append(("export", label))
            if can_reveal_evidence(viewer, facts) != expect_reveal(agency, role):
                wrong.append(("reveal", label))
        for assigned in (built.caseworker, built.investigator):
            out = redact_for_export(
                session, assigned, kind="case", view=view, case=facts, object_id=case.id
            )
            assert out["victims"] == VICTIM
    with live_runtime.db.transaction() as session:  # audit entries are written at commit
        exports = session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "export", AuditEntry.object_id == str(built.case_id)
            )
        )
    assert wrong == []
    assert exports is not None, "exports are audited"


def test_page_outlet(client: TestClient, db: Session, runtime: Runtime) -> None:
    """The analyst pages: who may open the case page, and who sees the victim's identity there."""
    from tests.linkage.factories import account, body, make_report

    from perisai.triage.service import triage_report

    data = body(account(user_id="page-matrix", phones=["012-555 0101"]))
    data["victims"] = [{"name": "Synthetic Child Aina", "age": 11}]
    report = make_report(db, runtime.keyring, data)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    case = cases.create_case(db, title="Page matrix", report_ids=[report.id], actor=SYSTEM)
    investigator = quick_user(db, role="investigator", agency="PDRM")
    caseworker = quick_user(db, role="caseworker", agency="JKM")
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=SYSTEM)
    cases.refer(db, case_id=case.id, agency="JKM", reason="victim support", actor=SYSTEM)
    cases.assign(db, case_id=case.id, agency="JKM", user_id=caseworker.id, actor=SYSTEM)
    db.flush()

    def page_as(user: User, query: str = "") -> tuple[int, str]:
        token = start_session(db, settings=runtime.settings, user=user, totp_verified=True)
        db.flush()
        client.cookies.set(SESSION_COOKIE, token)
        answer = client.get(f"/workspace/cases/{case.public_id}{query}", follow_redirects=False)
        return answer.status_code, answer.text

    wrong = []
    for agency in AGENCIES:
        for role in ROLES:
            # Asked with a purpose: only need-to-know may answer with the identity.
            status, html = page_as(quick_user(db, role=role, agency=agency), "?purpose=court")
            expected = {200} if expect_case(agency, role) else {403, 404}
            if status not in expected or "Synthetic Child Aina" in html:
                wrong.append((agency, role, status))
    assert wrong == []
    for assigned, purpose in ((investigator, "investigation"), (caseworker, "support_contact")):
        status, html = page_as(assigned)
        assert status == 200
        assert "Synthetic Child Aina" not in html, "masked until a purpose is given"
        status, html = page_as(assigned, f"?purpose={purpose}")
        assert status == 200
        assert "Synthetic Child Aina" in html, "the assigned users see the victim's identity"


# --- case actions: who may steer a case (issue #11 item 1) -----------------------------------
# Written from the issue, independently of cases/policy.py: the Secretariat (analyst,
# supervisor) and the lead agency steer a case; a referred agency works only its own referral
# after accepting it, and one that has not accepted may only answer; closing is reversible by a
# supervisor. The case is led by PDRM, JKM accepted its referral, the NGO's is pending.

CASE_ACTIONS = ["assign", "assign_member", "refer", "merge", "split", "close", "reopen"]
LEAD_MAY = {
    "assign": set(),  # putting another agency on the case is the Secretariat's
    "assign_member": {"supervisor"},  # its own members
    "refer": {"supervisor", "investigator"},
    "merge": {"supervisor"},
    "split": {"supervisor"},
    "close": {"supervisor", "investigator"},
    "reopen": {"supervisor"},
}


def expect_action(action: str, agency: str, role: str) -> bool:
    if agency == "SECRETARIAT":
        return role in ({"supervisor"} if action == "reopen" else {"analyst", "supervisor"})
    if agency == "PDRM":
        return role in LEAD_MAY[action]
    return False


def _steered_case(db: Session, runtime: Runtime, jkm: User, *, reports: int = 1) -> Case:
    case = make_case(db, runtime.keyring, reports=reports)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=SECRETARIAT_ANALYST)
    referral = cases.refer(
        db, case_id=case.id, agency="JKM", reason="victim support", actor=SECRETARIAT_ANALYST
    )
    cases.respond_to_referral(
        db,
        referral_id=referral.id,
        accept=True,
        actor=Actor(kind="user", id=str(jkm.id), agency="JKM", role="caseworker"),
    )
    cases.refer(db, case_id=case.id, agency="NGO", reason="counselling", actor=SECRETARIAT_ANALYST)
    return case


SECRETARIAT_ANALYST = Actor(kind="user", id="1", agency="SECRETARIAT", role="analyst")


def test_case_actions_by_every_role_of_every_agency(
    client: TestClient, db: Session, runtime: Runtime, connection: Connection
) -> None:
    jkm = quick_user(db, role="caseworker", agency="JKM")
    investigator = quick_user(db, role="investigator", agency="PDRM")
    main = _steered_case(db, runtime, jkm, reports=2)
    source = _steered_case(db, runtime, jkm)
    closed = _steered_case(db, runtime, jkm)
    cases.change_status(
        db, case_id=closed.id, status="closed", outcome="no_further_action", actor=SYSTEM
    )
    second_report = db.scalar(
        select(Report.public_id).where(Report.id == main.reports[1].report_id)
    )
    base = f"/api/v1/cases/{main.public_id}"
    requests: dict[str, tuple[str, dict[str, Any]]] = {
        "assign": (f"{base}/assignments", {"agency": "MCMC"}),
        "assign_member": (f"{base}/assignments", {"agency": "PDRM", "user_id": investigator.id}),
        "refer": (f"{base}/referrals", {"agency": "MCMC", "reason": "platform contact"}),
        "merge": (f"{base}/merge", {"case_ids": [source.public_id]}),
        "split": (f"{base}/split", {"title": "Second suspect", "report_ids": [second_report]}),
        "close": (f"{base}/status", {"status": "closed", "outcome": "no_further_action"}),
        "reopen": (f"/api/v1/cases/{closed.public_id}/reopen", {"reason": "new evidence"}),
    }
    tokens = {}
    for agency in AGENCIES:
        for role in ROLES:
            user = quick_user(db, role=role, agency=agency)
            tokens[(agency, role)] = start_session(
                db, settings=runtime.settings, user=user, totp_verified=True
            )
    db.flush()
    wrong = []
    for (agency, role), token in tokens.items():
        client.cookies.set(SESSION_COOKIE, token)
        for action in CASE_ACTIONS:
            url, body = requests[action]
            attempt = connection.begin_nested()  # each attempt starts from the same case
            answer = client.post(url, json=body)
            attempt.rollback()
            allowed = expect_action(action, agency, role)
            if allowed:
                ok = answer.status_code in (200, 201)
            elif agency in {"SECRETARIAT", "PDRM", "JKM", "NGO"} and role in READS_CASES:
                # It sees the case: refused by the policy, with a problem naming the action.
                ok = answer.status_code == 403 and answer.json()["type"].endswith(
                    "case-action-not-allowed/" + _policy_action(action)
                )
            else:
                ok = answer.status_code in (403, 404)  # no cases:write, or not on the case
            if not ok:
                wrong.append((agency, role, action, answer.status_code, answer.text[:200]))
    assert wrong == [], "\n".join(map(str, wrong[:8]))


def _policy_action(action: str) -> str:
    return {"assign": "assign_agency", "close": "close"}.get(action, action)

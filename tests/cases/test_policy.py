"""Who may steer a case (issue #11 items 1 and 2), on a real database.

Each test is one finding of the red-team pass: it failed before cases/policy.py and the
victim-access grants existed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST, actor_of, make_case
from tests.identity.factories import make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, Actor, flush_pending
from perisai.cases import service as cases
from perisai.cases.errors import CaseConflict, NotPermitted
from perisai.cases.models import Case
from perisai.cases.policy import RULES, Action, CaseSides, Standing, allowed_actions, decide
from perisai.identity.models import User
from perisai.runtime import Runtime
from perisai.sharing.redaction import Viewer, can_see_case, can_see_victim

SUPERVISOR = actor_of("SECRETARIAT", "supervisor", 2)


def as_actor(user: User) -> Actor:
    return actor_of(user.agency.short_name, user.role.value, user.id)


def _referred_to_ngo(db: Session, runtime: Runtime) -> tuple[Case, int]:
    """A P1 case led by PDRM and referred to the NGO (not accepted yet)."""
    case = make_case(db, runtime.keyring, escalation="danger now", victim_age=11)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    referral = cases.refer(db, case_id=case.id, agency="NGO", reason="support", actor=ANALYST)
    return case, referral.id


def test_a_referred_agency_cannot_assign_another_agency_and_its_investigator(
    db: Session, runtime: Runtime
) -> None:
    """Finding 1: an NGO caseworker assigned PDRM and a named investigator, who then saw the
    victim — bypassing referral and acceptance."""
    case = make_case(db, runtime.keyring, victim_age=11)
    cases.refer(db, case_id=case.id, agency="NGO", reason="support", actor=ANALYST)
    ngo, _ = make_user(db, runtime.keyring, role="caseworker", agency="NGO")
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    with pytest.raises(NotPermitted, match="assigning an agency") as refused:
        cases.assign(
            db,
            case_id=case.id,
            agency="PDRM",
            user_id=investigator.id,
            actor=actor_of("NGO", "caseworker", ngo.id),
        )
    assert refused.value.action == "assign_agency"
    assert "PDRM" not in case.agencies
    assert not can_see_victim(Viewer.for_user(investigator), case)
    # Even after accepting, the NGO works only its own referral: no other agency's members.
    (referral,) = case.referrals
    cases.respond_to_referral(
        db, referral_id=referral.id, accept=True, actor=actor_of("NGO", "caseworker", ngo.id)
    )
    ngo_supervisor = actor_of("NGO", "supervisor", 7)
    with pytest.raises(NotPermitted):
        cases.assign(
            db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=ngo_supervisor
        )
    # The Secretariat steers: it may.
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=ANALYST)
    assert can_see_victim(Viewer.for_user(investigator), case)


def test_a_referred_agency_cannot_merge(db: Session, runtime: Runtime) -> None:
    case, _ = _referred_to_ngo(db, runtime)
    other = make_case(db, runtime.keyring)
    cases.refer(db, case_id=other.id, agency="NGO", reason="support", actor=ANALYST)
    for role in ("caseworker", "supervisor", "analyst", "investigator"):
        with pytest.raises(NotPermitted, match="merging"):
            cases.merge_cases(
                db, target_id=case.id, source_ids=[other.id], actor=actor_of("NGO", role)
            )
    assert other.is_open


def test_a_referred_agency_cannot_close_and_a_supervisor_reopens(
    db: Session, runtime: Runtime
) -> None:
    """Finding 1: the NGO closed a P1 case on a referral it had not accepted; nobody could then
    reopen it, accept the referral or open a new case for its reports."""
    case, referral_id = _referred_to_ngo(db, runtime)
    with pytest.raises(NotPermitted, match="closing"):
        cases.change_status(
            db,
            case_id=case.id,
            status="closed",
            outcome="no_further_action",
            actor=actor_of("NGO", "caseworker"),
        )
    assert case.is_open
    # The lead agency's investigator may close; closing is reversible.
    cases.change_status(
        db,
        case_id=case.id,
        status="closed",
        outcome="arrest",
        actor=actor_of("PDRM", "investigator"),
    )
    for who in (actor_of("PDRM", "investigator"), ANALYST, actor_of("NGO", "supervisor")):
        with pytest.raises(NotPermitted, match="reopening"):
            cases.reopen(db, case_id=case.id, reason="new evidence", actor=who)
    with pytest.raises(CaseConflict, match="reason"):
        cases.reopen(db, case_id=case.id, reason="  ", actor=SUPERVISOR)
    cases.reopen(db, case_id=case.id, reason="the suspect was released", actor=SUPERVISOR)
    assert case.is_open and case.status == "investigating" and case.outcome is None
    # … and the referral can be answered again.
    ngo, _ = make_user(db, runtime.keyring, role="caseworker", agency="NGO")
    cases.respond_to_referral(db, referral_id=referral_id, accept=True, actor=as_actor(ngo))
    reopened = [e for e in cases.case_timeline(db, case.id) if e.type == "case.reopened"]
    assert reopened[0].payload["reason"] == "the suspect was released"
    assert reopened[0].payload["previous_outcome"] == "arrest"
    cases.change_status(db, case_id=case.id, status="closed", outcome="arrest", actor=SUPERVISOR)
    cases.reopen(db, case_id=case.id, reason="again", actor=actor_of("PDRM", "supervisor"))


def test_a_merged_case_is_not_reopened(db: Session, runtime: Runtime) -> None:
    target, source = make_case(db, runtime.keyring), make_case(db, runtime.keyring)
    cases.merge_cases(db, target_id=target.id, source_ids=[source.id], actor=ANALYST)
    with pytest.raises(CaseConflict, match="merged"):
        cases.reopen(db, case_id=source.id, reason="oops", actor=SUPERVISOR)


def test_merging_never_widens_who_sees_what(db: Session, runtime: Runtime) -> None:
    """Finding 1: merging moved every agency and assignment across; now an agency of the source
    is referred to the target (it must accept) and the source's victim grants end."""
    target = make_case(db, runtime.keyring, victim_age=12)
    source = make_case(db, runtime.keyring, victim_age=13)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    caseworker, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    cases.assign(db, case_id=target.id, agency="JKM", user_id=caseworker.id, actor=ANALYST)
    cases.assign(db, case_id=source.id, agency="PDRM", user_id=investigator.id, actor=ANALYST)
    merged = cases.merge_cases(db, target_id=target.id, source_ids=[source.id], actor=ANALYST)
    assert merged.working_agencies == frozenset({"JKM"})
    assert merged.pending_agencies == frozenset({"PDRM"})
    assert not can_see_victim(Viewer.for_user(investigator), merged)
    assert can_see_victim(Viewer.for_user(caseworker), merged)
    assert source.victim_grantees == frozenset()
    revoked = [e for e in cases.case_timeline(db, target.id) if e.type.endswith("revoked")]
    assert revoked[0].payload["user_id"] == investigator.id
    # Accepting the referral is the step that gives PDRM (and its investigator) access again.
    (referral,) = [r for r in merged.referrals if r.agency.short_name == "PDRM"]
    cases.respond_to_referral(
        db, referral_id=referral.id, accept=True, actor=as_actor(investigator)
    )
    assert can_see_victim(Viewer.for_user(investigator), merged)


def test_merge_needs_the_right_to_steer_every_case(db: Session, runtime: Runtime) -> None:
    led = make_case(db, runtime.keyring)
    other = make_case(db, runtime.keyring)
    cases.assign(db, case_id=led.id, agency="PDRM", actor=ANALYST)
    cases.assign(db, case_id=other.id, agency="CSM", actor=ANALYST)
    with pytest.raises(NotPermitted):
        cases.merge_cases(
            db, target_id=led.id, source_ids=[other.id], actor=actor_of("PDRM", "supervisor")
        )


def test_taking_over_an_assignment_does_not_move_victim_access(
    db: Session, runtime: Runtime
) -> None:
    """Finding 2: "the assigned caseworker" was taken over by any caseworker of the agency, or by
    another agency accepting its own referral, and the previous one lost access."""
    case = make_case(db, runtime.keyring, victim_age=9)
    first, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    second, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    cases.assign(db, case_id=case.id, agency="JKM", user_id=first.id, actor=ANALYST)
    # Another caseworker of the agency cannot name herself.
    with pytest.raises(NotPermitted, match="naming a member"):
        cases.assign(db, case_id=case.id, agency="JKM", user_id=second.id, actor=as_actor(second))
    assert not can_see_victim(Viewer.for_user(second), case)
    # Another agency accepting its own referral changes nobody's access.
    cases.refer(db, case_id=case.id, agency="NGO", reason="counselling", actor=ANALYST)
    (referral,) = case.referrals
    ngo, _ = make_user(db, runtime.keyring, role="caseworker", agency="NGO")
    cases.respond_to_referral(db, referral_id=referral.id, accept=True, actor=as_actor(ngo))
    assert can_see_victim(Viewer.for_user(first), case)
    assert not can_see_victim(Viewer.for_user(ngo), case)
    # The JKM supervisor names a second caseworker: both now have access, each by a grant.
    cases.assign(
        db, case_id=case.id, agency="JKM", user_id=second.id, actor=actor_of("JKM", "supervisor")
    )
    assert can_see_victim(Viewer.for_user(first), case)
    assert can_see_victim(Viewer.for_user(second), case)
    # Ending access is explicit, with a reason, and on the timeline.
    grant = next(g for g in case.victim_grants if g.user_id == first.id)
    with pytest.raises(NotPermitted):
        cases.revoke_victim_access(
            db, case_id=case.id, grant_id=grant.id, reason="x", actor=as_actor(second)
        )
    cases.revoke_victim_access(
        db,
        case_id=case.id,
        grant_id=grant.id,
        reason="moved to another district",
        actor=actor_of("JKM", "supervisor"),
    )
    assert not can_see_victim(Viewer.for_user(first), case)
    assert can_see_victim(Viewer.for_user(second), case)
    kinds = [e.type for e in cases.case_timeline(db, case.id)]
    assert kinds.count("case.victim_access_granted") == 2
    assert kinds.count("case.victim_access_revoked") == 1
    flush_pending(db)
    audited = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_id == case.public_id, AuditEntry.action.like("case.victim_access%")
        )
    ).all()
    assert sorted(audited) == [
        "case.victim_access_granted",
        "case.victim_access_granted",
        "case.victim_access_revoked",
    ]


def test_grants_only_to_a_jkm_caseworker_or_pdrm_investigator_of_a_working_agency(
    db: Session, runtime: Runtime
) -> None:
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    analyst, _ = make_user(db, runtime.keyring, role="analyst", agency="PDRM")
    caseworker, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    with pytest.raises(CaseConflict, match="only a JKM caseworker"):
        cases.grant_victim_access(
            db, case_id=case.id, user_id=analyst.id, reason="help", actor=ANALYST
        )
    with pytest.raises(CaseConflict, match="not working this case"):
        cases.grant_victim_access(
            db, case_id=case.id, user_id=caseworker.id, reason="help", actor=ANALYST
        )
    # A PDRM supervisor grants its own investigator; never another agency's member.
    cases.grant_victim_access(
        db,
        case_id=case.id,
        user_id=investigator.id,
        reason="interview the child",
        actor=actor_of("PDRM", "supervisor"),
    )
    assert can_see_victim(Viewer.for_user(investigator), case)
    cases.refer(db, case_id=case.id, agency="JKM", reason="support", actor=ANALYST)
    (referral,) = case.referrals
    cases.respond_to_referral(
        db, referral_id=referral.id, accept=False, actor=actor_of("JKM", "supervisor")
    )
    with pytest.raises(NotPermitted, match="own members"):
        cases.grant_victim_access(
            db,
            case_id=case.id,
            user_id=caseworker.id,
            reason="x",
            actor=actor_of("PDRM", "supervisor"),
        )


def test_split_copies_access_exactly(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring, reports=2)
    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=ANALYST)
    cases.refer(db, case_id=case.id, agency="NGO", reason="support", actor=ANALYST)
    with pytest.raises(NotPermitted, match="splitting"):
        cases.split_case(
            db,
            case_id=case.id,
            report_ids=[case.reports[1].report_id],
            title="x",
            actor=actor_of("PDRM", "investigator"),
        )
    new = cases.split_case(
        db,
        case_id=case.id,
        report_ids=[case.reports[1].report_id],
        title="Second suspect",
        actor=actor_of("PDRM", "supervisor"),
    )
    assert new.lead_agency_name == case.lead_agency_name == "PDRM"
    assert new.working_agencies == case.working_agencies
    assert new.pending_agencies == case.pending_agencies == frozenset({"NGO"})
    assert new.victim_grantees == case.victim_grantees == frozenset({("PDRM", investigator.id)})


def test_work_needs_an_accepted_referral(db: Session, runtime: Runtime) -> None:
    case, referral_id = _referred_to_ngo(db, runtime)
    ngo = as_actor(make_user(db, runtime.keyring, role="caseworker", agency="NGO")[0])
    with pytest.raises(NotPermitted):
        cases.add_note(db, case_id=case.id, body="we saw it", actor=ngo)
    with pytest.raises(NotPermitted):
        cases.add_task(db, case_id=case.id, title="call", actor=ngo)
    cases.respond_to_referral(db, referral_id=referral_id, accept=True, actor=ngo)
    cases.add_note(db, case_id=case.id, body="we called the family", actor=ngo)


def test_the_first_agency_the_secretariat_assigns_leads(db: Session, runtime: Runtime) -> None:
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=ANALYST)
    cases.assign(db, case_id=case.id, agency="CSM", actor=ANALYST)
    assert case.lead_agency_name == "PDRM"
    cases.assign(db, case_id=case.id, agency="CSM", lead=True, actor=ANALYST)
    assert case.lead_agency_name == "CSM"
    with pytest.raises(NotPermitted):
        cases.assign(
            db, case_id=case.id, agency="PDRM", lead=True, actor=actor_of("CSM", "supervisor")
        )
    assert can_see_case(Viewer.system(), case)


def test_the_table_reads_as_the_issue_says() -> None:
    """The policy as written in issue #11, checked against the table itself."""
    sides = CaseSides(
        lead_agency_name="PDRM",
        working_agencies=frozenset({"PDRM", "JKM"}),
        pending_agencies=frozenset({"NGO"}),
    )
    steering = {Action.ASSIGN_AGENCY, Action.MERGE, Action.SPLIT, Action.CLOSE, Action.REOPEN}
    for action in steering:
        for agency in ("JKM", "NGO", "CSM"):
            for role in ("analyst", "investigator", "supervisor", "caseworker"):
                assert not decide(actor_of(agency, role), action, sides).allowed
    assert Standing.REFERRED not in RULES[Action.WORK]
    assert allowed_actions(actor_of("NGO", "caseworker"), sides) == ["answer_referral"]
    assert decide(SYSTEM, Action.MERGE, sides).allowed
    closed = CaseSides("PDRM", frozenset({"PDRM"}), frozenset(), is_open=False)
    assert allowed_actions(actor_of("PDRM", "supervisor"), closed) == ["reopen", "work"]

"""What the case page shows: the page's shape of the one case view (perisai.cases.views, which
gathers the facts, unseals the victims' identity for a purpose and need-to-know, audited, and
redacts), and the forms the case policy offers this person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor
from perisai.cases.models import Case, CaseOutcome, CaseStatus
from perisai.cases.policy import VICTIM_ACCESS_HOLDERS, Action, allowed_actions
from perisai.cases.service import TRANSITIONS
from perisai.cases.views import Unseal, case_view
from perisai.crypto import Keyring
from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Agency, Role, User
from perisai.sharing.redaction import Viewer, can_see_victim
from perisai.victims.schemas import Purpose
from perisai.victims.service import victim_records_of_case

LIST_LIMIT = 100


def case_page_model(
    session: Session,
    keyring: Keyring,
    case: Case,
    viewer: Viewer,
    *,
    purpose: str | None = None,
) -> dict[str, Any]:
    """The case page's shape of the one case view (perisai.cases.views): with people's names
    and the timeline; NotVisible when need-to-know says no.

    The victims' identity is opened only with a ``purpose`` (perisai.victims.schemas.Purpose),
    which the audit entry of the read keeps; without one, a viewer who may see it is offered
    the choice (``victims_masked``)."""
    unseal = Unseal(keyring, Purpose(purpose).value) if purpose is not None else None
    shown = case_view(session, case, viewer, names=True, timeline=True, unseal=unseal)
    if unseal is None and can_see_victim(viewer, case):
        shown["victims_masked"] = True
    # The children's own records (perisai.victims): ids only, and who may make one from a
    # report's victim; the record page decides what of the identity this viewer sees.
    shown["victim_records"] = victim_records_of_case(session, viewer, case)
    return shown


# Who a case page may offer to assign: the staff roles that work cases.
ASSIGNABLE_ROLES = (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CASEWORKER)
PEOPLE_LIMIT = 300


@dataclass(frozen=True)
class CaseForms:
    """What the case page offers this person, as the case policy (cases/policy.py) decides."""

    allowed: frozenset[str]
    people: list[dict[str, Any]]  # whom they may name (id, name, role, agency)
    agencies: list[str]  # which agencies they may put on the case
    next_statuses: list[str]
    outcomes: list[str]
    # whom they may grant the victims' identity (a JKM caseworker or PDRM investigator)
    grantees: list[dict[str, Any]] = field(default_factory=list)

    def may(self, action: str) -> bool:
        return action in self.allowed


def case_forms(session: Session, case: Case, actor: Actor) -> CaseForms:
    allowed = frozenset(allowed_actions(actor, case))
    people: list[dict[str, Any]] = []
    agencies: list[str] = []
    if Action.ASSIGN_AGENCY.value in allowed:
        agencies = list(
            session.scalars(
                select(Agency.short_name)
                .where(Agency.short_name != SECRETARIAT)
                .order_by(Agency.short_name)
            )
        )
    if Action.ASSIGN_MEMBER.value in allowed or Action.ASSIGN_AGENCY.value in allowed:
        query = (
            select(User.id, User.display_name, User.role, Agency.short_name)
            .join(Agency, Agency.id == User.agency_id)
            .where(User.is_active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
            .order_by(Agency.short_name, User.display_name)
            .limit(PEOPLE_LIMIT)
        )
        if Action.ASSIGN_AGENCY.value not in allowed:  # a lead or working agency: its own people
            query = query.where(Agency.short_name == (actor.agency or ""))
        people = [
            {"id": uid, "name": name, "role": role.value, "agency": agency}
            for uid, name, role, agency in session.execute(query)
        ]
    current = CaseStatus(case.status)
    next_statuses = (
        sorted(s.value for s in TRANSITIONS[current] if s is not CaseStatus.CLOSED)
        if Action.PROGRESS.value in allowed
        else []
    )
    outcomes = [o.value for o in CaseOutcome if o is not CaseOutcome.MERGED]
    return CaseForms(
        allowed, people, agencies, next_statuses, outcomes, _grantees(session, case, actor, allowed)
    )


def _grantees(
    session: Session, case: Case, actor: Actor, allowed: frozenset[str]
) -> list[dict[str, Any]]:
    """People who could be granted victim access here and hold no grant yet: JKM caseworkers and
    PDRM investigators of agencies working the case (one's own agency's, unless Secretariat)."""
    if Action.GRANT_VICTIM_ACCESS.value not in allowed:
        return []
    agencies = [
        agency
        for agency, role in VICTIM_ACCESS_HOLDERS
        if agency in case.working_agencies and (actor.agency in (agency, SECRETARIAT))
    ]
    holders = [
        (Agency.short_name == agency) & (User.role == Role(role))
        for agency, role in VICTIM_ACCESS_HOLDERS
        if agency in agencies
    ]
    if not holders:
        return []
    granted = {user_id for _, user_id in case.victim_grantees}
    rows = session.execute(
        select(User.id, User.display_name, User.role, Agency.short_name)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.is_active.is_(True), or_(*holders))
        .order_by(Agency.short_name, User.display_name)
        .limit(PEOPLE_LIMIT)
    )
    return [
        {"id": uid, "name": name, "role": role.value, "agency": agency}
        for uid, name, role, agency in rows
        if uid not in granted
    ]

"""Who may see and do what in a child's support (issue 18, items 3, 4 and 8).

Seeing is decided first by the victim record's need-to-know matrix
(`perisai.sharing.redaction.can_see_victim_group`, through `perisai.victims`): the groups
``support`` (the plan), ``interviews`` (the register) and ``counselling`` (the notes). That
matrix gives the plan to people of the agencies on the child's cases who read victim data (a
school only with consent), the register to grant holders and police investigators (never a
school or an NGO), and counselling notes to the counselling agency's caseworkers alone.

Support widens it in two narrow ways, both needed to do the work:

- a caseworker of the plan's lead agency (JKM by default: it runs the plan) or of an agency
  that provides a live service in it (the NGO counsellor the plan referred the child to) sees
  that plan, though the agency is on no case; and the counselling agency's caseworkers read
  their own notes though their agency is on no case (still nobody else does);
- a supervisor of the plan's lead agency or of an agency on the child's cases sees the plan
  and its register, to approve or refuse a repeat interview (never one they asked for).

Acting on top of seeing:

- the plan's lead agency (JKM by default) and the Secretariat steer the plan (needs, services,
  the safety check, the child's code, closing); a provider works its own service (status,
  follow-ups, appointment);
- counselling notes are written by those who may read them;
- interviews are put in the register by the police or JKM, who hold them.
"""

from __future__ import annotations

from dataclasses import dataclass

from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Role
from perisai.identity.permissions import Permission
from perisai.sharing.redaction import Viewer, ViewerKind

WELFARE = "JKM"
SCHOOL = "MOE"
#: Agencies that hold forensic interviews of children.
INTERVIEWING_AGENCIES = ("PDRM", "JKM")


@dataclass(frozen=True)
class Matrix:
    """The victim record's answers for one viewer and one child (see the module doc)."""

    support: bool = False
    interviews: bool = False


@dataclass(frozen=True)
class PlanSides:
    lead_agency: str
    case_agencies: frozenset[str] = frozenset()
    provider_agencies: frozenset[str] = frozenset()  # of live services only


@dataclass(frozen=True)
class ServiceSides:
    kind: str
    provider_agency: str | None


def _user(viewer: Viewer) -> bool:
    return viewer.kind is ViewerKind.USER and viewer.agency is not None


def _writes(viewer: Viewer) -> bool:
    return _user(viewer) and viewer.has(Permission.CASES_WRITE)


def _deciding_supervisor(viewer: Viewer, sides: PlanSides) -> bool:
    return (
        _user(viewer)
        and viewer.role is Role.SUPERVISOR
        and viewer.agency != SCHOOL
        and viewer.agency in {sides.lead_agency, *sides.case_agencies}
    )


def can_see_plan(viewer: Viewer, sides: PlanSides, matrix: Matrix) -> bool:
    if viewer.is_system or matrix.support or _deciding_supervisor(viewer, sides):
        return True
    return (
        _user(viewer)
        and viewer.role is Role.CASEWORKER
        and viewer.agency != SCHOOL
        and viewer.agency in {sides.lead_agency, *sides.provider_agencies}
    )


def can_see_interviews(viewer: Viewer, sides: PlanSides, matrix: Matrix) -> bool:
    return viewer.is_system or matrix.interviews or _deciding_supervisor(viewer, sides)


def can_steer_plan(viewer: Viewer, sides: PlanSides, matrix: Matrix) -> bool:
    return (
        can_see_plan(viewer, sides, matrix)
        and _writes(viewer)
        and viewer.agency in (SECRETARIAT, sides.lead_agency)
    )


def can_work_service(
    viewer: Viewer, sides: PlanSides, matrix: Matrix, service: ServiceSides
) -> bool:
    if can_steer_plan(viewer, sides, matrix):
        return True
    return (
        can_see_plan(viewer, sides, matrix)
        and _writes(viewer)
        and service.provider_agency is not None
        and viewer.agency == service.provider_agency
    )


def can_read_notes(viewer: Viewer, service: ServiceSides, *, matrix_counselling: bool) -> bool:
    """Counselling notes: the counselling agency's caseworkers, and nobody else — whether or not
    that agency is on the child's cases (a counsellor needs the notes, not the case file)."""
    if service.kind != "counselling" or service.provider_agency is None or viewer.is_system:
        return False
    return matrix_counselling or (
        _user(viewer)
        and viewer.role is Role.CASEWORKER
        and viewer.agency == service.provider_agency
    )


def can_record_interview(viewer: Viewer, sides: PlanSides, matrix: Matrix) -> bool:
    return (
        can_see_interviews(viewer, sides, matrix)
        and _writes(viewer)
        and viewer.agency in INTERVIEWING_AGENCIES
    )


def can_decide_interview(
    viewer: Viewer, sides: PlanSides, matrix: Matrix, requested_by_user_id: int | None
) -> bool:
    return (
        can_see_interviews(viewer, sides, matrix)
        and viewer.role is Role.SUPERVISOR
        and viewer.user_id is not None
        and viewer.user_id != requested_by_user_id
    )


def can_start_plan(viewer: Viewer, matrix: Matrix) -> bool:
    """Someone who may see the child's support, of an agency that may run it (not a school)."""
    return (viewer.is_system or (matrix.support and _writes(viewer))) and viewer.agency != SCHOOL

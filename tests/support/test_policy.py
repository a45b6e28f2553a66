"""The support policy as a table: who sees the plan, the register and the notes; who acts."""

from __future__ import annotations

import pytest

from perisai.identity.models import Role
from perisai.sharing.redaction import Viewer, ViewerKind
from perisai.support import policy
from perisai.support.policy import Matrix, PlanSides, ServiceSides

SIDES = PlanSides(
    lead_agency="JKM",
    case_agencies=frozenset({"PDRM", "JKM"}),
    provider_agencies=frozenset({"NGO"}),
)
NOTHING = Matrix()
COUNSELLING = ServiceSides(kind="counselling", provider_agency="NGO")


def user(agency: str, role: Role, user_id: int = 7) -> Viewer:
    return Viewer(kind=ViewerKind.USER, agency=agency, role=role, user_id=user_id)


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (user("JKM", Role.CASEWORKER), True),  # the lead agency's caseworker
        (user("NGO", Role.CASEWORKER), True),  # a provider's caseworker
        (user("NGO", Role.SUPERVISOR), False),
        (user("MOE", Role.CASEWORKER), False),  # the school: only through consent (the matrix)
        (user("PDRM", Role.INVESTIGATOR), False),  # the police: only through the matrix
        (user("SECRETARIAT", Role.ANALYST), False),
        (Viewer(kind=ViewerKind.API_CLIENT, agency="JKM"), False),
        (Viewer.system(), True),
    ],
)
def test_who_sees_the_plan_beyond_the_matrix(viewer: Viewer, sees: bool) -> None:
    assert policy.can_see_plan(viewer, SIDES, NOTHING) is sees


def test_the_matrix_decides_first() -> None:
    police = user("PDRM", Role.INVESTIGATOR)
    assert policy.can_see_plan(police, SIDES, Matrix(support=True))
    assert policy.can_see_interviews(police, SIDES, Matrix(interviews=True))
    assert not policy.can_see_interviews(police, SIDES, Matrix(support=True))


def test_supervisors_of_the_sides_see_the_register_to_decide() -> None:
    for agency in ("JKM", "PDRM"):
        boss = user(agency, Role.SUPERVISOR, user_id=3)
        assert policy.can_see_interviews(boss, SIDES, NOTHING)
        assert policy.can_decide_interview(boss, SIDES, NOTHING, requested_by_user_id=9)
        assert not policy.can_decide_interview(boss, SIDES, NOTHING, requested_by_user_id=3)
    for outside in ("MOE", "NGO", "CSM"):
        assert not policy.can_see_interviews(user(outside, Role.SUPERVISOR), SIDES, NOTHING)


def test_steering_and_working() -> None:
    lead = user("JKM", Role.CASEWORKER)
    counsellor = user("NGO", Role.CASEWORKER)
    assert policy.can_steer_plan(lead, SIDES, NOTHING)
    assert not policy.can_steer_plan(counsellor, SIDES, NOTHING)
    assert policy.can_work_service(counsellor, SIDES, NOTHING, COUNSELLING)
    legal = ServiceSides(kind="legal_aid", provider_agency=None)
    assert not policy.can_work_service(counsellor, SIDES, NOTHING, legal)
    assert policy.can_work_service(lead, SIDES, NOTHING, legal)


def test_only_the_police_and_jkm_record_interviews() -> None:
    seen = Matrix(support=True, interviews=True)
    assert policy.can_record_interview(user("PDRM", Role.INVESTIGATOR), SIDES, seen)
    assert policy.can_record_interview(user("JKM", Role.CASEWORKER), SIDES, seen)
    assert not policy.can_record_interview(user("NGO", Role.CASEWORKER), SIDES, seen)


def test_a_school_never_starts_a_plan() -> None:
    assert not policy.can_start_plan(user("MOE", Role.CASEWORKER), Matrix(support=True))
    assert policy.can_start_plan(user("JKM", Role.CASEWORKER), Matrix(support=True))
    assert not policy.can_start_plan(user("JKM", Role.CASEWORKER), NOTHING)


def test_counselling_notes_are_the_counselling_caseworkers_alone() -> None:
    counsellor = user("NGO", Role.CASEWORKER)
    assert policy.can_read_notes(counsellor, COUNSELLING, matrix_counselling=False)
    for other in (
        user("NGO", Role.SUPERVISOR),
        user("JKM", Role.CASEWORKER),
        user("PDRM", Role.INVESTIGATOR),
        user("SECRETARIAT", Role.ANALYST),
        Viewer.system(),
    ):
        assert not policy.can_read_notes(other, COUNSELLING, matrix_counselling=False)
    legal = ServiceSides(kind="legal_aid", provider_agency=None)
    assert not policy.can_read_notes(counsellor, legal, matrix_counselling=True)

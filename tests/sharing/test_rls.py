"""Row-level security on case-scoped tables: PostgreSQL hides what the agency may not see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from tests.cases.factories import make_case

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.cases.models import Case, CaseNote
from perisai.identity.models import Role
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent, Tlp
from perisai.sharing.redaction import Viewer, ViewerKind
from perisai.sharing.rls import read_as


def visible_cases(db: Session, case_ids: list[int]) -> set[int]:
    return set(db.scalars(select(Case.id).where(Case.id.in_(case_ids))))


@pytest.fixture
def two_cases(db: Session, runtime: Runtime) -> Iterator[tuple[int, int]]:
    pdrm_case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=pdrm_case.id, agency="PDRM", actor=SYSTEM)
    cases.add_note(db, case_id=pdrm_case.id, body="note", actor=SYSTEM)
    jkm_case = make_case(db, runtime.keyring)
    cases.refer(db, case_id=jkm_case.id, agency="JKM", reason="support", actor=SYSTEM)
    db.flush()
    yield pdrm_case.id, jkm_case.id
    db.execute(text("RESET ROLE"))


def viewer(agency: str | None, user_id: int | None = None) -> Viewer:
    return Viewer(kind=ViewerKind.USER, agency=agency, role=Role.ANALYST, user_id=user_id)


def test_without_the_agency_setting_nothing_is_visible(
    db: Session, two_cases: tuple[int, int]
) -> None:
    db.execute(text("SET LOCAL ROLE perisai_reader"))
    assert visible_cases(db, list(two_cases)) == set()
    assert db.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert db.scalar(select(func.count()).select_from(OutboxEvent)) == 0


@pytest.mark.parametrize(
    ("agency", "sees"),
    [("PDRM", {0}), ("JKM", {1}), ("SECRETARIAT", {0, 1}), ("NGO", set()), ("", set())],
)
def test_each_agency_sees_only_its_cases(
    db: Session, two_cases: tuple[int, int], agency: str, sees: set[int]
) -> None:
    read_as(db, viewer(agency))
    assert visible_cases(db, list(two_cases)) == {two_cases[i] for i in sees}
    case_events = set(
        db.scalars(select(OutboxEvent.case_id).where(OutboxEvent.case_id.in_(two_cases)))
    )
    assert case_events == {two_cases[i] for i in sees}


def test_red_case_only_for_its_assigned_user(db: Session, runtime: Runtime) -> None:
    from tests.identity.factories import make_user

    investigator, _ = make_user(db, runtime.keyring, role="investigator", agency="PDRM")
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=investigator.id, actor=SYSTEM)
    case.tlp = Tlp.RED
    db.flush()
    with db.begin_nested() as savepoint:
        read_as(db, viewer("PDRM", investigator.id))
        assert visible_cases(db, [case.id]) == {case.id}
        savepoint.rollback()
    db.execute(text("RESET ROLE"))
    with db.begin_nested() as savepoint:
        read_as(db, viewer("PDRM", investigator.id + 1000))
        assert visible_cases(db, [case.id]) == set()
        savepoint.rollback()
    db.execute(text("RESET ROLE"))


def test_the_system_is_not_scoped(db: Session, two_cases: tuple[int, int]) -> None:
    read_as(db, Viewer.system())
    assert visible_cases(db, list(two_cases)) == set(two_cases)


def test_victim_grants_are_case_scoped_and_open_a_red_case(db: Session, runtime: Runtime) -> None:
    """cases_0002: `case_victim_grant` rows follow their case, and a grantee sees a RED case."""
    from tests.identity.factories import make_user

    from perisai.cases.models import CaseVictimGrant

    caseworker, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    case = make_case(db, runtime.keyring)
    cases.assign(db, case_id=case.id, agency="JKM", actor=SYSTEM)  # the agency, nobody named
    cases.grant_victim_access(
        db, case_id=case.id, user_id=caseworker.id, reason="family contact", actor=SYSTEM
    )
    case.tlp = Tlp.RED
    db.flush()
    grants = (
        select(func.count()).select_from(CaseVictimGrant).where(CaseVictimGrant.case_id == case.id)
    )
    for who, sees in (
        (viewer("JKM", caseworker.id), True),
        (viewer("JKM", caseworker.id + 1000), False),
        (viewer("NGO", caseworker.id), False),
    ):
        with db.begin_nested() as savepoint:
            read_as(db, who)
            assert visible_cases(db, [case.id]) == ({case.id} if sees else set())
            assert db.scalar(grants) == (1 if sees else 0)
            savepoint.rollback()
        db.execute(text("RESET ROLE"))

"""Case fixtures: triaged reports in a case, and actors of each agency."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM, Actor
from perisai.cases import service as cases
from perisai.cases.models import Case
from perisai.crypto import Keyring
from perisai.triage.service import triage_report

ANALYST = Actor(kind="user", id="1", agency="SECRETARIAT", role="analyst")


def actor_of(agency: str, role: str = "analyst", user_id: int = 99) -> Actor:
    return Actor(kind="user", id=str(user_id), agency=agency, role=role)


def make_case(db: Session, keyring: Keyring, *, reports: int = 1, **fields: object) -> Case:
    made = []
    for _ in range(reports):
        report = make_report(db, keyring, **fields)
        triage_report(db, report_id=report.id, actor=SYSTEM)
        made.append(report.id)
    return cases.create_case(db, title="Synthetic case", report_ids=made, actor=ANALYST)

"""Victim fixtures: a report naming a (synthetic) child, in a case worked by each agency."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST, actor_of
from tests.identity.factories import make_user

from perisai.audit.service import SYSTEM
from perisai.cases import service as cases
from perisai.cases.models import Case
from perisai.crypto import Keyring
from perisai.identity.models import User
from perisai.reports.models import Report
from perisai.reports.schemas import ReportIn
from perisai.reports.service import canonical_sha256, submit
from perisai.triage.service import triage_report
from perisai.victims import service as victims
from perisai.victims.models import Victim

_keys = itertools.count(1)
CHILD_NAME = "Zubaidah Qoriwangsa"  # made up, distinctive: searched for in every copy
SCHOOL = "SK Taman Contoh Sintetik"


def child(name: str = CHILD_NAME, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "age": 12,
        "school_name": SCHOOL,
        "phones": ["+60123456700"],
        "screen_names": ["zq_synthetic"],
        **extra,
    }


def report_body(victim: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "incident": {"type": "online_enticement", "escalation_reason": "meeting planned"},
        "reported_accounts": [{"platform": "ExampleChat", "emails": ["suspect@example.test"]}],
        "victims": [victim if victim is not None else child()],
        "conversations": [{"messages": [{"author": "suspect", "text": "hi, how old are you?"}]}],
    }


def make_victim_report(
    db: Session, keyring: Keyring, victim: dict[str, Any] | None = None
) -> Report:
    raw = report_body(victim)
    submitted = submit(
        db,
        keyring=keyring,
        actor=SYSTEM,
        data=ReportIn.model_validate(raw),
        body_sha256=canonical_sha256({**raw, "_n": next(_keys)}),
        client_id="test",
        idempotency_key=f"victims-test-{next(_keys)}",
    )
    db.flush()
    return db.scalars(select(Report).where(Report.public_id == submitted.receipt.report_id)).one()


@dataclass
class World:
    """A case about one child, worked by JKM and PDRM (granted), referred to an NGO and to MOE,
    with one user of each kind, and the child's victim record."""

    case: Case
    report: Report
    victim: Victim
    jkm: User
    pdrm: User
    ngo: User
    moe: User
    analyst: User
    outsider: User  # a PDRM investigator not on the case's grants


def make_world(db: Session, keyring: Keyring) -> World:
    report = make_victim_report(db, keyring)
    triage_report(db, report_id=report.id, actor=SYSTEM)
    case = cases.create_case(db, title="Synthetic case", report_ids=[report.id], actor=ANALYST)
    jkm, _ = make_user(db, keyring, role="caseworker", agency="JKM")
    pdrm, _ = make_user(db, keyring, role="investigator", agency="PDRM")
    ngo, _ = make_user(db, keyring, role="caseworker", agency="NGO")
    moe, _ = make_user(db, keyring, role="caseworker", agency="MOE")
    analyst, _ = make_user(db, keyring, role="analyst", agency="SECRETARIAT")
    outsider, _ = make_user(db, keyring, role="investigator", agency="PDRM")
    cases.assign(db, case_id=case.id, agency="JKM", user_id=jkm.id, actor=ANALYST, lead=True)
    cases.assign(db, case_id=case.id, agency="PDRM", user_id=pdrm.id, actor=ANALYST)
    for agency, user in (("NGO", ngo), ("MOE", moe)):
        referral = cases.refer(db, case_id=case.id, agency=agency, reason="support", actor=ANALYST)
        cases.respond_to_referral(
            db,
            referral_id=referral.id,
            accept=True,
            actor=actor_of(agency, "caseworker", user.id),
        )
    victim = victims.create_from_report(
        db, keyring, report_public_id=report.public_id, position=0, actor=ANALYST
    )
    db.flush()
    db.expire_all()
    return World(case, report, victim, jkm, pdrm, ngo, moe, analyst, outsider)

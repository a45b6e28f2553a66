"""What support asks of the victims domain, in one module (the only one that imports it).

The victim record (identity, consent, per-victim key, erasure) belongs to `perisai.victims`;
support only reads from it: the need-to-know matrix for the support groups, which cases and
reports are about the child, and the child's own data key, so that erasing the child
(crypto-shredding: the key is destroyed in the subject key store) also makes the counselling
notes unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.crypto import (
    DecryptionError,
    Keyring,
    open_with_key,
    seal_with_key,
)
from perisai.reports.models import Report
from perisai.sharing.caseaccess import load_cases
from perisai.sharing.redaction import VictimGroup, Viewer, can_see_victim_group
from perisai.support.policy import Matrix
from perisai.victims import service as victims
from perisai.victims.models import Victim, VictimReport

VictimNotFound = victims.VictimNotFound


class VictimErased(LookupError):
    """The child's key is destroyed: what was sealed under it cannot be read again."""


def victim_by_public_id(session: Session, public_id: str) -> Victim:
    return victims.victim_by_public_id(session, public_id.strip())


def public_id_of(session: Session, victim_id: int) -> str:
    return victims.get_victim(session, victim_id).public_id


def matrix(session: Session, viewer: Viewer, victim_id: int) -> Matrix:
    """The record's answers for the plan and the register (one load of the record's facts)."""
    facts = victims.victim_facts(session, victims.get_victim(session, victim_id))
    return Matrix(
        support=can_see_victim_group(viewer, facts, VictimGroup.SUPPORT),
        interviews=can_see_victim_group(viewer, facts, VictimGroup.INTERVIEWS),
    )


def may_read_counselling(session: Session, viewer: Viewer, victim_id: int, agency: str) -> bool:
    victim = victims.get_victim(session, victim_id)
    return victims.may_see(
        session, viewer, victim, VictimGroup.COUNSELLING, counselling_agency=agency
    )


def case_agencies(session: Session, victim_id: int) -> frozenset[str]:
    """The agencies of the cases about this child (assigned or referred)."""
    victim = victims.get_victim(session, victim_id)
    cases = load_cases(session, victims.linked_case_ids(session, victim))
    return frozenset(agency for case in cases.values() for agency in case.agencies)


def first_reports(session: Session, victim_ids: Iterable[int]) -> dict[int, datetime]:
    """When the first report about each of these children was received (one query)."""
    wanted = sorted(set(victim_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(VictimReport.victim_id, func.min(Report.received_at))
        .join(Report, Report.id == VictimReport.report_id)
        .where(VictimReport.victim_id.in_(wanted))
        .group_by(VictimReport.victim_id)
    )
    return {int(victim_id): at for victim_id, at in rows}


def _data_key(session: Session, keyring: Keyring, victim_id: int) -> bytes:
    victim = victims.get_victim(session, victim_id)
    try:
        return victims.data_key(keyring, victim)
    except victims.VictimConflict:
        raise VictimErased(victim.public_id) from None


def seal(session: Session, keyring: Keyring, victim_id: int, text: str, purpose: str) -> bytes:
    """``text`` sealed under the child's own data key, bound to the child and ``purpose``."""
    key = _data_key(session, keyring, victim_id)
    return seal_with_key(key, text.encode("utf-8"), f"support:{victim_id}:{purpose}")


def unseal(session: Session, keyring: Keyring, victim_id: int, sealed: bytes, purpose: str) -> str:
    key = _data_key(session, keyring, victim_id)
    try:
        return open_with_key(key, sealed, f"support:{victim_id}:{purpose}").decode("utf-8")
    except DecryptionError:
        raise VictimErased(str(victim_id)) from None

"""One helper for every case change: the domain event and the audit entry, in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.cases.models import Case
from perisai.identity.agencies import SECRETARIAT
from perisai.sharing.events import emit


def audience(case: Case, *extra: str) -> list[str]:
    """The agencies that see the case's events: its own, the secretariat, and any named."""
    return sorted({SECRETARIAT, *case.agencies, *extra})


def changed(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    type: str,
    payload: dict[str, Any] | None = None,
    also_to: tuple[str, ...] = (),
) -> None:
    body = {"case_public_id": case.public_id, "status": case.status, **(payload or {})}
    emit(
        session,
        type=type,
        subject_type="case",
        subject_id=case.public_id,
        payload=body,
        audience=audience(case, *also_to),
        case_id=case.id,
        tlp=case.tlp,
    )
    record(
        session,
        actor=actor,
        action=type,
        object_type="case",
        object_id=case.public_id,
        details={k: v for k, v in body.items() if k not in ("note", "reason")},
    )

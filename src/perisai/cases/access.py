"""What need-to-know reads from cases (registered at the sharing layer's `sharing.case_facts`
hook, so that the outbox, SSE and webhooks redact by case without importing cases)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.cases.models import Case
from perisai.sharing.caseaccess import facts_of
from perisai.sharing.redaction import CaseAccess


def load_cases(session: Session, case_ids: Iterable[int]) -> dict[int, CaseAccess]:
    """Case id → frozen facts; a missing case is absent (and so hidden by redaction)."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    cases = session.scalars(
        select(Case)
        .where(Case.id.in_(wanted))
        .options(
            selectinload(Case.assignments),
            selectinload(Case.referrals),
            selectinload(Case.victim_grants),
        )
    ).all()
    return {case.id: facts_of(case) for case in cases}

"""What need-to-know reads from cases (registered at the sharing layer's `sharing.case_facts`
hook, so that the outbox, SSE and webhooks redact by case without importing cases)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.cases.models import Case
from perisai.sharing.caseaccess import facts_of
from perisai.sharing.redaction import CaseAccess

# What need-to-know reads of a case (who works it, who it was referred to, who was granted the
# victims' identity), loaded with it by everything that asks.
ACCESS_PARTS = (
    selectinload(Case.assignments),
    selectinload(Case.referrals),
    selectinload(Case.victim_grants),
)


def load_cases(session: Session, case_ids: Iterable[int]) -> dict[int, CaseAccess]:
    """Case id → frozen facts; a missing case is absent (and so hidden by redaction)."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    cases = session.scalars(select(Case).where(Case.id.in_(wanted)).options(*ACCESS_PARTS)).all()
    return {case.id: facts_of(case) for case in cases}

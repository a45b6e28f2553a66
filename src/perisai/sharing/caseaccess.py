"""Loading what need-to-know reads from a case (engineer A's Case satisfies CaseAccess)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai.sharing.redaction import CaseAccess, CaseFacts


def load_cases(session: Session, case_ids: Iterable[int]) -> dict[int, CaseAccess]:
    """Case id → frozen facts; a missing case is absent (and so hidden by redaction)."""
    from perisai.cases.models import Case

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


def facts_of(case: CaseAccess) -> CaseFacts:
    """A snapshot, so that streams hold no ORM objects across transactions."""
    return CaseFacts(
        agencies=frozenset(case.agencies),
        assigned_caseworker_id=case.assigned_caseworker_id,
        assigned_investigator_id=case.assigned_investigator_id,
        tlp=case.tlp,
        victim_grantees=frozenset(case.victim_grantees),
    )

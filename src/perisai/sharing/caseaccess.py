"""What need-to-know reads from a case, asked of the domain that keeps cases.

Sharing sits below cases (cases emit events through it), so it does not import them: the cases
domain registers its loader at :data:`CASE_FACTS` in its manifest.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from perisai.manifest import hooks
from perisai.sharing.names import CASE_FACTS
from perisai.sharing.redaction import CaseAccess, CaseFacts


def load_cases(session: Session, case_ids: Iterable[int]) -> dict[int, CaseAccess]:
    """Case id → frozen facts; a missing case is absent (and so hidden by redaction)."""
    wanted = set(case_ids)
    found: dict[int, CaseAccess] = {}
    if wanted:
        for loader in hooks(CASE_FACTS):
            found.update(loader(session, wanted))
    return found


def facts_of(case: CaseAccess) -> CaseFacts:
    """A snapshot, so that streams hold no ORM objects across transactions."""
    return CaseFacts(
        agencies=frozenset(case.agencies),
        assigned_caseworker_id=case.assigned_caseworker_id,
        assigned_investigator_id=case.assigned_investigator_id,
        tlp=case.tlp,
        victim_grantees=frozenset(case.victim_grantees),
    )

"""Who may change a victim record (who may read it is sharing/redaction.py's matrix).

- Make a record from a report's victim, or link another report's victim to it: the
  secretariat's triage desk (analysts and supervisors), or a person holding victim access on the
  case that holds the report. The record is made from the sealed block without showing it.
- Record or withdraw consent, and edit identity: a person holding victim access on a linked case
  (the JKM caseworker who sits with the child and guardian, the PDRM investigator), or a
  secretariat supervisor.
- Erase (crypto-shred) and put on or off legal hold: a secretariat supervisor, with confirmation.
"""

from __future__ import annotations

from perisai.identity.agencies import SECRETARIAT
from perisai.identity.models import Role
from perisai.identity.permissions import Permission
from perisai.sharing.redaction import (
    CaseAccess,
    VictimFacts,
    Viewer,
    can_see_case,
    can_see_unassigned_report,
    can_see_victim,
)


def _secretariat_triage(viewer: Viewer) -> bool:
    return viewer.agency == SECRETARIAT and viewer.has(Permission.REPORTS_TRIAGE)


def may_create_from_report(viewer: Viewer, holder: CaseAccess | None) -> bool:
    """``holder``: the case holding the report, if any."""
    if viewer.is_system:
        return True
    if holder is None:
        return can_see_unassigned_report(viewer) and _secretariat_triage(viewer)
    if not can_see_case(viewer, holder):
        return False
    return _secretariat_triage(viewer) or can_see_victim(viewer, holder)


def _supervisor(viewer: Viewer) -> bool:
    return viewer.agency == SECRETARIAT and viewer.role is Role.SUPERVISOR


def may_manage(viewer: Viewer, facts: VictimFacts) -> bool:
    """Consent and identity edits."""
    if viewer.is_system:
        return True
    if facts.erased:
        return False
    return _supervisor(viewer) or any(can_see_victim(viewer, case) for case in facts.cases)


def may_erase(viewer: Viewer) -> bool:
    return viewer.is_system or (_supervisor(viewer) and viewer.has(Permission.VICTIMS_ERASE))

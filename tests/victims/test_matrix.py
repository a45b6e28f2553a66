"""The need-to-know matrix of a child's record, for every role and agency and every outlet.

Counselling notes: the counselling NGO only. Police: the interview register, never counselling
notes. Schools: nothing unless consented. Agency systems (API keys, webhooks, SSE for agencies):
never any of it. Withdrawal: from the next answer on.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST
from tests.victims.factories import CHILD_NAME, SCHOOL, make_world

from perisai.cases import service as cases
from perisai.identity.models import Role
from perisai.identity.permissions import Scope
from perisai.runtime import Runtime
from perisai.sharing.models import OutboxEvent, Tlp
from perisai.sharing.redaction import (
    IDENTITY_GROUPS,
    CaseFacts,
    VictimFacts,
    VictimGroup,
    Viewer,
    ViewerKind,
    can_see_victim_group,
    can_see_victim_record,
    redact_event,
    redact_for_export,
    redact_victim,
)
from perisai.victims import service as victims

G = VictimGroup
JKM_CW = Viewer(ViewerKind.USER, "JKM", Role.CASEWORKER, 1)
PDRM_INV = Viewer(ViewerKind.USER, "PDRM", Role.INVESTIGATOR, 2)
NGO_CW = Viewer(ViewerKind.USER, "NGO", Role.CASEWORKER, 3)
MOE_CW = Viewer(ViewerKind.USER, "MOE", Role.CASEWORKER, 4)
TEACHER = Viewer(ViewerKind.USER, "MOE", Role.TEACHER, 5)
SEC_ANALYST = Viewer(ViewerKind.USER, "SECRETARIAT", Role.ANALYST, 6)
SEC_SUPERVISOR = Viewer(ViewerKind.USER, "SECRETARIAT", Role.SUPERVISOR, 7)
PDRM_OTHER = Viewer(ViewerKind.USER, "PDRM", Role.INVESTIGATOR, 8)  # on the case, no grant
AUDITOR = Viewer(ViewerKind.USER, "SECRETARIAT", Role.AUDITOR, 9)
NGO_SYSTEM = Viewer(ViewerKind.API_CLIENT, "NGO", scopes=frozenset({Scope.EVENTS_READ.value}))
NGO_WEBHOOK = Viewer.for_subscription("NGO")
OUTSIDER = Viewer(ViewerKind.USER, "CSM", Role.INVESTIGATOR, 10)  # not on the case

CASE = CaseFacts(
    agencies=frozenset({"JKM", "PDRM", "NGO", "MOE"}),
    assigned_caseworker_id=1,
    assigned_investigator_id=2,
    victim_grantees=frozenset({("JKM", 1), ("PDRM", 2)}),
)


def facts(consents: Mapping[VictimGroup, frozenset[str]] | None = None, **kw: bool) -> VictimFacts:
    return VictimFacts(cases=(CASE,), consents=consents or {}, **kw)


ALL = (JKM_CW, PDRM_INV, NGO_CW, MOE_CW, TEACHER, SEC_ANALYST, SEC_SUPERVISOR, PDRM_OTHER,
       AUDITOR, NGO_SYSTEM, NGO_WEBHOOK, OUTSIDER)  # fmt: skip
NAMES = {id(v): n for v, n in zip(ALL, (
    "jkm", "pdrm", "ngo", "moe", "teacher", "sec_analyst", "sec_supervisor", "pdrm_other",
    "auditor", "ngo_system", "ngo_webhook", "outsider"), strict=True)}  # fmt: skip

# Without any consent: who sees which group (counselling by the NGO that counsels).
EXPECTED_NO_CONSENT: dict[str, set[VictimGroup]] = {
    "jkm": set(IDENTITY_GROUPS) | {G.SUPPORT, G.INTERVIEWS},
    "pdrm": set(IDENTITY_GROUPS) | {G.SUPPORT, G.INTERVIEWS},
    "ngo": {G.SUPPORT, G.COUNSELLING},
    "moe": set(),
    "teacher": set(),
    "sec_analyst": set(),
    "sec_supervisor": set(),
    "pdrm_other": {G.SUPPORT, G.INTERVIEWS},
    "auditor": set(),
    "ngo_system": set(),
    "ngo_webhook": set(),
    "outsider": set(),
}


def visible(viewer: Viewer, found: VictimFacts) -> set[VictimGroup]:
    return {
        group
        for group in VictimGroup
        if can_see_victim_group(viewer, found, group, counselling_agency="NGO")
    }


@pytest.mark.parametrize("viewer", ALL, ids=lambda v: NAMES[id(v)])
def test_matrix_without_consent(viewer: Viewer) -> None:
    assert visible(viewer, facts()) == EXPECTED_NO_CONSENT[NAMES[id(viewer)]]


def test_counselling_notes_are_the_counselling_ngo_s_only() -> None:
    found = facts({g: frozenset({"NGO", "PDRM", "MOE"}) for g in VictimGroup})
    for viewer in ALL:
        allowed = can_see_victim_group(viewer, found, G.COUNSELLING, counselling_agency="NGO")
        assert allowed == (viewer is NGO_CW), NAMES[id(viewer)]
    # Another NGO's counsellors do not see these notes, nor does anyone without the agency named.
    assert not can_see_victim_group(NGO_CW, found, G.COUNSELLING, counselling_agency="OTHER")
    assert not can_see_victim_group(NGO_CW, found, G.COUNSELLING)


def test_police_see_the_interview_register_but_not_counselling() -> None:
    for viewer in (PDRM_INV, PDRM_OTHER):
        assert can_see_victim_group(viewer, facts(), G.INTERVIEWS)
        assert not can_see_victim_group(viewer, facts(), G.COUNSELLING, counselling_agency="NGO")
    assert not can_see_victim_group(NGO_CW, facts(), G.INTERVIEWS)
    assert not can_see_victim_group(MOE_CW, facts({G.INTERVIEWS: frozenset({"MOE"})}), G.INTERVIEWS)


def test_schools_see_nothing_unless_consented_and_only_that() -> None:
    assert not can_see_victim_record(MOE_CW, facts())
    consented = facts({G.SCHOOL: frozenset({"MOE"}), G.SUPPORT: frozenset({"MOE"})})
    assert can_see_victim_record(MOE_CW, consented)
    assert visible(MOE_CW, consented) == {G.SCHOOL, G.SUPPORT}
    # A teacher reads no victim data at all, consent or not.
    assert visible(TEACHER, consented) == set()


def test_consent_opens_one_group_to_one_agency_and_withdrawal_closes_it() -> None:
    given = facts({G.SCHOOL: frozenset({"NGO"})})
    assert visible(NGO_CW, given) == {G.SCHOOL, G.SUPPORT, G.COUNSELLING}
    assert G.SCHOOL not in visible(MOE_CW, given)
    assert G.SCHOOL not in visible(NGO_CW, facts())  # withdrawn: the next answer
    # Consent never reaches agency systems or someone whose agency is not on the case.
    everyone = facts({g: frozenset({"NGO", "CSM"}) for g in VictimGroup})
    assert visible(NGO_SYSTEM, everyone) == visible(NGO_WEBHOOK, everyone) == set()
    assert visible(OUTSIDER, everyone) == set()


def test_erased_record_has_no_identity_for_anyone() -> None:
    gone = facts({g: frozenset({"NGO"}) for g in VictimGroup}, erased=True)
    for viewer in ALL:
        assert not visible(viewer, gone) & IDENTITY_GROUPS, NAMES[id(viewer)]
    assert not visible(Viewer.system(), gone) & IDENTITY_GROUPS


def test_redaction_keeps_only_allowed_groups() -> None:
    view = {
        "public_id": "V-1",
        "status": "active",
        "secret_column": "dropped",
        "identity": {"name": {"name": CHILD_NAME}, "school": {"school_name": SCHOOL}},
    }
    given = facts({G.SCHOOL: frozenset({"NGO"})})
    assert redact_victim(NGO_CW, view, given)["identity"] == {"school": {"school_name": SCHOOL}}
    assert "secret_column" not in redact_victim(JKM_CW, view, given)
    assert set(redact_victim(JKM_CW, view, given)["identity"]) == {"name", "school"}


def _event(type_: str, payload: dict[str, object]) -> OutboxEvent:
    return OutboxEvent(
        id=1, type=type_, subject_type="victim", subject_id="V-1", payload=payload,
        audience=[], case_id=7, tlp=Tlp.AMBER,
    )  # fmt: skip


def test_sse_and_webhooks_never_carry_identity() -> None:
    """Even a payload that wrongly held identity would not pass: the schema has no such field."""
    leaky: dict[str, object] = {
        "victim_public_id": "V-1",
        "field_group": "school",
        "agency": "NGO",
        "identity": {"name": CHILD_NAME},
        "name": CHILD_NAME,
        "school_name": SCHOOL,
    }
    for viewer in ALL:
        shown = redact_event(viewer, _event("victim.consent_given", leaky), CASE)
        text = repr(shown)
        assert CHILD_NAME not in text and SCHOOL not in text, NAMES[id(viewer)]
    ngo = redact_event(NGO_WEBHOOK, _event("victim.consent_given", leaky), CASE)
    assert ngo is not None and ngo["data"]["victim_public_id"] == "V-1"


def test_every_outlet_follows_consent_and_its_withdrawal(db: Session, runtime: Runtime) -> None:
    """API, page and export read the consents in force when they answer (no cache)."""
    world = make_world(db, runtime.keyring)
    ngo = Viewer.for_user(world.ngo)
    victims.record_consent(
        db, world.victim, group="school", agency="NGO", given_by="both", method="written",
        actor=ANALYST,
    )  # fmt: skip

    def exported() -> dict[str, object]:
        identity = victims.read_identity(
            db, runtime.keyring, ngo, world.victim, purpose="support_contact", outlet="export"
        )
        view = {**victims.victim_view(db, world.victim), "identity": identity}
        return redact_for_export(
            db, ngo, kind="victim", view=view, case=None, object_id=world.victim.public_id,
            victim=victims.victim_facts(db, world.victim),
        )  # fmt: skip

    assert exported()["identity"] == {"school": {"school_name": SCHOOL}}
    victims.withdraw_consent(
        db, world.victim, group="school", agency="NGO", method="phone", actor=ANALYST
    )
    assert exported()["identity"] == {}
    # A revoked grant closes the statutory path the same way.
    jkm = Viewer.for_user(world.jkm)
    assert victims.may_see(db, jkm, world.victim, G.NAME)
    db.refresh(world.case)
    grant = next(g for g in world.case.victim_grants if g.user_id == world.jkm.id)
    cases.revoke_victim_access(
        db, case_id=world.case.id, grant_id=grant.id, reason="moved", actor=ANALYST
    )
    assert not victims.may_see(db, jkm, world.victim, G.NAME)

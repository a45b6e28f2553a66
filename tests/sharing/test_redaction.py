"""The redaction layer's rules, one by one, on plain data (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perisai.identity.models import Role
from perisai.sharing.models import OutboxEvent, Tlp
from perisai.sharing.redaction import (
    CASE_FIELDS,
    REPORT_FIELDS,
    CaseFacts,
    NotVisible,
    Sensitivity,
    Viewer,
    ViewerKind,
    apply_schema,
    can_reveal_evidence,
    can_see_case,
    can_see_victim,
    redact_case,
    redact_event,
    redact_report,
)

CASEWORKER_ID, INVESTIGATOR_ID = 11, 22
CASE = CaseFacts(
    agencies=frozenset({"JKM", "PDRM"}),
    assigned_caseworker_id=CASEWORKER_ID,
    assigned_investigator_id=INVESTIGATOR_ID,
    victim_grantees=frozenset({("JKM", CASEWORKER_ID), ("PDRM", INVESTIGATOR_ID)}),
)


def user(agency: str, role: Role, user_id: int = 99) -> Viewer:
    return Viewer(kind=ViewerKind.USER, agency=agency, role=role, user_id=user_id)


def system_key(agency: str | None, scopes: set[str] | None = None) -> Viewer:
    return Viewer(
        kind=ViewerKind.API_CLIENT, agency=agency, scopes=frozenset(scopes or {"events:read"})
    )


CASE_VIEW: dict[str, Any] = {
    "public_id": "C-1",
    "status": "investigating",
    "title": "Sextortion ring",
    "notes": [{"body": "called the school"}],
    "victims": [{"name": "Nur", "phone": "+60123456789"}],
    "reports": [
        {
            "public_id": "R-1",
            "reasons": ["same phone as R-0"],
            "victims": [{"name": "Nur"}],
            "files": [{"name": "a.jpg", "sha256": "ab" * 32, "blob_path": "/vault/ab"}],
            "internal_flag": True,
        }
    ],
    "secret_new_column": "never seen",
}


def test_case_visible_to_its_agencies_and_the_secretariat_only() -> None:
    assert can_see_case(user("JKM", Role.CASEWORKER), CASE)
    assert can_see_case(user("PDRM", Role.ANALYST), CASE)
    assert can_see_case(user("SECRETARIAT", Role.SUPERVISOR), CASE)
    for agency in ("CSM", "MCMC", "MOE", "NGO"):
        assert not can_see_case(user(agency, Role.ANALYST), CASE)
    assert can_see_case(system_key("PDRM"), CASE)
    assert not can_see_case(system_key("NGO"), CASE)
    assert can_see_case(Viewer.system(), CASE)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_roles_that_do_not_read_cases_see_none_even_in_an_assigned_agency(role: Role) -> None:
    assert not can_see_case(user("PDRM", role), CASE)
    assert not can_see_case(user("SECRETARIAT", role), CASE)


def test_victim_identity_follows_grants_not_the_latest_assignment() -> None:
    """Issue #11 item 2: access is a grant per agency and person, not "the assigned user"."""
    taken_over = CaseFacts(
        agencies=CASE.agencies,
        assigned_caseworker_id=33,  # a later assignment…
        assigned_investigator_id=INVESTIGATOR_ID,
        victim_grantees=CASE.victim_grantees,  # …moves no grant
    )
    assert can_see_victim(user("JKM", Role.CASEWORKER, CASEWORKER_ID), taken_over)
    assert not can_see_victim(user("JKM", Role.CASEWORKER, 33), taken_over)
    # The grant names the agency: the same id in another agency, or another role, gets nothing.
    assert not can_see_victim(user("NGO", Role.CASEWORKER, CASEWORKER_ID), CASE)
    assert not can_see_victim(user("JKM", Role.ANALYST, CASEWORKER_ID), CASE)
    ungranted = CaseFacts(
        agencies=CASE.agencies,
        assigned_caseworker_id=CASEWORKER_ID,
        assigned_investigator_id=INVESTIGATOR_ID,
    )
    assert not can_see_victim(user("JKM", Role.CASEWORKER, CASEWORKER_ID), ungranted)


def test_unknown_agency_roleless_user_and_scopeless_key_see_nothing() -> None:
    assert not can_see_case(user("ELSEWHERE", Role.ANALYST), CASE)
    assert not can_see_case(Viewer(kind=ViewerKind.USER, agency="PDRM", user_id=1), CASE)
    assert not can_see_case(system_key("PDRM", {"reports:submit"}), CASE)
    assert not can_see_case(system_key(None), CASE)


def test_red_case_only_for_its_assigned_users() -> None:
    red = CaseFacts(
        agencies=CASE.agencies,
        assigned_caseworker_id=CASEWORKER_ID,
        assigned_investigator_id=INVESTIGATOR_ID,
        tlp=Tlp.RED,
    )
    assert can_see_case(user("JKM", Role.CASEWORKER, CASEWORKER_ID), red)
    assert can_see_case(user("PDRM", Role.INVESTIGATOR, INVESTIGATOR_ID), red)
    assert not can_see_case(user("PDRM", Role.INVESTIGATOR, 5), red)
    assert not can_see_case(user("SECRETARIAT", Role.SUPERVISOR), red)
    assert not can_see_case(system_key("PDRM"), red)


def test_victim_identity_only_for_the_assigned_caseworker_and_investigator() -> None:
    assert can_see_victim(user("JKM", Role.CASEWORKER, CASEWORKER_ID), CASE)
    assert can_see_victim(user("PDRM", Role.INVESTIGATOR, INVESTIGATOR_ID), CASE)
    # Same ids but the wrong role or agency, or the right role but not assigned: no.
    assert not can_see_victim(user("PDRM", Role.ANALYST, INVESTIGATOR_ID), CASE)
    assert not can_see_victim(user("CSM", Role.INVESTIGATOR, INVESTIGATOR_ID), CASE)
    assert not can_see_victim(user("JKM", Role.CASEWORKER, 7), CASE)
    assert not can_see_victim(user("SECRETARIAT", Role.SUPERVISOR), CASE)
    assert not can_see_victim(system_key("JKM"), CASE)


def test_evidence_reveal_only_for_investigators_of_an_assigned_agency() -> None:
    assert can_reveal_evidence(user("PDRM", Role.INVESTIGATOR), CASE)
    assert not can_reveal_evidence(user("PDRM", Role.ANALYST), CASE)
    assert not can_reveal_evidence(user("SECRETARIAT", Role.INVESTIGATOR), CASE)
    assert not can_reveal_evidence(user("CSM", Role.INVESTIGATOR), CASE)
    assert not can_reveal_evidence(system_key("PDRM"), CASE)
    assert not can_reveal_evidence(Viewer.system(), CASE)


def test_redact_case_for_the_assigned_caseworker_keeps_victims_drops_unknown_and_evidence() -> None:
    out = redact_case(user("JKM", Role.CASEWORKER, CASEWORKER_ID), CASE_VIEW, CASE)
    assert out["victims"] == CASE_VIEW["victims"]
    assert out["reports"][0]["victims"] == [{"name": "Nur"}]
    assert "secret_new_column" not in out
    assert "internal_flag" not in out["reports"][0]
    assert out["reports"][0]["files"] == [{"name": "a.jpg", "sha256": "ab" * 32}]


def test_redact_case_for_an_agency_analyst_has_no_victim_anywhere() -> None:
    out = redact_case(user("PDRM", Role.ANALYST), CASE_VIEW, CASE)
    assert out["title"] == "Sextortion ring"
    assert "victims" not in out
    assert "victims" not in out["reports"][0]
    assert "Nur" not in repr(out)


def test_redact_case_refuses_an_outsider() -> None:
    with pytest.raises(NotVisible):
        redact_case(user("NGO", Role.ANALYST), CASE_VIEW, CASE)


def test_unassigned_report_is_for_the_secretariat_triage_desk_only() -> None:
    view = {"public_id": "R-1", "reasons": ["P1: imminent"], "victims": [{"name": "Nur"}]}
    out = redact_report(user("SECRETARIAT", Role.ANALYST), view)
    assert out == {"public_id": "R-1", "reasons": ["P1: imminent"]}
    for viewer in (user("PDRM", Role.INVESTIGATOR), user("SECRETARIAT", Role.AUDITOR)):
        with pytest.raises(NotVisible):
            redact_report(viewer, view)


def test_report_in_a_case_follows_the_case() -> None:
    view = {"public_id": "R-1", "victims": [{"name": "Nur"}]}
    assert redact_report(user("JKM", Role.CASEWORKER, CASEWORKER_ID), view, CASE) == view
    assert redact_report(user("JKM", Role.ANALYST), view, CASE) == {"public_id": "R-1"}
    with pytest.raises(NotVisible):
        redact_report(user("MOE", Role.ANALYST), view, CASE)


def event(
    *, tlp: Tlp, audience: list[str], case_id: int | None = None, payload: dict[str, Any]
) -> OutboxEvent:
    return OutboxEvent(
        id=7,
        type="case.updated",
        subject_type="case",
        subject_id="C-1",
        audience=audience,
        case_id=case_id,
        tlp=tlp,
        payload=payload,
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
    )


PAYLOAD = {"status": "assigned", "reasons": ["same phone"], "victims": [{"name": "Nur"}], "x": 1}


def test_amber_event_reaches_its_audience_and_the_secretariat() -> None:
    amber = event(tlp=Tlp.AMBER, audience=["JKM"], payload=PAYLOAD)
    got = redact_event(user("JKM", Role.CASEWORKER), amber)
    assert got is not None
    assert got["data"] == {"status": "assigned", "reasons": ["same phone"]}
    assert got["id"] == "7" and got["tlp"] == "AMBER"
    assert redact_event(user("SECRETARIAT", Role.ANALYST), amber) is not None
    assert redact_event(user("NGO", Role.ANALYST), amber) is None
    assert redact_event(user("JKM", Role.AUDITOR), amber) is None


def test_green_event_reaches_all_agencies_but_restricted_fields_only_the_audience() -> None:
    green = event(tlp=Tlp.GREEN, audience=["JKM"], payload=PAYLOAD)
    ngo = redact_event(user("NGO", Role.ANALYST), green)
    assert ngo is not None and ngo["data"] == {"status": "assigned"}
    assert redact_event(user("ELSEWHERE", Role.ANALYST), green) is None


def test_clear_event_reaches_any_authenticated_reader() -> None:
    clear = event(tlp=Tlp.CLEAR, audience=[], payload={"status": "closed"})
    assert redact_event(system_key("MOE"), clear) is not None


def test_red_event_only_for_named_users() -> None:
    red = event(tlp=Tlp.RED, audience=["PDRM", "user:22"], payload=PAYLOAD)
    assert redact_event(user("PDRM", Role.INVESTIGATOR, 22), red) is not None
    assert redact_event(user("PDRM", Role.INVESTIGATOR, 23), red) is None
    assert redact_event(user("SECRETARIAT", Role.SUPERVISOR), red) is None
    assert redact_event(system_key("PDRM"), red) is None


def test_case_event_needs_the_case_and_follows_it() -> None:
    green = event(tlp=Tlp.GREEN, audience=[], case_id=5, payload=PAYLOAD)
    assert redact_event(user("JKM", Role.CASEWORKER, CASEWORKER_ID), green) is None  # no case
    got = redact_event(user("JKM", Role.CASEWORKER, CASEWORKER_ID), green, CASE)
    assert got is not None and got["data"]["victims"] == [{"name": "Nur"}]
    # GREEN does not widen need-to-know: an NGO is not on the case.
    assert redact_event(user("NGO", Role.ANALYST), green, CASE) is None
    hook = redact_event(Viewer.for_subscription("PDRM"), green, CASE)
    assert hook is not None and "victims" not in hook["data"]


def test_evidence_is_never_inline_even_for_the_system() -> None:
    files = [{"name": "a.jpg", "content": "AAAA", "blob_path": "/v/a"}]
    got = redact_event(Viewer.system(), event(tlp=Tlp.CLEAR, audience=[], payload={"files": files}))
    assert got is not None and got["data"] == {"files": [{"name": "a.jpg"}]}


_keys = st.text(min_size=1, max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12,
)


def _classified(schema: Any, view: Any) -> bool:
    if isinstance(view, dict):
        return all(
            key in schema
            and (isinstance(schema[key], Sensitivity) or _classified(schema[key], value))
            for key, value in view.items()
        )
    if isinstance(view, list):
        return all(_classified(schema, item) for item in view)
    return view is None


@given(st.dictionaries(st.sampled_from([*CASE_FIELDS, "zz", "victim_phone"]) | _keys, _json))
def test_output_only_ever_holds_classified_fields(view: dict[str, Any]) -> None:
    everything = frozenset(Sensitivity)
    assert _classified(CASE_FIELDS, apply_schema(CASE_FIELDS, view, everything))
    assert _classified(REPORT_FIELDS, apply_schema(REPORT_FIELDS, view, everything))

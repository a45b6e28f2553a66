"""Staff pages of support through the app: each role sees its part, forms work with the CSRF
token, refusals and bad dates are pages in the person's language, the dashboard shows the
measures."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, make_plan_world
from tests.workspace.factories import csrf_of, log_in
from tests.workspace.test_malay import untranslated

from perisai.runtime import Runtime
from perisai.support import service

NOTE = "Synthetic counselling note 5XK"


@pytest.fixture
def pw(db: Session, runtime: Runtime) -> PlanWorld:
    return make_plan_world(db, runtime.keyring)


def _page(client: TestClient, pw: PlanWorld, lang: str = "en") -> tuple[str, str]:
    page = client.get(f"/workspace/support/{pw.id}?lang={lang}")
    assert page.status_code == 200, page.text
    return page.text, csrf_of(page.text)


def test_the_lead_caseworker_works_the_plan_and_issues_the_childs_code(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    listed = client.get("/workspace/support?lang=en")
    assert pw.id in listed.text and "No child is named here" in listed.text
    html, csrf = _page(client, pw)
    assert 'id="needs-form"' in html and 'id="child-code-form"' in html
    # A JKM caseworker without a victim-access grant on the case runs the plan, not the register.
    assert "Forensic interview register" not in html
    done = client.post(
        f"/workspace/support/{pw.id}/services",
        data={"csrf_token": csrf, "kind": "counselling", "follow_up": "2031-01-15"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    needs = client.post(
        f"/workspace/support/{pw.id}/needs",
        data={"csrf_token": csrf, "safety": "high", "school": "low"},
        follow_redirects=False,
    )
    assert needs.status_code == 303
    html, csrf = _page(client, pw)
    assert "NGO counsellor" in html and "2031-01-15 23:59 MYT" in html
    assert "Counselling notes" not in html  # JKM runs the plan, the NGO reads the notes
    issued = client.post(
        f"/workspace/support/{pw.id}/child-code",
        data={"csrf_token": csrf, "helpers": "yes", "lang": "ms"},
    )
    assert issued.status_code == 201 and issued.headers["cache-control"] == "no-store"
    code = re.search(r'id="child-code">([^<]+)<', issued.text)
    secret = re.search(r'id="child-secret">([^<]+)<', issued.text)
    assert code and secret
    child = client.post("/sokongan", data={"code": code.group(1), "secret": secret.group(1)})
    assert child.status_code == 200 and "kaunselor" in child.text


def test_bad_input_is_a_page_naming_the_problem(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    _html, csrf = _page(client, pw)
    for data, words in (
        ({"kind": "counselling", "follow_up": "31-31-2031"}, "Enter a real date"),
        ({"kind": "oscc", "provider": ""}, "Name the provider"),
        ({"kind": "horoscope"}, "Unknown kind of service"),
        ({"kind": "counselling", "owner_id": "abc"}, "That user does not exist"),
    ):
        page = client.post(
            f"/workspace/support/{pw.id}/services?lang=en", data={"csrf_token": csrf, **data}
        )
        assert page.status_code == 422, page.text
        assert words in page.text
    malay = client.post(
        f"/workspace/support/{pw.id}/services?lang=ms",
        data={"csrf_token": csrf, "kind": "counselling", "follow_up": "esok"},
    )
    assert malay.status_code == 422 and "Masukkan tarikh" in malay.text
    forged = client.post(
        f"/workspace/support/{pw.id}/services", data={"csrf_token": "x", "kind": "jkm"}
    )
    assert forged.status_code == 403
    db.expire_all()
    assert pw.plan.services == []


def test_the_counselling_ngo_reads_and_writes_its_notes(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    found = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="counselling")
    log_in(client, runtime, db, role="caseworker", agency="NGO")
    html, csrf = _page(client, pw)
    assert f'id="notes-{found.id}"' in html and 'id="needs-form"' not in html
    assert "Forensic interview register" not in html
    client.post(
        f"/workspace/support/{pw.id}/services/{found.id}/notes",
        data={"csrf_token": csrf, "body": NOTE},
    )
    html, _csrf = _page(client, pw)
    assert NOTE in html


def test_the_police_see_the_register_not_the_notes(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    found = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="counselling")
    service.add_note(
        db, viewer=pw.ngo, keyring=runtime.keyring, public_id=pw.id, service_id=found.id, body=NOTE
    )
    log_in(client, runtime, db, role="investigator", agency="PDRM")
    html, csrf = _page(client, pw)
    assert 'id="interview-form"' in html and NOTE not in html
    assert f'id="notes-{found.id}"' not in html
    scheduled = client.post(
        f"/workspace/support/{pw.id}/interviews",
        data={
            "csrf_token": csrf,
            "when": "2031-02-01 10:00",
            "agency": "PDRM",
            "interviewer": "Insp. Contoh",
        },
        follow_redirects=False,
    )
    assert scheduled.status_code == 303
    html, csrf = _page(client, pw)
    assert 'id="interview-1"' in html and "2031-02-01 10:00 MYT" in html
    second = client.post(
        f"/workspace/support/{pw.id}/interviews?lang=en",
        data={"csrf_token": csrf, "when": "2031-02-05", "agency": "PDRM", "interviewer": "X"},
    )
    assert second.status_code == 422 and "written reason" in second.text
    notes = client.get(f"/api/v1/support/plans/{pw.id}/services/{found.id}/notes")
    assert notes.status_code == 403


def test_the_school_and_the_secretariat_find_nothing(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="MOE")
    page = client.get(f"/workspace/support/{pw.id}?lang=en")
    assert page.status_code == 404 and "you may not see it" in page.text
    assert pw.id not in client.get("/workspace/support").text


def test_the_dashboard_shows_the_measures(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    page = client.get("/workspace/dashboard?lang=en&window=all")
    assert page.status_code == 200
    assert 'id="support-measures"' in page.text
    assert "Days from first report to first support contact" in page.text
    assert pw.id not in page.text  # aggregates only
    malay = client.get("/workspace/dashboard?lang=ms&window=all")
    assert "Ukuran sokongan mangsa" in malay.text


def test_the_plan_page_in_malay_has_no_key_code_or_english(
    client: TestClient, db: Session, runtime: Runtime, pw: PlanWorld
) -> None:
    counselling = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="counselling")
    service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="oscc", provider="OSCC Contoh")
    service.record_contact(db, viewer=pw.ngo, public_id=pw.id, service_id=counselling.id)
    service.set_offender_known(db, viewer=pw.jkm, public_id=pw.id, known=True)
    log_in(client, runtime, db, role="supervisor", agency="JKM")
    for path in (f"/workspace/support/{pw.id}", "/workspace/support"):
        page = client.get(f"{path}?lang=ms")
        assert page.status_code == 200
        assert untranslated(page.text) == [], (path, untranslated(page.text))
        assert "MYT" in page.text or path == "/workspace/support"
    log_in(client, runtime, db, role="supervisor", agency="SECRETARIAT")
    dashboard = client.get("/workspace/dashboard?lang=ms&window=all")
    assert untranslated(dashboard.text) == []
    assert (
        "Kaunselor NGO" not in dashboard.text and "OSCC (Pusat Krisis Setempat)" in dashboard.text
    )

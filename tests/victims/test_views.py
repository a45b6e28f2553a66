"""Victim record pages: masked identity until a purpose is given, consent form, erasure with the
id typed again, refusals as pages, Malay and English."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.cases.factories import ANALYST
from tests.identity.factories import make_user
from tests.victims.factories import CHILD_NAME, SCHOOL, make_victim_report, make_world
from tests.victims.test_api import as_user
from tests.workspace.factories import csrf_of

from perisai.cases import service as cases
from perisai.runtime import Runtime

PAGES = "/workspace/victims"


def test_identity_is_masked_until_a_purpose_is_chosen(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    as_user(client, db, runtime, world.jkm)
    url = f"{PAGES}/{world.victim.public_id}"
    page = client.get(url, params={"lang": "en"})
    assert page.status_code == 200
    assert 'id="identity-masked"' in page.text and CHILD_NAME not in page.text
    assert "Show identity" in page.text
    shown = client.get(url, params={"purpose": "support_contact", "lang": "en"})
    assert CHILD_NAME in shown.text and SCHOOL in shown.text
    malay = client.get(url, params={"lang": "ms"})
    assert "Tunjukkan identiti" in malay.text and "Persetujuan" in malay.text
    assert client.get(url, params={"purpose": "nosy"}).status_code == 422
    assert client.get(f"{PAGES}/VIC-NOTHERE").status_code == 404


def test_consent_form_and_withdrawal_change_what_the_ngo_sees(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    url = f"{PAGES}/{world.victim.public_id}"
    as_user(client, db, runtime, world.jkm)
    token = csrf_of(client.get(url).text)
    given = client.post(
        f"{url}/consents",
        data={"field_group": "school", "agency": "NGO", "given_by": "guardian",
              "method": "in_person", "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert given.status_code == 303, given.text
    bad = client.post(
        f"{url}/consents",
        data={"field_group": "school", "agency": "NGO", "given_by": "guardian",
              "method": "carrier_pigeon", "csrf_token": token, "lang": "en"},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="form-error"' in bad.text and "method" in bad.text
    as_user(client, db, runtime, world.ngo)
    ngo_page = client.get(url, params={"purpose": "support_contact"})
    assert SCHOOL in ngo_page.text and CHILD_NAME not in ngo_page.text
    assert 'id="consent-form"' not in ngo_page.text  # the NGO does not manage consent
    as_user(client, db, runtime, world.jkm)
    token = csrf_of(client.get(url).text)
    withdrawn = client.post(
        f"{url}/consents/withdraw",
        data={"field_group": "school", "agency": "NGO", "method": "phone", "csrf_token": token},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    as_user(client, db, runtime, world.ngo)
    assert SCHOOL not in client.get(url, params={"purpose": "support_contact"}).text
    # A school (MOE) without consent does not even learn the record exists.
    as_user(client, db, runtime, world.moe)
    assert client.get(url).status_code == 404


def test_erase_needs_the_id_typed_again_then_nothing_is_left(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    url = f"{PAGES}/{world.victim.public_id}"
    supervisor, _ = make_user(db, runtime.keyring, role="supervisor", agency="SECRETARIAT")
    as_user(client, db, runtime, supervisor)
    page = client.get(url, params={"lang": "en"})
    assert 'id="erase-form"' in page.text
    token = csrf_of(page.text)
    wrong = client.post(
        f"{url}/erase", data={"basis": "request", "confirm": "VIC-X", "csrf_token": token},
        params={"lang": "en"},
    )  # fmt: skip
    assert wrong.status_code == 422 and "does not match" in wrong.text
    done = client.post(
        f"{url}/erase",
        data={"basis": "request", "confirm": world.victim.public_id, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    as_user(client, db, runtime, world.jkm)
    after = client.get(url, params={"purpose": "support_contact", "lang": "ms"})
    assert after.status_code == 200 and CHILD_NAME not in after.text
    assert 'id="erased-note"' in after.text
    case_page = client.get(f"/workspace/cases/{world.case.public_id}")
    assert case_page.status_code == 200 and CHILD_NAME not in case_page.text
    # Without the CSRF token nothing happens.
    as_user(client, db, runtime, supervisor)
    assert client.post(f"{url}/legal-hold", data={"hold": "on"}).status_code in (403, 422)


def test_the_case_page_links_records_and_makes_one_from_a_report_victim(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    second = make_victim_report(db, runtime.keyring)
    cases.attach_report(
        db, case_id=world.case.id, report_id=second.id, reason="same child", actor=ANALYST
    )
    as_user(client, db, runtime, world.analyst)
    page = client.get(f"/workspace/cases/{world.case.public_id}", params={"lang": "en"})
    assert f'href="/workspace/victims/{world.victim.public_id}"' in page.text
    assert "Create victim record" in page.text and second.public_id in page.text
    made = client.post(
        "/workspace/victims",
        data={"report_id": second.public_id, "position": "0", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    assert made.headers["location"].startswith("/workspace/victims/VIC-")
    record = client.get(made.headers["location"])
    assert record.status_code == 200 and CHILD_NAME not in record.text
    # The NGO sees the record's link on the case page, but cannot make records.
    as_user(client, db, runtime, world.ngo)
    ngo_page = client.get(f"/workspace/cases/{world.case.public_id}", params={"lang": "en"})
    assert world.victim.public_id in ngo_page.text and "Create victim record" not in ngo_page.text


def test_a_record_is_opened_by_its_id_and_an_unseen_one_is_not_found_alike(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    world = make_world(db, runtime.keyring)
    as_user(client, db, runtime, world.jkm)
    page = client.get(PAGES, params={"lang": "en"})
    assert page.status_code == 200 and 'id="find-form"' in page.text
    assert CHILD_NAME not in page.text and world.victim.public_id not in page.text
    opened = client.get(
        PAGES, params={"id": world.victim.public_id.lower()}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == f"{PAGES}/{world.victim.public_id}"
    unknown = client.get(PAGES, params={"id": "VIC-NOTHERE", "lang": "ms"})
    assert unknown.status_code == 404 and "Tiada rekod dengan ID itu" in unknown.text
    as_user(client, db, runtime, world.moe)
    unseen = client.get(PAGES, params={"id": world.victim.public_id, "lang": "en"})
    assert unseen.status_code == 404 and "no record with that id" in unseen.text
    assert unseen.text.count("no record with that id") == unknown.text.count("Tiada rekod")

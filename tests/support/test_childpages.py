"""The child's own view through the app: both languages, only what was agreed, nothing that
would hurt if someone else saw the phone, garbage answered as pages, tries limited."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.support.factories import PlanWorld, days, make_plan_world
from tests.victims.factories import CHILD_NAME, SCHOOL

from perisai.runtime import Runtime
from perisai.support import childpages, childview, service
from perisai.support.service import ServiceChange

CONTACT = "Puan Contoh, 03-0000 0000 (synthetic)"
#: Words that must never reach the child's phone, whatever was agreed.
NEVER = (
    CHILD_NAME,
    SCHOOL,
    "suspect",
    "abuse",
    "offender",
    "pelaku",
    "police",
    "polis",
    "PDRM",
    "interview",
    "temu duga",
    "Perisai",
    "SP-",
)


@pytest.fixture
def issued(db: Session, runtime: Runtime) -> tuple[PlanWorld, childview.Issued]:
    pw = make_plan_world(db, runtime.keyring)
    found = service.add_service(db, viewer=pw.jkm, public_id=pw.id, kind="counselling")
    service.change_service(
        db,
        viewer=pw.jkm,
        public_id=pw.id,
        service_id=found.id,
        change=ServiceChange(appointment_at=days(3)),
    )
    service.set_offender_known(db, viewer=pw.jkm, public_id=pw.id, known=True)
    code = childview.issue(
        db,
        viewer=pw.jkm,
        public_id=pw.id,
        helpers=True,
        appointment=True,
        contact=True,
        contact_text=CONTACT,
    )
    return pw, code


def _visible(html: str) -> str:
    """What a person reads: the text between tags, without the form token."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_form_in_both_languages_with_help_now(client: TestClient) -> None:
    for path, lang, words in (
        ("/sokongan", "ms", "Sokongan saya"),
        ("/support", "en", "My support"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text and words in page.text
        assert 'href="tel:999"' in page.text and 'href="tel:15999"' in page.text
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["referrer-policy"] == "no-referrer"
    switched = client.get("/sokongan?lang=en", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/support"


def test_the_view_shows_what_was_agreed_and_nothing_that_hurts(
    client: TestClient, issued: tuple[PlanWorld, childview.Issued]
) -> None:
    _pw, code = issued
    for path, helper in (
        ("/support", "Someone to talk to (a counsellor)"),
        ("/sokongan", "Seseorang untuk anda berbual (kaunselor)"),
    ):
        page = client.post(path, data={"code": code.code, "secret": code.secret})
        assert page.status_code == 200, page.text
        text = _visible(page.text)
        assert helper in text
        assert CONTACT in text
        assert "MYT" in text
        for word in NEVER:
            assert word.lower() not in text.lower(), word
        assert page.headers["cache-control"] == "no-store"


def test_a_wrong_code_or_secret_is_one_answer_in_the_persons_language(
    client: TestClient, issued: tuple[PlanWorld, childview.Issued]
) -> None:
    _pw, code = issued
    wrong = client.post("/support", data={"code": code.code, "secret": "NOPE-NOPE-NOPE"})
    missing = client.post("/support", data={"code": "SK-NOSUCH00", "secret": code.secret})
    assert wrong.status_code == missing.status_code == 404
    assert "The code or secret is not right" in wrong.text
    assert 'role="alert"' in wrong.text and 'aria-invalid="true"' in wrong.text
    malay = client.post("/sokongan", data={"code": "", "secret": ""})
    assert malay.status_code == 422 and "Masukkan kod dan rahsia" in malay.text


def test_bodies_that_are_not_a_small_form_are_refused(client: TestClient) -> None:
    too_big = client.post(
        "/support",
        content=b"code=" + b"A" * 10_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert too_big.status_code == 413
    as_json = client.post("/support", json={"code": "SK-X", "secret": "y"})
    assert as_json.status_code == 415
    not_utf8 = client.post(
        "/support",
        content=b"code=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert not_utf8.status_code == 400


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(max_size=80), secret=st.text(max_size=80))
def test_garbage_never_breaks_the_page(client: TestClient, code: str, secret: str) -> None:
    response = client.post("/support", data={"code": code, "secret": secret})
    assert response.status_code in (404, 422, 429), response.text


def test_tries_are_limited_per_source(client: TestClient) -> None:
    statuses = [
        client.post("/support", data={"code": "SK-NOSUCH00", "secret": "x"}).status_code
        for _ in range(childpages.TRIES_PER_WINDOW + 1)
    ]
    assert statuses == [404] * childpages.TRIES_PER_WINDOW + [429]

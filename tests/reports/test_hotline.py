"""The public hotline: bilingual, anonymous by default, idempotent, rate limited without IPs."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, Actor
from perisai.cases import service as cases
from perisai.crypto import DecryptionError
from perisai.reports.hotline import (
    ATTEMPTS_PER_WINDOW,
    REPORTS_PER_WINDOW,
    HotlineGuard,
    normalise_url,
    receipt_code_sha256,
)
from perisai.reports.models import Report
from perisai.reports.victimseal import open_contact
from perisai.runtime import Runtime
from perisai.triage.service import mark_reviewed, triage_report

ANALYST = Actor(kind="user", id="1", agency="SECRETARIAT", role="analyst")

CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")


def _form(client: TestClient, path: str = "/lapor") -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200
    fields = dict(re.findall(r'name="(csrf_token|submission_id)" value="([^"]+)"', page.text))
    assert set(fields) == {"csrf_token", "submission_id"}
    return fields


def _send(client: TestClient, path: str = "/lapor", **values: str) -> tuple[int, str]:
    form = {**_form(client, path), "urls": "https://example.com/p/1", "kind": "material"}
    form.update(values)
    response = client.post(path, data=form)
    return response.status_code, response.text


def test_forms_speak_malay_and_english_and_warn(client: TestClient) -> None:
    malay = client.get("/lapor")
    assert '<html lang="ms">' in malay.text
    assert "Jangan muat turun" in malay.text
    english = client.get("/report")
    assert '<html lang="en">' in english.text
    assert "Do not download" in english.text
    for page in (malay, english):
        assert '<label for="urls">' in page.text
        assert 'name="viewport"' in page.text


def test_anonymous_report_is_stored_and_gets_a_receipt_code(
    client: TestClient, db: Session
) -> None:
    status, text = _send(client, description="akaun ini menghantar mesej kepada murid")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.reporter_kind == "hotline"
    assert report.client_id == "hotline"
    assert report.urls == ["https://example.com/p/1"]
    assert report.contact_sealed is None
    audit = db.scalars(select(AuditEntry).where(AuditEntry.object_id == report.public_id)).one()
    assert (audit.action, audit.actor_kind) == ("report.submit", "public")


@pytest.mark.parametrize(("path", "name"), [("/lapor", "Pulau Pinang"), ("/report", "Penang")])
def test_the_optional_state_lists_the_16_states_and_territories(
    client: TestClient, path: str, name: str
) -> None:
    page = client.get(path).text
    assert '<label for="state">' in page
    assert page.count('<option value="MY-') == 16
    assert f'<option value="MY-07">{name}</option>' in page


def test_the_chosen_state_becomes_the_reports_jurisdiction(client: TestClient, db: Session) -> None:
    status, text = _send(client, state="MY-13")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.jurisdiction == "MY-13"
    status, text = _send(client)
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    unsaid = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert unsaid.jurisdiction is None


def test_a_refused_form_keeps_the_chosen_state(client: TestClient) -> None:
    status, page = _send(client, "/lapor", kind="", state="MY-12")
    assert status == 422
    assert '<option value="MY-12" selected>Sabah</option>' in page


def test_optional_contact_is_sealed(client: TestClient, db: Session, runtime: Runtime) -> None:
    status, text = _send(client, contact_email="saksi@example.my", contact_name="Saksi")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.contact_sealed is not None
    assert b"saksi@example.my" not in report.contact_sealed
    # Under a key of its own in the subject key store, not the master key alone.
    with pytest.raises(DecryptionError):
        runtime.keyring.open_text(report.contact_sealed, f"report:{report.public_id}:contact")
    assert report.key_segment is not None
    contact = open_contact(runtime.keyring, report)
    assert contact == {"email": "saksi@example.my", "name": "Saksi"}


def test_resending_the_same_form_stores_one_report(client: TestClient, db: Session) -> None:
    form = {**_form(client), "urls": "https://example.com/x", "kind": "enticement"}
    first = client.post("/lapor", data=form)
    again = client.post("/lapor", data=form)
    assert first.status_code == again.status_code == 201
    assert CODE.search(first.text) is not None
    assert CODE.search(again.text) is None  # the code is shown once; only its hash is kept
    count = db.scalars(select(Report).where(Report.idempotency_key == form["submission_id"]))
    assert len(count.all()) == 1


def _status_form(client: TestClient, path: str) -> tuple[str, str]:
    """The status page's form as a browser sees it: where it posts and its token."""
    page = client.get(path)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert action is not None and token is not None
    return action.group(1), token.group(1)


def _check(client: TestClient, path: str, code: str) -> tuple[int, str]:
    action, token = _status_form(client, path)
    response = client.post(action, data={"csrf_token": token, "code": code})
    return response.status_code, response.text


@pytest.mark.parametrize(
    ("path", "words"),
    [("/report/status", "Status: Received"), ("/lapor/status", "Status: Diterima")],
)
def test_status_check_with_the_receipt_code(client: TestClient, path: str, words: str) -> None:
    _, text = _send(client, path.removesuffix("/status"))
    found = CODE.search(text)
    assert found is not None
    action, _ = _status_form(client, path)
    assert action == path  # the form posts to the status address, not the report form
    typed = found.group(1).lower().replace("-", " ")  # forgiving of how it is typed
    status, page = _check(client, path, typed)
    assert status == 200
    assert words in page
    assert 'aria-current="step"' in page
    status, page = _check(client, path, "AAAA-BBBB-CCCC")
    assert status == 404
    assert 'value="AAAA-BBBB-CCCC"' in page  # what was typed stays in the box
    status, _ = _check(client, path, "")
    assert status == 422


def test_status_shows_the_public_stages_and_no_internal_detail(
    client: TestClient, db: Session, runtime: Runtime
) -> None:
    _, text = _send(client, "/report", description="synthetic test report")
    found = CODE.search(text)
    assert found is not None
    code = found.group(1)
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(code))
    ).one()

    def stage() -> str:
        status, page = _check(client, "/report/status", code)
        assert status == 200
        now = re.search(r'id="status-now"><strong>Status: ([^<]+)<', page)
        assert now is not None
        # What a person reads: the form's random token (which may spell "P3") is not shown.
        shown = re.sub(r'value="[^"]*"', 'value=""', page)
        for internal in ("JKM", "Synthetic case", "P1", "P2", "P3", "P4", "priority"):
            assert internal not in shown
        return now.group(1)

    assert stage() == "Received"
    triage_report(db, report_id=report.id, actor=SYSTEM, keyring=runtime.keyring)
    assert stage() == "Received"  # the machine's triage is not a review by people
    mark_reviewed(db, report_id=report.id, actor=ANALYST)
    assert stage() == "Reviewed"
    case = cases.create_case(db, title="Synthetic case", report_ids=[report.id], actor=ANALYST)
    assert stage() == "Reviewed"
    cases.refer(db, case_id=case.id, agency="JKM", reason="synthetic", actor=ANALYST)
    assert stage() == "Passed to the agency responsible"
    cases.change_status(
        db, case_id=case.id, status="closed", outcome="victim_supported", actor=ANALYST
    )
    assert stage() == "Closed"


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"urls": "", "description": ""}, 422),
        ({"urls": "javascript:alert(1)"}, 422),
        ({"urls": "ftp://example.com/x"}, 422),
        ({"urls": "not a link"}, 422),
        ({"urls": "\n".join(f"https://example.com/{i}" for i in range(21))}, 422),
        ({"urls": "https://example.com/" + "a" * 3000}, 422),
        ({"description": "x" * 5001}, 422),
        ({"kind": ""}, 422),
        ({"kind": "anything-else"}, 422),
        ({"chat": "\x00\x01"}, 422),
        ({"state": "MY-17"}, 422),
        ({"state": "Selangor"}, 422),
        ({"state": "MY-10\x00"}, 422),
        ({"submission_id": "short"}, 403),
        ({"csrf_token": "forged"}, 403),
    ],
)
def test_bad_forms_are_refused_and_store_nothing(
    client: TestClient, db: Session, values: dict[str, str], status: int
) -> None:
    before = len(db.scalars(select(Report.id)).all())
    code, text = _send(client, **values)
    assert code == status
    assert 'role="alert"' in text
    assert len(db.scalars(select(Report.id)).all()) == before


def test_rate_limit_keys_on_a_salted_hash_not_the_address(client: TestClient, app: FastAPI) -> None:
    statuses = [_send(client)[0] for _ in range(REPORTS_PER_WINDOW + 1)]
    assert statuses[:REPORTS_PER_WINDOW] == [201] * REPORTS_PER_WINDOW
    assert statuses[-1] == 429
    guard: HotlineGuard = app.state.hotline_guard
    keys = list(guard.limiter._buckets)
    assert keys
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert "testclient" not in json.dumps(keys)


def test_the_salt_changes_the_key() -> None:
    first, second = HotlineGuard(), HotlineGuard()
    assert first.client_key("203.0.113.9") == first.client_key("203.0.113.9")
    assert first.client_key("203.0.113.9") != second.client_key("203.0.113.9")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.com/p/1", "https://example.com/p/1"),
        ("HTTP://Example.com/x", "HTTP://Example.com/x"),
        ("example.com/p/1", "https://example.com/p/1"),
        ("www.contoh.my", "https://www.contoh.my"),
        ("example.com:8080/x?a=1", "https://example.com:8080/x?a=1"),
        ("//cdn.example.org/a", "https://cdn.example.org/a"),
        ("203.0.113.9/x", "https://203.0.113.9/x"),
        ("laman.contoh.com.my/ü", "https://laman.contoh.com.my/ü"),
        ("javascript:alert(1)", None),
        ("mailto:someone@example.com", None),
        ("data:text/html,x", None),
        ("ftp://example.com/x", None),
        ("example", None),
        ("example.com:99999/x", None),
        ("exa mple.com", None),
        ("-bad-.com", None),
        ("", None),
        ("a." * 2000 + "com", None),
    ],
)
def test_links_are_normalised_as_people_type_them(typed: str, stored: str | None) -> None:
    assert normalise_url(typed) == stored


def test_links_without_a_scheme_are_stored_with_https(client: TestClient, db: Session) -> None:
    status, text = _send(client, urls="example.com/p/2  www.contoh.my/halaman\nhttp://a.example/x")
    assert status == 201
    found = CODE.search(text)
    assert found is not None
    report = db.scalars(
        select(Report).where(Report.receipt_code_sha256 == receipt_code_sha256(found.group(1)))
    ).one()
    assert report.urls == [
        "https://example.com/p/2",
        "https://www.contoh.my/halaman",
        "http://a.example/x",
    ]


def test_no_category_is_chosen_for_the_reporter(client: TestClient) -> None:
    for path in ("/lapor", "/report"):
        page = client.get(path).text
        assert page.count('type="radio"') == 3
        assert "checked" not in page


@pytest.mark.parametrize("values", [{"kind": ""}, {"urls": "javascript:x"}, {"csrf_token": "x"}])
def test_a_refused_form_keeps_everything_typed(client: TestClient, values: dict[str, str]) -> None:
    typed = {
        "urls": "example.com/p/3",
        "kind": "enticement",
        "description": "seorang dewasa <b>memujuk</b> murid",
        "contact_name": "Saksi Contoh",
        "contact_email": "saksi@example.my",
        "contact_phone": "012-000 0000",
        **values,
    }
    status, page = _send(client, "/report", **typed)
    assert status in (403, 422)
    assert 'role="alert"' in page
    assert 'value="Saksi Contoh"' in page
    assert 'value="saksi@example.my"' in page
    assert 'value="012-000 0000"' in page
    assert "<details open>" in page
    assert "seorang dewasa &lt;b&gt;memujuk&lt;/b&gt; murid" in page
    if typed["kind"]:
        assert 'value="enticement" checked' in page


def test_refused_forms_and_status_checks_do_not_use_up_the_report_allowance(
    client: TestClient,
) -> None:
    for _ in range(REPORTS_PER_WINDOW * 2):
        assert _send(client, kind="")[0] == 422
        assert _check(client, "/report/status", "AAAA-BBBB-CCCC")[0] == 404
    statuses = [_send(client)[0] for _ in range(REPORTS_PER_WINDOW + 1)]
    assert statuses == [201] * REPORTS_PER_WINDOW + [429]
    # The refused report keeps what was typed and says to wait; a status check still works.
    assert _check(client, "/report/status", "AAAA-BBBB-CCCC")[0] == 404


def test_a_flood_of_refused_forms_is_stopped(client: TestClient) -> None:
    statuses = [_send(client, kind="")[0] for _ in range(ATTEMPTS_PER_WINDOW + 1)]
    assert statuses[:ATTEMPTS_PER_WINDOW] == [422] * ATTEMPTS_PER_WINDOW
    assert statuses[-1] == 429
    assert _check(client, "/report/status", "AAAA-BBBB-CCCC")[0] == 429


@pytest.mark.parametrize(
    "path",
    [
        "/lapor",
        "/report",
        "/lapor/status",
        "/report/status",
        "/login",
        "/semak-chat",
        "/check-a-chat",
        "/belajar",
        "/learn",
    ],
)
def test_emergency_numbers_on_every_public_page(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert 'href="tel:999"' in page.text
    assert 'href="tel:15999"' in page.text
    assert "Talian Kasih" in page.text


def test_the_language_link_goes_to_the_other_hotline_address(client: TestClient) -> None:
    assert 'href="/report"' in client.get("/lapor").text
    assert 'href="/lapor"' in client.get("/report").text
    assert 'href="/report/status"' in client.get("/lapor/status").text
    assert 'href="/lapor/status"' in client.get("/report/status").text


def test_posted_pages_are_not_cached(client: TestClient) -> None:
    response = client.post("/report", data={**_form(client, "/report"), "kind": ""})
    assert response.headers["cache-control"] == "no-store"


GARBAGE = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(
    urls=GARBAGE,
    kind=GARBAGE | st.sampled_from(["material", "enticement", "obscene"]),
    description=GARBAGE,
    chat=GARBAGE,
    name=GARBAGE,
    email=GARBAGE,
)
def test_garbage_in_the_form_is_a_page_never_a_crash(
    client: TestClient, urls: str, kind: str, description: str, chat: str, name: str, email: str
) -> None:
    form = {**_form(client, "/report"), "urls": urls, "kind": kind, "description": description}
    form.update({"chat": chat, "contact_name": name, "contact_email": email})
    response = client.post("/report", data=form)
    assert response.status_code in (201, 422, 429), response.text[:300]
    assert '<html lang="en">' in response.text
    for url in normalised_lines(urls):
        assert url.lower().startswith(("http://", "https://")), url


def normalised_lines(text: str) -> list[str]:
    return [url for url in (normalise_url(part) for part in text.split()) if url is not None]


@FUZZ
@given(code=GARBAGE)
def test_garbage_receipt_codes_are_answered_with_a_page(client: TestClient, code: str) -> None:
    status, page = _check(client, "/lapor/status", code)
    assert status in (404, 422, 429)
    assert '<html lang="ms">' in page


@pytest.mark.parametrize(
    ("path", "words"),
    [("/report", "plain HTTP at lab.example"), ("/lapor", "HTTP biasa di lab.example")],
)
def test_plain_http_on_a_lab_name_says_the_site_needs_https(
    app: FastAPI, path: str, words: str
) -> None:
    with TestClient(app, base_url="http://lab.example") as plain:
        page = plain.get(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        sid = re.search(r'name="submission_id" value="([^"]+)"', page.text)
        assert token is not None and sid is not None
        form = {"csrf_token": token.group(1), "submission_id": sid.group(1)}
        sent = plain.post(path, data={**form, "urls": "example.com/x", "kind": "material"})
        assert sent.status_code == 403
        assert words in sent.text and "PERISAI_COOKIE_SECURE" in sent.text
        checked = plain.post(f"{path}/status", data={"csrf_token": token.group(1), "code": "x"})
        assert checked.status_code == 403
        assert words in checked.text

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.linkage.factories import account, body, make_report
from tests.linkage.login import log_in

from perisai.audit.models import AuditEntry
from perisai.runtime import Runtime

PAGE = "/app/links"
SHA = "c" * 64


def _two_linked_reports(db: Session, runtime: Runtime) -> tuple[str, str]:
    keyring = runtime.keyring
    one = make_report(
        db,
        keyring,
        body(
            account(
                user_id="v1",
                emails=["Si.Abang@gmail.com"],
                ip_events=[{"ip": "81.2.69.160", "at": "2026-11-20T09:58:00+08:00"}],
            ),
            files=[{"name": "a.jpg", "sha256": SHA}],
        ),
    )
    two = make_report(
        db,
        keyring,
        body(
            account(user_id="v2", emails=["siabang@gmail.com"]),
            files=[{"name": "b.jpg", "sha256": SHA}],
        ),
    )
    return one.public_id, two.public_id


def test_page_shows_tables_and_graph_in_both_languages(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    one, two = _two_linked_reports(db, runtime)
    log_in(client, runtime, db)
    english = client.get(PAGE, params={"identifier": "si.abang+x@gmail.com", "lang": "en"})
    assert english.status_code == 200
    html = english.text
    assert "Identifier links" in html and "2 report(s) linked to" in html
    for table in (
        "links-reports",
        "links-links",
        "links-identifiers",
        "links-media",
        "links-timeline",
    ):
        assert f'id="{table}"' in html
    assert f"same email siabang@gmail.com as report {two}" in html
    assert f"same media (SHA-256 {SHA}) as report {two}" in html
    assert one in html and "IP event" in html and "81.2.69.160" in html
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0) and "<title" in svg.group(0) and "<desc" in svg.group(0)
    assert svg.group(0).count("<rect") == 2  # the two reports
    assert svg.group(0).count("<line") == 4  # each report to the email and to the file
    malay = client.get(PAGE, params={"identifier": "siabang@gmail.com", "lang": "ms"})
    assert "Pautan pengecam" in malay.text and "Garis masa" in malay.text
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "linkage.lookup")).all()
    assert len(entries) == 2


def test_page_has_no_inline_script_or_style(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    _two_linked_reports(db, runtime)
    log_in(client, runtime, db)
    html = client.get(PAGE, params={"identifier": "siabang@gmail.com"}).text
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "/static/linkage.css" in html
    assert client.get("/static/linkage.css").status_code == 200


def test_empty_form_and_unknown_identifier(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db)
    blank = client.get(PAGE, params={"lang": "en"})
    assert blank.status_code == 200 and 'name="identifier"' in blank.text
    unknown = client.get(PAGE, params={"identifier": "nobody@example.my", "lang": "en"})
    assert unknown.status_code == 200 and 'id="links-none"' in unknown.text
    assert "<svg" not in unknown.text


def test_malformed_identifier_is_shown_on_the_form(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db)
    response = client.get(PAGE, params={"identifier": "abang", "lang": "en"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "choose its Kind" in response.text
    assert "--kind" not in response.text  # the page does not speak in CLI options
    assert 'value="abang"' in response.text  # what was typed stays in the form
    malay = client.get(PAGE, params={"identifier": "abang", "lang": "ms"})
    assert malay.status_code == 422 and "pilih Jenis" in malay.text
    assert 'value="abang"' in malay.text


def test_home_lists_the_page_for_analysts_only(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db)
    assert 'href="/app/links"' in client.get("/app").text
    client.cookies.clear()
    log_in(client, runtime, db, role="caseworker")
    assert 'href="/app/links"' not in client.get("/app").text
    assert client.get(PAGE).status_code == 403


def test_page_redirects_to_login_without_a_session(client: TestClient) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"

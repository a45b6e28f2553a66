"""Errors on pages: a page in the person's language (never raw JSON), keeping what they typed;
deep links return to the page after logging in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user
from tests.workspace.factories import csrf_of, log_in, store_report

from perisai.identity.deps import safe_next
from perisai.runtime import Runtime


def _html(response: object) -> str:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-type"].startswith("text/html"), headers["content-type"]
    text: str = response.text  # type: ignore[attr-defined]
    return text


def test_unknown_report_is_a_page_in_malay_and_in_english(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    malay = client.get("/workspace/reports/R-2026-NOPE?lang=ms")
    assert malay.status_code == 404
    page = _html(malay)
    assert "<title>Tidak dijumpai · Perisai</title>" in page
    assert 'lang="ms"' in page and "anda tidak dibenarkan melihatnya" in page
    english = client.get("/workspace/reports/R-2026-NOPE?lang=en")
    assert english.status_code == 404 and "<title>Not found · Perisai</title>" in _html(english)


def test_a_page_the_role_may_not_open_is_a_page(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    log_in(client, runtime, db, role="caseworker", agency="JKM")
    refused = client.get("/workspace/queue?lang=ms")
    assert refused.status_code == 403
    assert "Tidak dibenarkan" in _html(refused)
    assert '"title"' not in refused.text  # not a problem document


def test_an_invalid_form_keeps_what_was_typed_and_can_be_sent_again(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    url = f"/workspace/reports/{report.public_id}"
    token = csrf_of(client.get(url).text)
    long_reason = "Mangsa perlu sokongan segera. " * 200  # over the 4000-character limit
    refused = client.post(
        f"{url}/refer?lang=ms",
        data={"agency": "JKM", "reason": long_reason, "csrf_token": token},
        headers={"referer": f"https://testserver{url}"},
    )
    assert refused.status_code == 422
    page = _html(refused)
    assert "Sebab: terlalu panjang (paling banyak 4000 aksara)" in page
    assert "Mangsa perlu sokongan segera." in page  # what they typed, not lost
    assert f'href="{url}"' in page  # back to where they came from
    resend = re.search(r'<form method="post" action="([^"]+)" id="error-typed">', page)
    assert resend and resend.group(1) == f"{url}/refer"
    assert csrf_of(page) == token  # the same session's token, so sending again works
    again = client.post(
        resend.group(1),
        data={"agency": "JKM", "reason": "Mangsa perlu sokongan segera.", "csrf_token": token},
        follow_redirects=False,
    )
    assert again.status_code == 303 and "/workspace/cases/" in again.headers["location"]


def test_a_forged_form_is_the_expired_form_page_without_a_resend_button(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    log_in(client, runtime, db, role="analyst", agency="SECRETARIAT")
    forged = client.post(
        f"/workspace/reports/{report.public_id}/refer?lang=en",
        data={"agency": "JKM", "reason": "keep this text", "csrf_token": "forged"},
    )
    assert forged.status_code == 403
    page = _html(forged)
    assert "The form expired" in page and "keep this text" in page
    assert "forged" not in page  # the token itself is never echoed
    assert "Send again" not in page


def test_the_api_still_answers_problem_documents(client: TestClient) -> None:
    response = client.get("/api/v1/reports/R-2026-NOPE")
    assert response.headers["content-type"] == "application/problem+json"


def test_a_deep_link_returns_to_its_page_after_login(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    report = store_report(runtime, db)
    wanted = f"/workspace/reports/{report.public_id}?lang=en"
    sent_away = client.get(wanted, follow_redirects=False)
    assert sent_away.status_code == 303 and sent_away.headers["location"] == "/login"
    user, secret = make_user(db, runtime.keyring, role="analyst", agency="SECRETARIAT")
    login = client.get("/login")
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(login.text)},
    )
    totp = client.get("/login/totp")
    done = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(totp.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == wanted
    assert client.get(done.headers["location"]).status_code == 200


def test_only_local_pages_are_returned_to() -> None:
    assert safe_next("/workspace/queue?priority=1")
    for bad in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/login",
        "/api/v1/reports",
        "",
        None,
        "/x\r\nSet-Cookie: a=b",
        "/" + "a" * 2000,
    ):
        assert not safe_next(bad), bad
    assert urlsplit("/workspace/queue").netloc == ""

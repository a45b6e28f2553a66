from __future__ import annotations

import re

import httpx2
import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user

from perisai.runtime import Runtime


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def _password_step(client: TestClient, email: str, password: str = PASSWORD) -> httpx2.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )


def test_full_login_with_totp_enrolment_and_logout(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    user, secret = make_user(db, runtime.keyring)
    response = _password_step(client, user.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/login/totp"
    assert client.get("/app", follow_redirects=False).status_code == 303  # not yet logged in
    totp_page = client.get("/login/totp")
    assert "data:image/svg+xml" in totp_page.text  # enrolment QR on first login
    done = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(totp_page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/app"
    home = client.get("/app?lang=en")
    assert home.status_code == 200
    assert "You are logged in as" in home.text
    assert "Anda log masuk sebagai" in client.get("/app?lang=ms").text
    bye = client.post("/logout", data={"csrf_token": _csrf(home.text)}, follow_redirects=False)
    assert bye.status_code == 303
    assert client.get("/app", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_same_page(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring)
    wrong = _password_step(client, user.email, "not-the-password")
    unknown = _password_step(client, "nobody@nowhere.my")
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mel atau kata laluan salah" in wrong.text
    assert "E-mel atau kata laluan salah" in unknown.text


def test_login_without_csrf_is_refused(client: TestClient, runtime: Runtime, db: Session) -> None:
    user, _ = make_user(db, runtime.keyring)
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_logout_without_csrf_is_refused(client: TestClient, runtime: Runtime, db: Session) -> None:
    user, secret = make_user(db, runtime.keyring)
    _password_step(client, user.email)
    page = client.get("/login/totp")
    client.post(
        "/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(page.text)}
    )
    assert client.post("/logout", data={"csrf_token": "x"}).status_code == 403
    assert client.get("/app").status_code == 200


def test_demo_user_skips_totp_only_in_demo_mode(
    app: FastAPI, client: TestClient, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring, is_demo=True)
    response = _password_step(client, user.email)
    assert response.headers["location"] == "/login/totp"
    demo_runtime = Runtime(
        settings=runtime.settings.model_copy(update={"demo": True}), db=runtime.db
    )
    app.state.runtime = demo_runtime
    client.cookies.clear()
    response = _password_step(client, user.email)
    assert response.headers["location"] == "/app"
    assert "DEMO" in client.get("/app").text


def test_repeated_failures_lock_the_account(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring)
    for _ in range(runtime.settings.login_max_failures):
        _password_step(client, user.email, "wrong-wrong-wrong")
    locked = _password_step(client, user.email)
    assert locked.status_code == 429


def _login_over(app: FastAPI, base_url: str, email: str, lang: str = "en") -> httpx2.Response:
    with TestClient(app, base_url=base_url) as plain:
        page = plain.get(f"/login?lang={lang}")
        return plain.post(
            f"/login?lang={lang}",
            data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page.text)},
            follow_redirects=False,
        )


def test_plain_http_on_a_lab_name_says_the_cookie_needs_https(
    app: FastAPI, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring)
    for base_url, host in (
        ("http://lab.example:8000", "lab.example"),
        ("http://10.0.0.5", "10.0.0.5"),
    ):
        english = _login_over(app, base_url, user.email, "en")
        assert english.status_code == 403
        assert "Secure (HTTPS only)" in english.text
        assert f"plain HTTP at {host}" in english.text
        assert "PERISAI_COOKIE_SECURE=false" in english.text
        assert "The form expired" not in english.text
        malay = _login_over(app, base_url, user.email, "ms")
        assert "HTTP biasa di" in malay.text and "PERISAI_COOKIE_SECURE=false" in malay.text


def test_a_stale_form_on_https_or_localhost_still_says_expired(
    app: FastAPI, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring)
    # Over http to localhost a browser keeps Secure cookies; this test client does not, so the
    # cookie is missing as on an expired form: the usual message, not the HTTPS one.
    for base_url in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"):
        response = _login_over(app, base_url, user.email)
        assert response.status_code == 403
        assert "PERISAI_COOKIE_SECURE" not in response.text
    with TestClient(app, base_url="https://lab.example") as secure:
        secure.get("/login")
        response = secure.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": "stale"},
            follow_redirects=False,
        )
        assert response.status_code == 403
        assert "PERISAI_COOKIE_SECURE" not in response.text


def test_a_lab_with_insecure_cookies_logs_in_over_plain_http(runtime: Runtime, db: Session) -> None:
    from perisai.app import create_app

    user, _ = make_user(db, runtime.keyring)
    lab = Runtime(
        settings=runtime.settings.model_copy(update={"cookie_secure": False}), db=runtime.db
    )
    response = _login_over(create_app(lab.settings, runtime=lab), "http://lab.example", user.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/login/totp"

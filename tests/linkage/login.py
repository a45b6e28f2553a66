"""Log a test user in through the real login form (password, then TOTP)."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user

from perisai.identity.models import User
from perisai.runtime import Runtime


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(
    client: TestClient,
    runtime: Runtime,
    db: Session,
    *,
    role: str = "analyst",
    agency: str = "SECRETARIAT",
) -> User:
    # The secretariat's triage desk sees reports in no case yet (need-to-know, SECURITY.md).
    user, secret = make_user(db, runtime.keyring, role=role, agency=agency)
    page = client.get("/login")
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": _csrf(page.text)},
    )
    totp_page = client.get("/login/totp")
    done = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(totp_page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/app"
    return user

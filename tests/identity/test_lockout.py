"""Lockout that neither tells which accounts exist nor lets a stranger keep one locked, and a
TOTP secret shown to one pending login only (#11 item 12)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user
from tests.identity.test_identity_views import _csrf, _password_step

from perisai.identity import service
from perisai.runtime import Runtime


def _fail(runtime: Runtime, db: Session, email: str, source: str, now: datetime) -> None:
    for _ in range(runtime.settings.login_max_failures):
        service.check_password(
            db,
            settings=runtime.settings,
            email=email,
            password="wrong-wrong-wrong",
            source=source,
            now=now,
        )


def test_real_and_unknown_accounts_lock_alike(runtime: Runtime, db: Session) -> None:
    user, _ = make_user(db, runtime.keyring)
    now = datetime.now(UTC)
    _fail(runtime, db, user.email, "198.51.100.7", now)
    _fail(runtime, db, "nobody-here@pdrm.test.my", "198.51.100.7", now)
    real = service.check_password(
        db,
        settings=runtime.settings,
        email=user.email,
        password=PASSWORD,
        source="198.51.100.7",
        now=now,
    )
    unknown = service.check_password(
        db,
        settings=runtime.settings,
        email="nobody-here@pdrm.test.my",
        password=PASSWORD,
        source="198.51.100.7",
        now=now,
    )
    assert real.result is unknown.result is service.LoginResult.LOCKED


def test_a_stranger_cannot_keep_the_owner_locked_out(runtime: Runtime, db: Session) -> None:
    user, _ = make_user(db, runtime.keyring)
    now = datetime.now(UTC)
    _fail(runtime, db, user.email, "198.51.100.7", now)  # the attacker's address is locked...
    owner = service.check_password(
        db,
        settings=runtime.settings,
        email=user.email,
        password=PASSWORD,
        source="203.0.113.20",
        now=now,
    )
    assert owner.result is service.LoginResult.OK  # ...the owner's is not
    later = now + timedelta(minutes=runtime.settings.lockout_minutes, seconds=1)
    again = service.check_password(
        db,
        settings=runtime.settings,
        email=user.email,
        password=PASSWORD,
        source="198.51.100.7",
        now=later,
    )
    assert again.result is service.LoginResult.OK  # and the lock ends


def test_login_pages_answer_alike_for_real_and_unknown_accounts(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    user, _ = make_user(db, runtime.keyring)
    answers = {}
    for email in (user.email, "nobody-at-all@pdrm.test.my"):
        for _ in range(runtime.settings.login_max_failures):
            failed = _password_step(client, email, "wrong-wrong-wrong")
            assert failed.status_code == 401
        locked = _password_step(client, email, PASSWORD)
        answers[email] = (locked.status_code, locked.text.replace(email, "EMAIL"))
    real, unknown = answers.values()
    assert real[0] == unknown[0] == 429
    assert re.sub(r'value="[^"]*"', "", real[1]) == re.sub(r'value="[^"]*"', "", unknown[1])


def _second_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


def test_the_totp_secret_is_shown_to_the_first_pending_login_only(
    client: TestClient, app: FastAPI, runtime: Runtime, db: Session
) -> None:
    user, secret = make_user(db, runtime.keyring)
    assert _password_step(client, user.email).status_code == 303
    first = client.get("/login/totp?lang=en")
    assert secret in first.text and "data:image/svg+xml" in first.text
    assert secret in client.get("/login/totp?lang=en").text  # the same login may look again

    with _second_client(app) as other:  # someone else who knows the password
        assert _password_step(other, user.email).status_code == 303
        page = other.get("/login/totp?lang=en")
        assert page.status_code == 200
        assert secret not in page.text
        assert "data:image/svg+xml" not in page.text
        assert "was shown once" in page.text
        assert "dipaparkan sekali" in other.get("/login/totp?lang=ms").text

    done = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": _csrf(first.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    db.refresh(user)
    assert user.totp_confirmed_at is not None


def test_an_administrator_resets_enrolment_and_the_next_login_sees_the_new_secret(
    client: TestClient, runtime: Runtime, db: Session
) -> None:
    from perisai.audit.service import SYSTEM

    user, secret = make_user(db, runtime.keyring)
    assert _password_step(client, user.email).status_code == 303
    assert secret in client.get("/login/totp").text
    _, fresh = service.reset_totp(db, keyring=runtime.keyring, actor=SYSTEM, email=user.email)
    db.flush()
    assert fresh != secret
    # The pending login is ended with the other sessions; a new one is shown the new secret.
    assert client.get("/login/totp", follow_redirects=False).status_code == 303
    assert _password_step(client, user.email).status_code == 303
    page = client.get("/login/totp").text
    assert fresh in page and secret not in page

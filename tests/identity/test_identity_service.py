from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_api_key, make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.config import Settings
from perisai.identity import service
from perisai.identity.models import User
from perisai.identity.permissions import Scope, parse_scopes
from perisai.runtime import Runtime


def _actions(db: Session) -> list[str]:
    flush_pending(db)
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_password_is_argon2id_and_totp_secret_sealed(runtime: Runtime, db: Session) -> None:
    user, secret = make_user(db, runtime.keyring)
    assert user.password_hash.startswith("$argon2id$")
    assert secret.encode() not in user.totp_secret_sealed
    assert service.totp_secret(user, runtime.keyring) == secret


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agency_short": "NOPE"}, "unknown agency"),
        ({"role": "boss"}, "unknown role"),
        ({"password": "short"}, "at least 12"),
        ({"email": "not-an-email"}, "not an email"),
    ],
)
def test_create_user_rejects_bad_input(
    runtime: Runtime, db: Session, kwargs: dict[str, str], message: str
) -> None:
    args = {
        "agency_short": "PDRM",
        "role": "analyst",
        "email": "x@pdrm.gov.my",
        "password": PASSWORD,
    } | kwargs
    with pytest.raises(service.IdentityError, match=message):
        service.create_user(
            db,
            keyring=runtime.keyring,
            actor=SYSTEM,
            agency_short=args["agency_short"],
            role=args["role"],
            email=args["email"],
            password=args["password"],
        )


def test_unknown_user_and_wrong_password_look_the_same(runtime: Runtime, db: Session) -> None:
    user, _ = make_user(db, runtime.keyring)
    unknown = service.check_password(
        db, settings=runtime.settings, email="who@x.my", password=PASSWORD
    )
    wrong = service.check_password(
        db, settings=runtime.settings, email=user.email, password="wrong-password-123"
    )
    assert unknown.result == wrong.result == service.LoginResult.FAILED
    assert unknown.user is None
    assert wrong.user is None
    assert _actions(db)[-2:] == ["login.failed", "login.failed"]


def test_lockout_after_repeated_failures_then_expiry(runtime: Runtime, db: Session) -> None:
    settings: Settings = runtime.settings
    user, _ = make_user(db, runtime.keyring)
    now = datetime.now(UTC)
    for _ in range(settings.login_max_failures):
        service.check_password(
            db, settings=settings, email=user.email, password="bad-bad-bad-1", now=now
        )
    locked = service.check_password(
        db, settings=settings, email=user.email, password=PASSWORD, now=now
    )
    assert locked.result is service.LoginResult.LOCKED
    later = now + timedelta(minutes=settings.lockout_minutes, seconds=1)
    assert (
        service.check_password(
            db, settings=settings, email=user.email, password=PASSWORD, now=later
        ).result
        is service.LoginResult.OK
    )
    assert "login.locked" in _actions(db)


def test_totp_accepts_current_code_once(runtime: Runtime, db: Session) -> None:
    user, secret = make_user(db, runtime.keyring)
    now = datetime.now(UTC)
    code = pyotp.TOTP(secret).at(now)

    def check(candidate: str) -> bool:
        return service.check_totp(
            db,
            settings=runtime.settings,
            keyring=runtime.keyring,
            user=user,
            code=candidate,
            now=now,
        )

    assert not check("000000" if code != "000000" else "111111")
    assert check(code)
    assert user.totp_confirmed_at is not None
    assert not check(code), "a code must not be replayed"


def test_api_key_shown_once_stored_hashed_revocable(runtime: Runtime, db: Session) -> None:
    key, secret = make_api_key(db, scopes=[Scope.REPORTS_SUBMIT], agency="MCMC")
    assert secret.split("_")[-1] not in key.secret_hash
    found = service.authenticate_api_key(db, secret)
    assert found is not None
    assert found.id == key.id
    assert found.last_used_at is not None
    assert service.authenticate_api_key(db, secret + "x") is None
    assert service.authenticate_api_key(db, "garbage") is None
    service.revoke_api_key(db, actor=SYSTEM, key_id=key.id)
    assert service.authenticate_api_key(db, secret) is None
    assert {"apikey.create", "apikey.used", "apikey.revoke"} <= set(_actions(db))


def test_scopes_parse_and_reject_unknown() -> None:
    assert parse_scopes("reports:submit, media:match") == [Scope.REPORTS_SUBMIT, Scope.MEDIA_MATCH]
    with pytest.raises(ValueError, match="unknown scope"):
        parse_scopes("reports:submit,root")
    with pytest.raises(ValueError, match="at least one"):
        parse_scopes(" , ")


def test_sessions_expire_when_idle(runtime: Runtime, db: Session) -> None:
    user, _ = make_user(db, runtime.keyring)
    now = datetime.now(UTC)
    token = service.start_session(
        db, settings=runtime.settings, user=user, totp_verified=True, now=now
    )
    db.flush()
    assert service.load_session(db, settings=runtime.settings, token=token, now=now) is not None
    idle = now + timedelta(minutes=runtime.settings.session_idle_minutes + 1)
    assert service.load_session(db, settings=runtime.settings, token=token, now=idle) is None
    assert service.load_session(db, settings=runtime.settings, token="nope", now=now) is None
    assert db.get(User, user.id) is not None

"""Managing staff accounts (issue 15 item 10): every change audited, sessions ended where a
change alters what a person may do or how they log in; the administrator's reset code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.identity.factories import PASSWORD, make_user

from perisai.audit.models import AuditEntry
from perisai.audit.service import SYSTEM, flush_pending
from perisai.config import Settings
from perisai.identity import admin
from perisai.identity.models import LoginThrottle, UserSession
from perisai.identity.service import (
    IdentityError,
    LoginResult,
    check_password,
    start_session,
    user_actor,
)
from perisai.runtime import Runtime


def _actions(db: Session, user_id: int) -> list[str]:
    flush_pending(db)  # entries are written with the transaction's commit
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "user", AuditEntry.object_id == str(user_id))
            .order_by(AuditEntry.id)
        )
    )


def _sessions(db: Session, user_id: int) -> int:
    return len(db.scalars(select(UserSession).where(UserSession.user_id == user_id)).all())


def test_list_disable_enable_and_never_oneself(
    db: Session, runtime: Runtime, settings: Settings
) -> None:
    user, _ = make_user(db, runtime.keyring, role="analyst", agency="PDRM")
    boss, _ = make_user(db, runtime.keyring, role="admin", agency="SECRETARIAT")
    start_session(db, settings=settings, user=user, totp_verified=True)
    listed = admin.list_users(db, search=user.email.upper())  # any case
    assert [r.id for r in listed] == [user.id] and listed[0].active
    admin.set_active(db, actor=user_actor(boss), user=user, active=False)
    assert _sessions(db, user.id) == 0
    refused = check_password(db, settings=settings, email=user.email, password=PASSWORD)
    assert refused.result is LoginResult.FAILED
    admin.set_active(db, actor=user_actor(boss), user=user, active=True)
    assert check_password(db, settings=settings, email=user.email, password=PASSWORD).user
    with pytest.raises(IdentityError, match="your own account"):
        admin.set_active(db, actor=user_actor(boss), user=boss, active=False)
    assert _actions(db, user.id)[-2:] == ["user.disabled", "user.enabled"]


def test_unlock_clears_the_lock_from_every_source(
    db: Session, runtime: Runtime, settings: Settings
) -> None:
    user, _ = make_user(db, runtime.keyring, role="analyst", agency="PDRM")
    for source in ("10.0.0.1", "10.0.0.2"):
        for _ in range(settings.login_max_failures):
            check_password(
                db, settings=settings, email=user.email, password="x" * 12, source=source
            )
        locked = check_password(
            db, settings=settings, email=user.email, password=PASSWORD, source=source
        )
        assert locked.result is LoginResult.LOCKED
    assert admin.list_users(db, search=user.email)[0].locked
    assert admin.unlock(db, actor=SYSTEM, user=user) == 2
    for source in ("10.0.0.1", "10.0.0.2"):
        ok = check_password(
            db, settings=settings, email=user.email, password=PASSWORD, source=source
        )
        assert ok.result is LoginResult.OK
    assert not admin.list_users(db, search=user.email)[0].locked
    assert "user.unlocked" in _actions(db, user.id)
    assert db.scalars(select(LoginThrottle.address_hash)).first() is None


def test_role_and_agency_change_follows_the_rules_and_ends_sessions(
    db: Session, runtime: Runtime, settings: Settings
) -> None:
    user, _ = make_user(db, runtime.keyring, role="analyst", agency="PDRM")
    start_session(db, settings=settings, user=user, totp_verified=True)
    admin.change_role(db, actor=SYSTEM, user=user, role="investigator", agency="PDRM")
    assert user.role.value == "investigator" and _sessions(db, user.id) == 0
    with pytest.raises(IdentityError, match="only for users of agency MOE"):
        admin.change_role(db, actor=SYSTEM, user=user, role="teacher", agency="PDRM")
    with pytest.raises(IdentityError, match="unknown role"):
        admin.change_role(db, actor=SYSTEM, user=user, role="superuser")
    flush_pending(db)
    entry = db.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "user.role_changed", AuditEntry.object_id == str(user.id)
        )
    ).one()
    assert entry["from"]["role"] == "analyst" and entry["to"]["role"] == "investigator"


def test_a_reset_code_sets_a_new_password_once(
    db: Session, runtime: Runtime, settings: Settings
) -> None:
    user, _ = make_user(db, runtime.keyring, role="caseworker", agency="JKM")
    code = admin.issue_password_reset(db, actor=SYSTEM, user=user)
    old = check_password(db, settings=settings, email=user.email, password=PASSWORD)
    assert old.result is LoginResult.FAILED  # the old password stopped working
    for email, given in ((user.email, "wrong-code"), ("nobody@example.my", code)):
        with pytest.raises(IdentityError, match="wrong"):
            admin.complete_password_reset(db, email=email, code=given, password="n" * 12)
    with pytest.raises(IdentityError, match="12 characters"):
        admin.complete_password_reset(db, email=user.email, code=code, password="short")
    admin.complete_password_reset(db, email=user.email, code=code, password="a new password!")
    assert check_password(db, settings=settings, email=user.email, password="a new password!").user
    with pytest.raises(IdentityError):  # used once
        admin.complete_password_reset(db, email=user.email, code=code, password="n" * 12)
    late = admin.issue_password_reset(db, actor=SYSTEM, user=user)
    later = datetime.now(UTC) + timedelta(hours=admin.RESET_CODE_HOURS, minutes=1)
    with pytest.raises(IdentityError, match="expired"):
        admin.complete_password_reset(db, email=user.email, code=late, password="n" * 12, now=later)
    actions = _actions(db, user.id)
    assert "user.password_reset_issued" in actions and "user.password_reset_done" in actions
    assert "user.password_reset_refused" in actions

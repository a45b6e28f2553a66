"""Managing staff accounts (the administrator's work; pages and `perisai identity user …`).

List, disable and enable, unlock, reset the password, reset TOTP, change role and agency. Every
change is audited, and every change that alters what a person may do or how they log in ends
their sessions. A password is reset through a one-time code the administrator issues and hands
over in person or by phone: staff of a police system get no e-mail reset link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.crypto import Keyring
from perisai.identity.models import ROLE_AGENCY, Agency, LoginThrottle, Role, User, UserSession
from perisai.identity.passwords import check_password_policy, hash_password
from perisai.identity.service import (
    IdentityError,
    address_hash_of,
    agency_by_short_name,
    reset_totp,
)

RESET_CODE_HOURS = 24
LIST_LIMIT = 500


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    agency: str
    active: bool
    locked: bool
    enrolled: bool  # TOTP confirmed
    last_login_at: datetime | None
    reset_pending: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _locked_addresses(session: Session, now: datetime) -> set[str]:
    return set(
        session.scalars(
            select(LoginThrottle.address_hash).where(
                LoginThrottle.locked_until.is_not(None), LoginThrottle.locked_until > now
            )
        )
    )


def list_users(
    session: Session,
    *,
    search: str = "",
    agency: str = "",
    role: str = "",
    limit: int = LIST_LIMIT,
) -> list[UserRow]:
    now = _now()
    query = (
        select(User, Agency.short_name)
        .join(Agency, Agency.id == User.agency_id)
        .order_by(Agency.short_name, User.display_name, User.id)
        .limit(max(1, min(limit, LIST_LIMIT)))
    )
    text = search.strip()[:200]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                User.email.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    if agency:
        query = query.where(func.upper(Agency.short_name) == agency.strip().upper())
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    locked = _locked_addresses(session, now)
    return [
        UserRow(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=user.role.value,
            agency=short,
            active=user.is_active,
            locked=address_hash_of(user.email) in locked,
            enrolled=user.totp_confirmed_at is not None,
            last_login_at=user.last_login_at,
            reset_pending=user.password_reset_expires_at is not None
            and user.password_reset_expires_at > now,
        )
        for user, short in session.execute(query)
    ]


def find_user(session: Session, who: str | int) -> User:
    """A user by id or e-mail address; IdentityError when there is none."""
    if isinstance(who, int) or (isinstance(who, str) and who.strip().isdigit()):
        user = session.get(User, int(who))
    else:
        user = session.scalar(select(User).where(User.email == str(who).strip().lower()))
    if user is None:
        raise IdentityError(f"no such user: {str(who).strip()[:320]!r}")
    return user


def _end_sessions(session: Session, user: User) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def _not_self(actor: Actor, user: User, what: str) -> None:
    if actor.kind == "user" and actor.id == str(user.id):
        raise IdentityError(f"you cannot {what} your own account; ask another administrator")


def set_active(session: Session, *, actor: Actor, user: User, active: bool) -> User:
    """Disable (sessions end, logins refused) or enable an account."""
    if not active:
        _not_self(actor, user, "disable")
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        _end_sessions(session, user)
    record(
        session,
        actor=actor,
        action="user.enabled" if active else "user.disabled",
        object_type="user",
        object_id=user.id,
    )
    return user


def unlock(session: Session, *, actor: Actor, user: User) -> int:
    """Forget every failed-login counter for the user's address (all sources); how many."""
    rows = session.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.address_hash == address_hash_of(user.email))
        .returning(LoginThrottle.key)
    ).all()
    cleared = len(rows)
    user.failed_logins = 0
    user.locked_until = None
    record(
        session,
        actor=actor,
        action="user.unlocked",
        object_type="user",
        object_id=user.id,
        details={"counters_cleared": int(cleared or 0)},
    )
    return int(cleared or 0)


def change_role(
    session: Session, *, actor: Actor, user: User, role: str, agency: str | None = None
) -> User:
    """A new role and/or agency (the rules of create_user); the user's sessions end."""
    _not_self(actor, user, "change the role of")
    try:
        new_role = Role(role)
    except ValueError:
        raise IdentityError(
            f"unknown role {role!r}; known: {', '.join(r.value for r in Role)}"
        ) from None
    new_agency = agency_by_short_name(session, agency) if agency else user.agency
    required = ROLE_AGENCY.get(new_role)
    if required is not None and new_agency.short_name != required:
        raise IdentityError(f"role {new_role.value} is only for users of agency {required}")
    before = {"role": user.role.value, "agency": user.agency.short_name}
    if before == {"role": new_role.value, "agency": new_agency.short_name}:
        return user
    user.role = new_role
    user.agency = new_agency
    _end_sessions(session, user)
    record(
        session,
        actor=actor,
        action="user.role_changed",
        object_type="user",
        object_id=user.id,
        details={
            "from": before,
            "to": {"role": new_role.value, "agency": new_agency.short_name},
        },
    )
    return user


def reset_second_factor(session: Session, *, keyring: Keyring, actor: Actor, user: User) -> None:
    """A new TOTP secret: the user enrols again at the next login (shown to that login only)."""
    reset_totp(session, keyring=keyring, actor=actor, email=user.email)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def issue_password_reset(
    session: Session, *, actor: Actor, user: User, now: datetime | None = None
) -> str:
    """A one-time code (shown once, valid RESET_CODE_HOURS) for the user to set a new password
    at /login/reset; the old password stops working and the user's sessions end."""
    now = now or _now()
    code = secrets.token_urlsafe(18)
    user.password_reset_hash = _code_hash(code)
    user.password_reset_expires_at = now + timedelta(hours=RESET_CODE_HOURS)
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # the old one is gone
    _end_sessions(session, user)
    record(
        session,
        actor=actor,
        action="user.password_reset_issued",
        object_type="user",
        object_id=user.id,
        details={"expires_at": user.password_reset_expires_at.isoformat()},
    )
    return code


def complete_password_reset(
    session: Session, *, email: str, code: str, password: str, now: datetime | None = None
) -> User:
    """Set a new password with an administrator's code; IdentityError for anything wrong
    (the same answer for an unknown address, a wrong code and an expired one)."""
    now = now or _now()
    user = session.scalar(
        select(User).where(User.email == email.strip().lower()).with_for_update(of=User)
    )
    valid = (
        user is not None
        and user.is_active
        and user.password_reset_hash is not None
        and user.password_reset_expires_at is not None
        and user.password_reset_expires_at > now
        and hmac.compare_digest(user.password_reset_hash, _code_hash(code))
    )
    if not valid or user is None:
        record(
            session,
            actor=Actor(kind="anonymous"),
            action="user.password_reset_refused",
            object_type="user" if user is not None else None,
            object_id=user.id if user is not None else None,
        )
        raise IdentityError("the address or the code is wrong, or the code has expired")
    try:
        check_password_policy(password)
    except ValueError as exc:
        raise IdentityError(str(exc)) from None
    user.password_hash = hash_password(password)
    user.password_reset_hash = None
    user.password_reset_expires_at = None
    _end_sessions(session, user)
    record(
        session,
        actor=Actor(kind="user", id=str(user.id), agency=user.agency.short_name),
        action="user.password_reset_done",
        object_type="user",
        object_id=user.id,
    )
    return user

"""Users, logins with TOTP, server-side sessions and API keys.

Services take a session and never commit; the request or command owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import pyotp
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from perisai.audit.service import Actor, record
from perisai.config import Settings
from perisai.crypto import Keyring
from perisai.identity.models import (
    ROLE_AGENCY,
    Agency,
    ApiKey,
    LoginThrottle,
    Role,
    User,
    UserSession,
)
from perisai.identity.passwords import check_password_policy, hash_password, verify_password
from perisai.identity.permissions import Scope

API_KEY_PREFIX = "psk"
TOTP_ISSUER = "Perisai"


class IdentityError(ValueError):
    """Input the caller must fix (unknown agency, weak password, duplicate email...)."""


def user_actor(user: User) -> Actor:
    return Actor(kind="user", id=str(user.id), agency=user.agency.short_name, role=user.role.value)


def apikey_client_id(key_id: int) -> str:
    """Whom an API key's idempotency keys and reports belong to ("apikey:<id>")."""
    return f"apikey:{key_id}"


def apikey_actor(key: ApiKey) -> Actor:
    agency = key.agency.short_name if key.agency else None
    return Actor(kind="apikey", id=str(key.id), agency=agency)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    local, _, domain = cleaned.partition("@")
    if not local or not domain or "." not in domain or len(cleaned) > 320 or " " in cleaned:
        raise IdentityError(f"not an email address: {email!r}")
    return cleaned


def agency_by_short_name(session: Session, short_name: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.short_name == short_name.upper()))
    if agency is None:
        known = ", ".join(session.scalars(select(Agency.short_name).order_by(Agency.short_name)))
        raise IdentityError(f"unknown agency {short_name!r}; known: {known}")
    return agency


def _totp_aad(user_id: int) -> str:
    return f"user:{user_id}:totp"


def totp_secret(user: User, keyring: Keyring) -> str:
    return keyring.open_text(user.totp_secret_sealed, _totp_aad(user.id))


def totp_uri(user: User, keyring: Keyring) -> str:
    return pyotp.TOTP(totp_secret(user, keyring)).provisioning_uri(
        name=user.email, issuer_name=TOTP_ISSUER
    )


def create_user(
    session: Session,
    *,
    keyring: Keyring,
    actor: Actor,
    agency_short: str,
    role: str,
    email: str,
    password: str,
    display_name: str | None = None,
    is_demo: bool = False,
) -> tuple[User, str]:
    """Create a user with a fresh TOTP secret; return the user and the secret (shown once)."""
    try:
        role_value = Role(role)
    except ValueError:
        raise IdentityError(
            f"unknown role {role!r}; known: {', '.join(r.value for r in Role)}"
        ) from None
    try:
        check_password_policy(password)
    except ValueError as exc:
        raise IdentityError(str(exc)) from None
    address = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise IdentityError(f"a user with email {address} exists already")
    agency = agency_by_short_name(session, agency_short)
    required = ROLE_AGENCY.get(role_value)
    if required is not None and agency.short_name != required:
        raise IdentityError(f"role {role_value.value} is only for users of agency {required}")
    secret = pyotp.random_base32()
    user = User(
        agency=agency,
        email=address,
        display_name=display_name or address.split("@")[0],
        role=role_value,
        password_hash=hash_password(password),
        totp_secret_sealed=b"",
        is_demo=is_demo,
        failed_logins=0,
        is_active=True,
    )
    session.add(user)
    session.flush()
    user.totp_secret_sealed = keyring.seal_text(secret, _totp_aad(user.id))
    record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        details={"agency": agency.short_name, "role": role_value.value, "demo": is_demo},
    )
    return user, secret


class LoginResult(StrEnum):
    OK = "ok"  # password right; TOTP may still be needed
    FAILED = "failed"  # unknown user or wrong password: the same answer for both
    LOCKED = "locked"


@dataclass(frozen=True)
class PasswordCheck:
    result: LoginResult
    user: User | None = None


def throttle_key(email: str, source: str) -> str:
    """The lockout counter's key: the address typed (lower-cased) and the client's address."""
    material = f"{email.strip().lower()}\n{source}".encode()
    return hashlib.sha256(material).hexdigest()


_FAIL = text(
    "INSERT INTO login_throttle (key, address_hash, failures, updated_at) "
    "VALUES (:key, :address_hash, 1, :now) "
    "ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_throttle.locked_until IS NOT NULL "
    "AND login_throttle.locked_until <= :now THEN 1 ELSE login_throttle.failures + 1 END, "
    "locked_until = CASE WHEN login_throttle.locked_until <= :now THEN NULL "
    "ELSE login_throttle.locked_until END, updated_at = :now RETURNING failures"
)
_LOCK = text(
    "UPDATE login_throttle SET locked_until = :until, failures = 0, updated_at = :now "
    "WHERE key = :key"
)
_PRUNE = text("DELETE FROM login_throttle WHERE updated_at < :before AND key <> :key")


def _locked(session: Session, key: str, now: datetime) -> bool:
    until = session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == key))
    return until is not None and until > now


def address_hash_of(email: str) -> str:
    """The SHA-256 of the lower-cased address alone (an administrator's unlock finds it)."""
    return _sha256(email.strip().lower())


def _register_failure(
    session: Session,
    key: str,
    user: User | None,
    settings: Settings,
    now: datetime,
    address_hash: str | None = None,
) -> None:
    failures = int(
        session.scalar(_FAIL, {"key": key, "now": now, "address_hash": address_hash}) or 0
    )
    if failures < settings.login_max_failures:
        return
    until = now + timedelta(minutes=settings.lockout_minutes)
    session.execute(_LOCK, {"key": key, "until": until, "now": now})
    # Counters nobody has touched for a day are forgotten (rows for typed addresses that do not
    # exist would otherwise pile up).
    session.execute(_PRUNE, {"before": now - timedelta(days=1), "key": key})
    record(
        session,
        actor=user_actor(user) if user is not None else Actor(kind="anonymous"),
        action="login.locked",
        object_type="user" if user is not None else None,
        object_id=user.id if user is not None else None,
    )


def check_password(
    session: Session,
    *,
    settings: Settings,
    email: str,
    password: str,
    source: str = "unknown",
    now: datetime | None = None,
) -> PasswordCheck:
    """First login step. Unknown users cost the same argon2 work as known ones and lock alike.

    Failures are counted per (address typed, `source`): after `login_max_failures` that pair is
    locked for `lockout_minutes`, whether or not an account has the address, and the owner
    signing in from another address is not.
    """
    now = now or datetime.now(UTC)
    address = email.strip().lower()
    key = throttle_key(address, source)
    user = (
        None
        if "\x00" in address
        else session.scalar(select(User).where(User.email == address).with_for_update(of=User))
    )
    known = user is not None and user.is_active
    if _locked(session, key, now):
        verify_password(None, password)
        record(
            session,
            actor=user_actor(user) if known and user is not None else Actor(kind="anonymous"),
            action="login.refused_locked",
            object_type="user" if known else None,
            object_id=user.id if known and user is not None else None,
        )
        return PasswordCheck(LoginResult.LOCKED)
    if user is None or not user.is_active:
        verify_password(None, password)
        _register_failure(session, key, None, settings, now, address_hash_of(address))
        record(
            session,
            actor=Actor(kind="anonymous"),
            action="login.failed",
            details={"reason": "unknown user"},
        )
        return PasswordCheck(LoginResult.FAILED)
    if not verify_password(user.password_hash, password):
        _register_failure(session, key, user, settings, now, address_hash_of(address))
        record(
            session,
            actor=user_actor(user),
            action="login.failed",
            object_type="user",
            object_id=user.id,
            details={"reason": "wrong password"},
        )
        return PasswordCheck(LoginResult.FAILED)
    return PasswordCheck(LoginResult.OK, user)


def check_totp(
    session: Session,
    *,
    settings: Settings,
    keyring: Keyring,
    user: User,
    code: str,
    source: str = "unknown",
    now: datetime | None = None,
) -> bool:
    """Second login step: a current TOTP code, never the same time step twice. Failures count
    towards the same (address, source) lockout as wrong passwords."""
    now = now or datetime.now(UTC)
    key = throttle_key(user.email, source)
    if _locked(session, key, now):
        return False
    totp = pyotp.TOTP(totp_secret(user, keyring))
    cleaned = code.strip().replace(" ", "")
    matched_step = None
    for offset in (-1, 0, 1):  # one step of clock drift either way
        moment = now + timedelta(seconds=offset * totp.interval)
        if cleaned.isdigit() and hmac.compare_digest(totp.at(moment), cleaned):
            matched_step = totp.timecode(moment)
            break
    if matched_step is None or (user.totp_last_step or -1) >= matched_step:
        _register_failure(session, key, user, settings, now, address_hash_of(user.email))
        record(
            session,
            actor=user_actor(user),
            action="login.totp_failed",
            object_type="user",
            object_id=user.id,
        )
        return False
    user.totp_last_step = matched_step
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = now
        record(
            session,
            actor=user_actor(user),
            action="totp.enrolled",
            object_type="user",
            object_id=user.id,
        )
    return True


def needs_totp(user: User, settings: Settings) -> bool:
    return not (settings.demo and user.is_demo)


def start_session(
    session: Session,
    *,
    settings: Settings,
    user: User,
    totp_verified: bool,
    now: datetime | None = None,
) -> str:
    """Open a session; return the cookie token (only its hash is stored)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_sha256(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            totp_verified=totp_verified,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
        )
    )
    return token


def reset_totp(session: Session, *, keyring: Keyring, actor: Actor, email: str) -> tuple[User, str]:
    """A new TOTP secret for the user (lost phone, secret shown to the wrong login): enrolment
    starts again, and the next pending login is shown the new secret. Returns (user, secret)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise IdentityError(f"no user with the e-mail address {email.strip()[:320]!r}")
    secret = pyotp.random_base32()
    user.totp_secret_sealed = keyring.seal_text(secret, _totp_aad(user.id))
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.totp_enrol_session = None
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    record(session, actor=actor, action="totp.reset", object_type="user", object_id=user.id)
    return user, secret


def may_show_totp_secret(session: Session, *, user_session: UserSession) -> bool:
    """Whether this pending login may see the user's TOTP secret: only the first pending login
    that asks, and only until enrolment completes."""
    user = user_session.user
    if user.totp_confirmed_at is not None:
        return False
    if user.totp_enrol_session is None:
        user.totp_enrol_session = user_session.token_hash
        record(
            session,
            actor=user_actor(user),
            action="totp.secret_shown",
            object_type="user",
            object_id=user.id,
        )
        return True
    return hmac.compare_digest(user.totp_enrol_session, user_session.token_hash)


def complete_login(
    session: Session, *, user: User, source: str = "unknown", now: datetime | None = None
) -> None:
    """Both factors passed: the failures counted for this address and source are forgotten."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now or datetime.now(UTC)
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.key == throttle_key(user.email, source))
    )
    record(
        session, actor=user_actor(user), action="login.ok", object_type="user", object_id=user.id
    )


def load_session(
    session: Session, *, settings: Settings, token: str | None, now: datetime | None = None
) -> UserSession | None:
    """The live session for a cookie token, refreshed; None when absent, idle or expired."""
    if not token or len(token) > 128:
        return None
    now = now or datetime.now(UTC)
    found = session.get(UserSession, _sha256(token))
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    if found.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now:
        return None
    if not found.user.is_active:
        return None
    # Refresh at most once a minute, so reads do not write on every request.
    if now - found.last_seen_at > timedelta(minutes=1):
        found.last_seen_at = now
    return found


def end_session(session: Session, *, user_session: UserSession) -> None:
    user_session.revoked_at = datetime.now(UTC)
    record(
        session,
        actor=user_actor(user_session.user),
        action="logout",
        object_type="user",
        object_id=user_session.user_id,
    )


def create_api_key(
    session: Session,
    *,
    actor: Actor,
    name: str,
    scopes: list[Scope],
    agency_short: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; return it and the secret text, which is never shown again."""
    if not name.strip() or len(name) > 200:
        raise IdentityError("name must be 1 to 200 characters")
    agency = agency_by_short_name(session, agency_short) if agency_short else None
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name.strip(),
        prefix=prefix,
        secret_hash=_sha256(secret),
        scopes=[scope.value for scope in scopes],
        agency=agency,
    )
    session.add(key)
    session.flush()
    record(
        session,
        actor=actor,
        action="apikey.create",
        object_type="apikey",
        object_id=key.id,
        details={"name": key.name, "scopes": key.scopes},
    )
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def revoke_api_key(session: Session, *, actor: Actor, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise IdentityError(f"no API key with id {key_id}")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        record(session, actor=actor, action="apikey.revoke", object_type="apikey", object_id=key.id)
    return key


def authenticate_api_key(session: Session, presented: str) -> ApiKey | None:
    """The live key for a bearer token, or None (wrong, unknown and revoked look the same)."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(presented) > 200:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.secret_hash, _sha256(parts[2])):
        return None
    if key.revoked_at is not None:
        return None
    now = datetime.now(UTC)
    # Key use is recorded at most once a minute per key; each action it takes is audited anyway.
    # SKIP LOCKED: when another request of the same key is recording it right now, this one
    # does not queue behind that row lock (under load they would all wait on one another).
    if key.last_used_at is None or now - key.last_used_at > timedelta(seconds=60):
        # FOR NO KEY UPDATE: it must not block the foreign-key checks (KEY SHARE) of rows that
        # reference the key, e.g. intake's report INSERTs, for as long as this request lasts.
        claimed = session.scalar(
            select(ApiKey.id)
            .where(ApiKey.id == key.id)
            .with_for_update(skip_locked=True, key_share=True)
        )
        if claimed is not None:
            key.last_used_at = now
            record(
                session,
                actor=apikey_actor(key),
                action="apikey.used",
                object_type="apikey",
                object_id=key.id,
            )
    return key


def count_non_demo_users(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(False))) or 0
    )

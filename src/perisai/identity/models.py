"""Agencies, users, sessions and API clients."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ARRAY, Enum, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db.base import Base, CreatedAt


class Role(enum.StrEnum):
    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    AUDITOR = "auditor"
    ADMIN = "admin"
    TEACHER = "teacher"  # a school teacher (MOE): runs anonymous class quizzes
    MOE_OFFICER = "moe_officer"  # an Education Ministry officer: district aggregates only


# Roles that belong to one agency only (checked when a user is created and on every request).
ROLE_AGENCY: dict[Role, str] = {Role.TEACHER: "MOE", Role.MOE_OFFICER: "MOE"}


class Agency(CreatedAt, Base):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ms: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))

    users: Mapped[list[User]] = relationship(back_populates="agency")


class User(CreatedAt, Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(Text)
    # The TOTP secret is sealed with the master key, bound to the user id.
    totp_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # The pending login (its session's token hash) that was shown the secret to enrol; no other
    # is shown it (`identity.service.may_show_totp_secret`).
    totp_enrol_session: Mapped[str | None] = mapped_column(String(64))
    # A one-time password-reset code an administrator issued (its SHA-256) and its expiry.
    password_reset_hash: Mapped[str | None] = mapped_column(String(64))
    password_reset_expires_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    agency: Mapped[Agency] = relationship(back_populates="users", lazy="joined", innerjoin=True)


class UserSession(CreatedAt, Base):
    """A server-side login session; the cookie holds a random token whose SHA-256 is the key."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    totp_verified: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class ApiKey(CreatedAt, Base):
    """A platform's or agency system's key; only a hash of the secret is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed logins per (address typed, source address): the lockout's counter.

    Keyed by the SHA-256 of the lower-cased e-mail address and the client's address, whether or
    not an account has that address: unknown and real accounts lock alike (no enumeration), and
    failures from one source lock that source out, not the account's owner elsewhere.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # SHA-256 of the address typed alone: an administrator's unlock clears every source's counter.
    address_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]

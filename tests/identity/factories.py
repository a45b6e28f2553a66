"""Factories for identity objects: real rows through the real service."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.crypto import Keyring
from perisai.identity.models import ApiKey, User
from perisai.identity.permissions import Scope
from perisai.identity.service import create_api_key, create_user

PASSWORD = "a-long-test-password"
_counter = itertools.count(1)


def make_user(
    db: Session,
    keyring: Keyring,
    *,
    role: str = "analyst",
    agency: str = "PDRM",
    password: str = PASSWORD,
    is_demo: bool = False,
) -> tuple[User, str]:
    email = f"user{next(_counter)}-{role}@{agency.lower()}.test.my"
    user, secret = create_user(
        db,
        keyring=keyring,
        actor=SYSTEM,
        agency_short=agency,
        role=role,
        email=email,
        password=password,
        is_demo=is_demo,
    )
    db.flush()
    return user, secret


def make_api_key(
    db: Session, *, scopes: list[Scope], agency: str | None = None
) -> tuple[ApiKey, str]:
    key, secret = create_api_key(
        db, actor=SYSTEM, name=f"key {next(_counter)}", scopes=scopes, agency_short=agency
    )
    db.flush()
    return key, secret

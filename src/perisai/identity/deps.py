"""FastAPI dependencies: the request's transaction, who is calling, and what the route needs.

Every route declares its access with exactly one of :func:`require` (a logged-in user with a
permission), :func:`require_scope` (an API key with a scope, or optionally a user session),
:func:`require_key_scope` (an API key with a scope, verified through a short cache) or
:data:`Public` (anyone). `tests/identity/test_route_permissions.py` fails on a route without one.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from perisai.audit.service import Actor
from perisai.identity.keycache import VerifiedKey, api_key_cache, verified
from perisai.identity.models import ApiKey, User, UserSession
from perisai.identity.permissions import ROLE_PERMISSIONS, Permission, Scope, role_has
from perisai.identity.service import (
    apikey_actor,
    authenticate_api_key,
    load_session,
    user_actor,
)
from perisai.runtime import Runtime

SESSION_COOKIE = "perisai_session"
NEXT_COOKIE = "perisai_next"  # the page to return to after logging in
NEXT_MAX_LENGTH = 1000


def safe_next(path: str | None) -> bool:
    """A page of this site to return to after login: a local path, never another site."""
    return bool(
        path
        and len(path) <= NEXT_MAX_LENGTH
        and path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(ord(c) < 32 for c in path)
        and not path.startswith(("/login", "/logout", "/api/", "/static/"))
    )


class LoginRequired(Exception):
    """No valid session (pages redirect to the login page; the API answers 401)."""


class NotAllowed(Exception):
    """Authenticated, but without the permission or scope the route needs (403)."""


class BadCsrf(Exception):
    """A form arrived without the session's CSRF token (403)."""


async def get_runtime(request: Request) -> Runtime:
    # async: a plain attribute read, so it is not worth a hop to a worker thread.
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_db(runtime: RuntimeDep) -> Iterator[Session]:
    """The request's transaction: committed when the handler returns, before the response."""
    with runtime.db.transaction() as session:
        yield session


# scope="function": the commit happens before the response is sent, so an acknowledgement is
# never sent for a change that did not commit.
DbDep = Annotated[Session, Depends(get_db, scope="function")]


def get_lane_db(runtime: RuntimeDep) -> Iterator[Session]:
    """As :func:`get_db`, on the priority lane's own pool (staff login, public report intake)."""
    with runtime.db.lane().transaction() as session:
        yield session


LaneDbDep = Annotated[Session, Depends(get_lane_db, scope="function")]


def _user_session(request: Request, runtime: Runtime, db: Session) -> UserSession | None:
    cached: UserSession | None = getattr(request.state, "user_session", None)
    if cached is not None:
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    found = load_session(db, settings=runtime.settings, token=token)
    if found is not None and found.totp_verified:
        request.state.user_session = found
        return found
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (through a session) or an API client."""

    actor: Actor
    user: User | None = None
    api_key: ApiKey | None = None
    user_session: UserSession | None = None

    @property
    def agency(self) -> str | None:
        return self.actor.agency


def _known(request: Request, actor: Actor) -> Actor:
    """Remember who is calling, so that a refusal of this request is audited under their name
    (`http/refusals.py`)."""
    request.state.actor = actor
    return actor


class Requires:
    """Dependency: a logged-in user whose role holds ``permission``."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, request: Request, runtime: RuntimeDep, db: DbDep) -> Principal:
        found = _user_session(request, runtime, db)
        if found is None:
            raise LoginRequired
        actor = _known(request, user_actor(found.user))
        if not role_has(found.user.role, self.permission):
            raise NotAllowed(self.permission.value)
        return Principal(actor=actor, user=found.user, user_session=found)


class RequiresScope:
    """Dependency: an API key with ``scope``; optionally a user session with ``or_permission``."""

    def __init__(self, scope: Scope, or_permission: Permission | None = None) -> None:
        self.scope = scope
        self.or_permission = or_permission

    def __call__(self, request: Request, runtime: RuntimeDep, db: DbDep) -> Principal:
        token = _bearer(request)
        if token is not None:
            key = authenticate_api_key(db, token)
            if key is None:
                raise LoginRequired
            actor = _known(request, apikey_actor(key))
            if self.scope.value not in key.scopes:
                raise NotAllowed(self.scope.value)
            return Principal(actor=actor, api_key=key)
        if self.or_permission is not None:
            return Requires(self.or_permission)(request, runtime, db)
        raise LoginRequired


class RequiresKeyScope:
    """Dependency: an API key with ``scope``, verified from the per-process cache when it can be.

    For hot routes taken only with an API key (report intake): no database round trip or
    worker-thread hop per request. A route that uses it re-checks revocation in the
    transaction that writes (`keycache.live_api_key_ids`).
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def __call__(self, request: Request, runtime: RuntimeDep) -> VerifiedKey:
        token = _bearer(request)
        if token is None:
            raise LoginRequired
        cache = api_key_cache(runtime)
        key = cache.get(token)
        if key is None:
            key = await run_in_threadpool(_verify_token, runtime, token)
            if key is None:
                raise LoginRequired
            cache.put(token, key)
        _known(request, key.actor)
        if self.scope.value not in key.scopes:
            raise NotAllowed(self.scope.value)
        return key


def _verify_token(runtime: Runtime, token: str) -> VerifiedKey | None:
    # Its own transaction (on the priority lane: intake verifies keys here): verifying records
    # the key's use (at most once a minute).
    with runtime.db.lane().transaction() as session:
        key = authenticate_api_key(session, token)
        return None if key is None else verified(key, apikey_actor(key))


class PublicAccess:
    """Dependency: anyone may call this route (declared, so that it is a decision)."""

    def __call__(self) -> None:
        return None


Public = Depends(PublicAccess())


# Typed Any so that both `principal: Principal = require(...)` and `dependencies=[...]` check.
def require(permission: Permission) -> Any:
    return Depends(Requires(permission))


def require_scope(scope: Scope, *, or_permission: Permission | None = None) -> Any:
    return Depends(RequiresScope(scope, or_permission))


def require_key_scope(scope: Scope) -> Any:
    return Depends(RequiresKeyScope(scope))


def optional_user(request: Request, runtime: RuntimeDep, db: DbDep) -> User | None:
    found = _user_session(request, runtime, db)
    return found.user if found is not None else None


async def csrf_token_from_form(request: Request) -> str:
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else ""


def check_csrf(expected: str, presented: str) -> None:
    if not presented or not hmac.compare_digest(expected, presented):
        raise BadCsrf


def staff_context(principal: Principal) -> dict[str, object]:
    """What every staff page's template needs: who is looking, their form token, what they may
    open. (Domains' staff pages use it; the workspace adds its own helpers.)"""
    assert principal.user is not None and principal.user_session is not None
    return {
        "user": principal.user,
        "csrf_token": principal.user_session.csrf_token,
        "may": {p.value for p in ROLE_PERMISSIONS[principal.user.role]},
    }

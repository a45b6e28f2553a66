"""`/workspace/users`: the administrator's staff accounts, and `/login/reset`, where a person
sets a new password with the one-time code an administrator handed them (no e-mail reset).

Every action is a POST with the session's CSRF token and is audited by perisai.identity.admin.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from perisai.identity import admin
from perisai.identity.deps import (
    DbDep,
    Principal,
    Public,
    RuntimeDep,
    check_csrf,
    require,
)
from perisai.identity.models import Agency, Role, User
from perisai.identity.permissions import Permission
from perisai.identity.service import IdentityError
from perisai.identity.views import add_home_link
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render
from perisai.workspace.access import page_context

router = APIRouter(include_in_schema=False)  # mounted under /workspace by views.py
public_router = APIRouter(include_in_schema=False)  # /login/reset
CsrfField = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Query(max_length=200)]
RESET_CSRF_COOKIE = "perisai_reset_csrf"
DONE = frozenset({"disabled", "enabled", "unlocked", "totp", "role", "password"})

add_home_link(Permission.USERS_MANAGE, "/workspace/users", "home.ws.users")


def _csrf(principal: Principal, presented: str) -> None:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, presented)


def _user(db: DbDep, user_id: int) -> User:
    found = db.get(User, user_id)
    if found is None:
        raise HTTPException(404)
    return found


def _agencies(db: DbDep) -> list[str]:
    return list(db.scalars(select(Agency.short_name).order_by(Agency.short_name)))


@router.get("/users")
def users_page(
    request: Request,
    db: DbDep,
    q: Short = "",
    agency: Short = "",
    role: Short = "",
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    rows = admin.list_users(db, search=q, agency=agency, role=role)
    return render(
        request,
        "workspace/users.html",
        {
            **page_context(principal),
            "rows": rows,
            "form": {"q": q, "agency": agency, "role": role},
            "roles": [r.value for r in Role],
            "agencies": _agencies(db),
        },
    )


def _user_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    user: User,
    *,
    code: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    rows = [r for r in admin.list_users(db, search=user.email) if r.id == user.id]
    if not rows:
        raise HTTPException(404)
    row = rows[0]
    done = request.query_params.get("done", "")
    response = render(
        request,
        "workspace/user.html",
        {
            **page_context(principal),
            "account": row,
            "roles": [r.value for r in Role],
            "agencies": _agencies(db),
            "done": done if done in DONE else None,
            "code": code,
            "error": error,
            "is_self": principal.user is not None and principal.user.id == user.id,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/users/{user_id}")
def user_page(
    request: Request,
    db: DbDep,
    user_id: int,
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    return _user_page(request, db, principal, _user(db, user_id))


def _refused(
    request: Request, db: DbDep, principal: Principal, user: User, exc: IdentityError
) -> Response:
    # The reason is the service's (English); the page says what happened in the person's language.
    lang = language_of(request)
    return _user_page(
        request,
        db,
        principal,
        user,
        error=translate("ws.users.refused", lang, reason=str(exc)),
        status_code=409,
    )


def _back(user: User, done: str) -> RedirectResponse:
    return RedirectResponse(f"/workspace/users/{user.id}?done={done}", status_code=303)


@router.post("/users/{user_id}/active")
def user_active(
    request: Request,
    db: DbDep,
    user_id: int,
    csrf_token: CsrfField,
    active: Annotated[bool, Form()],
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    _csrf(principal, csrf_token)
    user = _user(db, user_id)
    try:
        admin.set_active(db, actor=principal.actor, user=user, active=active)
    except IdentityError as exc:
        return _refused(request, db, principal, user, exc)
    return _back(user, "enabled" if active else "disabled")


@router.post("/users/{user_id}/unlock")
def user_unlock(
    db: DbDep,
    user_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    _csrf(principal, csrf_token)
    user = _user(db, user_id)
    admin.unlock(db, actor=principal.actor, user=user)
    return _back(user, "unlocked")


@router.post("/users/{user_id}/totp")
def user_totp(
    db: DbDep,
    runtime: RuntimeDep,
    user_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    _csrf(principal, csrf_token)
    user = _user(db, user_id)
    admin.reset_second_factor(db, keyring=runtime.keyring, actor=principal.actor, user=user)
    return _back(user, "totp")


@router.post("/users/{user_id}/role")
def user_role(
    request: Request,
    db: DbDep,
    user_id: int,
    csrf_token: CsrfField,
    role: Annotated[str, Form(max_length=32)],
    agency: Annotated[str, Form(max_length=32)],
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    _csrf(principal, csrf_token)
    user = _user(db, user_id)
    try:
        admin.change_role(db, actor=principal.actor, user=user, role=role, agency=agency)
    except IdentityError as exc:
        return _refused(request, db, principal, user, exc)
    return _back(user, "role")


@router.post("/users/{user_id}/password")
def user_password(
    request: Request,
    db: DbDep,
    user_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.USERS_MANAGE),
) -> Response:
    """Issue a one-time reset code, shown on this answer only (never in a URL)."""
    _csrf(principal, csrf_token)
    user = _user(db, user_id)
    code = admin.issue_password_reset(db, actor=principal.actor, user=user)
    return _user_page(request, db, principal, user, code=code)


# --- the person's side: /login/reset -------------------------------------------------------


def _reset_page(
    request: Request,
    runtime: RuntimeDep,
    *,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "workspace/password_reset.html",
        {"csrf_token": token, "email": email, "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        RESET_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
        max_age=3600,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@public_router.get("/login/reset", dependencies=[Public])
def reset_form(request: Request, runtime: RuntimeDep) -> Response:
    return _reset_page(request, runtime)


@public_router.post("/login/reset", dependencies=[Public])
def reset_submit(
    request: Request,
    runtime: RuntimeDep,
    db: DbDep,
    email: Annotated[str, Form(max_length=320)],
    code: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
    csrf_token: CsrfField,
) -> Response:
    lang = language_of(request)
    expected = request.cookies.get(RESET_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _reset_page(
            request, runtime, email=email, error=translate("login.expired", lang), status_code=403
        )
    if password != password_again:
        return _reset_page(
            request, runtime, email=email, error=translate("reset.mismatch", lang), status_code=422
        )
    try:
        admin.complete_password_reset(db, email=email, code=code, password=password)
    except IdentityError as exc:
        key = "reset.weak" if "password" in str(exc).lower() else "reset.refused"
        return _reset_page(
            request, runtime, email=email, error=translate(key, lang), status_code=422
        )
    response = RedirectResponse("/login?reset=1", status_code=303)
    response.delete_cookie(RESET_CSRF_COOKIE)
    return response

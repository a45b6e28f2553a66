"""Login (password, then TOTP), logout and the authenticated home page."""

from __future__ import annotations

import secrets
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from perisai.identity import service
from perisai.identity.deps import (
    NEXT_COOKIE,
    SESSION_COOKIE,
    DbDep,
    LaneDbDep,
    Principal,
    Public,
    RuntimeDep,
    check_csrf,
    require,
    safe_next,
)
from perisai.identity.models import UserSession
from perisai.identity.permissions import Permission, role_has
from perisai.web.cookies import secure_cookie_dropped
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "perisai_login_csrf"

Email = Annotated[str, Form(max_length=320)]
Password = Annotated[str, Form(max_length=1024)]
CsrfField = Annotated[str, Form(max_length=128)]
Code = Annotated[str, Form(max_length=16)]


def _set_session_cookie(response: Response, token: str, runtime: RuntimeDep) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
        max_age=runtime.settings.session_max_hours * 3600,
    )


def _login_page(
    request: Request,
    runtime: RuntimeDep,
    *,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(32)
    demo_accounts = getattr(request.app.state, "demo_accounts", None)
    response = render(
        request,
        "login.html",
        {"csrf_token": token, "error": error, "email": email, "demo_accounts": demo_accounts},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
        max_age=3600,
    )
    return response


@router.get("/", dependencies=[Public])
def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=303)


@router.get("/login", dependencies=[Public])
def login_form(request: Request, runtime: RuntimeDep) -> Response:
    return _login_page(request, runtime)


@router.post("/login", dependencies=[Public])
def login_submit(
    request: Request,
    runtime: RuntimeDep,
    db: LaneDbDep,
    email: Email,
    password: Password,
    csrf_token: CsrfField,
) -> Response:
    lang = language_of(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected and secure_cookie_dropped(request, runtime.settings.cookie_secure):
        error = translate("login.needs_https", lang, host=request.url.hostname or "")
        return _login_page(request, runtime, error=error, email=email, status_code=403)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(
            request, runtime, error=translate("login.expired", lang), email=email, status_code=403
        )
    source = client_address(request)
    check = service.check_password(
        db, settings=runtime.settings, email=email, password=password, source=source
    )
    if check.result is service.LoginResult.LOCKED:
        return _login_page(
            request, runtime, error=translate("login.locked", lang), email=email, status_code=429
        )
    if check.user is None:
        return _login_page(
            request, runtime, error=translate("login.failed", lang), email=email, status_code=401
        )
    user = check.user
    verified = not service.needs_totp(user, runtime.settings)
    if verified:
        service.complete_login(db, user=user, source=source)
    token = service.start_session(db, settings=runtime.settings, user=user, totp_verified=verified)
    if verified:
        response = _home_or_next(request)
    else:
        response = RedirectResponse("/login/totp", status_code=303)
    _set_session_cookie(response, token, runtime)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: as configured to trust,
    `PERISAI_TRUSTED_PROXIES`)."""
    return request.client.host if request.client else "unknown"


def _home_or_next(request: Request) -> RedirectResponse:
    """After a completed login: the page the person was sent to (a deep link), else home."""
    wanted = request.cookies.get(NEXT_COOKIE)
    response = RedirectResponse(wanted if wanted and safe_next(wanted) else "/app", 303)
    response.delete_cookie(NEXT_COOKIE)
    return response


def _pending(request: Request, runtime: RuntimeDep, db: LaneDbDep) -> UserSession | None:
    found = service.load_session(
        db, settings=runtime.settings, token=request.cookies.get(SESSION_COOKIE)
    )
    return found if found is not None and not found.totp_verified else None


def _totp_page(
    request: Request,
    runtime: RuntimeDep,
    db: Session,
    pending: UserSession,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, object] = {"csrf_token": pending.csrf_token, "error": error}
    if pending.user.totp_confirmed_at is None:
        # The secret is shown to one pending login only (the first to get this far), never
        # again to whoever else learns the password before enrolment completes.
        if service.may_show_totp_secret(db, user_session=pending):
            uri = service.totp_uri(pending.user, runtime.keyring)
            context["enrol_qr"] = segno.make(uri, error="m").svg_data_uri(scale=4)
            context["enrol_secret"] = service.totp_secret(pending.user, runtime.keyring)
        else:
            context["enrol_shown"] = True
    return render(request, "totp.html", context, status_code=status_code)


@router.get("/login/totp", dependencies=[Public])
def totp_form(request: Request, runtime: RuntimeDep, db: LaneDbDep) -> Response:
    pending = _pending(request, runtime, db)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    return _totp_page(request, runtime, db, pending)


@router.post("/login/totp", dependencies=[Public])
def totp_submit(
    request: Request, runtime: RuntimeDep, db: LaneDbDep, code: Code, csrf_token: CsrfField
) -> Response:
    pending = _pending(request, runtime, db)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    check_csrf(pending.csrf_token, csrf_token)
    user = pending.user
    source = client_address(request)
    if not service.check_totp(
        db,
        settings=runtime.settings,
        keyring=runtime.keyring,
        user=user,
        code=code,
        source=source,
    ):
        return _totp_page(
            request,
            runtime,
            db,
            pending,
            error=translate("totp.failed", language_of(request)),
            status_code=401,
        )
    # A fresh session token after the second factor, so a pre-login token is worth nothing.
    service.end_session(db, user_session=pending)
    service.complete_login(db, user=user, source=source)
    token = service.start_session(db, settings=runtime.settings, user=user, totp_verified=True)
    response = _home_or_next(request)
    _set_session_cookie(response, token, runtime)
    return response


@router.post("/logout")
def logout(
    request: Request,
    db: DbDep,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.HOME_VIEW),
) -> Response:
    assert principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    service.end_session(db, user_session=principal.user_session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


HOME_LINKS: list[tuple[Permission, str, str]] = []


def add_home_link(permission: Permission, href: str, label_key: str) -> None:
    """Domains announce their workspace pages here; the home page lists what a role may open."""
    HOME_LINKS.append((permission, href, label_key))


@router.get("/app")
def home(request: Request, principal: Principal = require(Permission.HOME_VIEW)) -> Response:
    assert principal.user is not None
    assert principal.user_session is not None
    lang = language_of(request)
    links = [
        {"href": href, "label": translate(key, lang)}
        for perm, href, key in HOME_LINKS
        if role_has(principal.user.role, perm)
    ]
    return render(
        request,
        "home.html",
        {"user": principal.user, "links": links, "csrf_token": principal.user_session.csrf_token},
    )

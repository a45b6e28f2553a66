"""Schools: teachers' class sessions and results, MOE officers' district figures (staff pages
under `/app/education`), and the pupils' anonymous class quiz (`/kelas`, `/class`)."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from perisai.education import schools
from perisai.education import text as _text  # noqa: F401 - registers the strings
from perisai.education.districts import STATES
from perisai.education.formread import BadForm, TooLarge
from perisai.education.guard import guard_of
from perisai.education.learn_views import answers_of, marked_context, quiz_context
from perisai.education.lessons import Audience
from perisai.education.models import ClassSession
from perisai.education.pages import other, page, switch_language
from perisai.education.quizzes import CLASS_AUDIENCES, MissingAnswers, mark
from perisai.education.signs import GENERAL, KIND_WORDS
from perisai.education.timefmt import show
from perisai.identity.deps import DbDep, NotAllowed, Principal, Public, check_csrf, require
from perisai.identity.models import ROLE_AGENCY
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.web.i18n import language_of, translate
from perisai.web.templating import render

router = APIRouter(include_in_schema=False)
add_home_link(Permission.CLASS_SESSIONS, "/app/education", "home.edu.classes")
add_home_link(Permission.EDUCATION_STATS, "/app/education/districts", "home.edu.districts")

PUPIL = {"ms": "/kelas", "en": "/class"}
ANSWER = {"ms": "/kelas/jawab", "en": "/class/answer"}
CSRF_COOKIE = "class_csrf"
DONE_COOKIE = "class_done"
CODE_TRIES_PER_WINDOW = 30  # wrong codes per connection (a whole class may share one address)
ANSWERS_PER_WINDOW = 120
WINDOW_SECONDS = 600.0
PERIODS = (30, 90, 365)
Text = Annotated[str, Form(max_length=200)]
CsrfField = Annotated[str, Form(max_length=128)]


def _moe(principal: Principal) -> Principal:
    """Teachers and MOE officers act only as users of the Education Ministry."""
    user = principal.user
    assert user is not None
    required = ROLE_AGENCY.get(user.role)
    if required is not None and principal.agency != required:
        raise NotAllowed(f"agency {required}")
    return principal


def _staff(principal: Principal) -> dict[str, Any]:
    assert principal.user is not None and principal.user_session is not None
    return {"user": principal.user, "csrf_token": principal.user_session.csrf_token}


def sign_words(sign: str, lang: str) -> tuple[str, str]:
    words = KIND_WORDS.get(sign, {}).get(lang) or GENERAL[lang]
    return words.title, words.parent


# --- teachers -------------------------------------------------------------------------------


def _teacher_page(
    request: Request,
    db: Session,
    principal: Principal,
    *,
    error: schools.SchoolError | None = None,
    status_code: int = 200,
) -> Response:
    assert principal.user is not None
    lang = language_of(request)
    rows = schools.my_sessions(db, teacher_id=principal.user.id)
    context = {
        **_staff(principal),
        "rows": rows,
        "states": STATES,
        "durations": schools.DURATIONS,
        "audiences": CLASS_AUDIENCES,
        "default_max": schools.DEFAULT_MAX_RESPONSES,
        "max_responses": schools.MAX_RESPONSES,
        "error": translate(error.key, lang) if error else None,
        "error_field": error.field if error else None,
        "show": lambda when: show(when, lang),
        "is_open": schools.is_open,
    }
    return render(request, "education/teacher.html", context, status_code=status_code)


@router.get("/app/education")
def teacher_home(
    request: Request, db: DbDep, principal: Principal = require(Permission.CLASS_SESSIONS)
) -> Response:
    return _teacher_page(request, db, _moe(principal))


@router.post("/app/education/sessions")
def start(
    request: Request,
    db: DbDep,
    csrf_token: CsrfField,
    audience: Text,
    district: Text,
    label: Text = "",
    minutes: Annotated[int, Form(ge=1, le=1440)] = 60,
    max_responses: Annotated[int, Form(ge=1, le=10_000)] = schools.DEFAULT_MAX_RESPONSES,
    principal: Principal = require(Permission.CLASS_SESSIONS),
) -> Response:
    principal = _moe(principal)
    assert principal.user is not None and principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    state, _, name = district.partition("|")
    try:
        found = schools.start_session(
            db,
            actor=principal.actor,
            teacher_id=principal.user.id,
            audience=audience,
            state=state,
            district=name,
            label=label,
            minutes=minutes,
            max_responses=max_responses,
        )
    except schools.SchoolError as problem:
        return _teacher_page(request, db, principal, error=problem, status_code=422)
    return RedirectResponse(f"/app/education/sessions/{found.id}", status_code=303)


@router.get("/app/education/sessions/{session_id}")
def results(
    request: Request,
    db: DbDep,
    session_id: int,
    principal: Principal = require(Permission.CLASS_SESSIONS),
) -> Response:
    principal = _moe(principal)
    assert principal.user is not None
    found = schools.class_results(
        db, actor=principal.actor, teacher_id=principal.user.id, session_id=session_id
    )
    lang = language_of(request)
    if found is None:
        return render(request, "education/staff_not_found.html", _staff(principal), 404)
    context = {
        **_staff(principal),
        "r": found,
        "min_group": schools.MIN_GROUP,
        "pupil_urls": PUPIL,
        "open": schools.is_open(found.session),
        "expires": show(found.session.expires_at, lang),
        "sign_words": lambda sign: sign_words(sign, lang),
        "question_text": {
            q["id"]: q["words"] for q in quiz_context(lang, _aud(found))["questions"]
        },
    }
    return render(request, "education/class_results.html", context)


def _aud(found: schools.ClassResults) -> Audience:
    audience: Audience = "teens" if found.session.audience == "teens" else "children"
    return audience


@router.post("/app/education/sessions/{session_id}/close")
def close(
    db: DbDep,
    session_id: int,
    csrf_token: CsrfField,
    principal: Principal = require(Permission.CLASS_SESSIONS),
) -> Response:
    principal = _moe(principal)
    assert principal.user is not None and principal.user_session is not None
    check_csrf(principal.user_session.csrf_token, csrf_token)
    schools.close_session(
        db, actor=principal.actor, teacher_id=principal.user.id, session_id=session_id
    )
    return RedirectResponse(f"/app/education/sessions/{session_id}", status_code=303)


# --- MOE officers ---------------------------------------------------------------------------


@router.get("/app/education/districts")
def districts(
    request: Request,
    db: DbDep,
    days: Annotated[int, Query(ge=1, le=3660)] = 365,
    principal: Principal = require(Permission.EDUCATION_STATS),
) -> Response:
    principal = _moe(principal)
    lang = language_of(request)
    period = days if days in PERIODS else 365
    since = datetime.now(UTC) - timedelta(days=period)
    figures = schools.district_figures(db, actor=principal.actor, since=since)
    context = {
        **_staff(principal),
        "f": figures,
        "period": period,
        "periods": PERIODS,
        "min_group": schools.MIN_GROUP,
        "sign_words": lambda sign: sign_words(sign, lang),
        "since": show(since, lang),
    }
    return render(request, "education/districts.html", context)


# --- pupils (public, anonymous) -------------------------------------------------------------


def _pupil_page(
    request: Request,
    lang: str,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    token: str | None = None,
) -> Response:
    token = token or request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    values = {"csrf_token": token, "code_action": PUPIL[lang], **context}
    response = page(
        request, lang, name, values, status_code=status_code, alternate=PUPIL[other(lang)]
    )
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


def _code_form(
    request: Request, lang: str, *, error: str | None = None, code: str = "", status: int = 200
) -> Response:
    context = {"error": translate(error, lang) if error else None, "code": code[:16]}
    return _pupil_page(request, lang, "education/class_code.html", context, status_code=status)


def _class_quiz(
    request: Request,
    lang: str,
    found_code: str,
    audience: Audience,
    *,
    chosen: dict[str, str] | None = None,
    missing: list[str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        **quiz_context(lang, audience),
        "action": ANSWER[lang],
        "chosen": chosen or {},
        "missing": missing or [],
        "intro": translate("class.quiz.intro", lang),
        "hidden": {"code": found_code},
    }
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    context["hidden"]["csrf_token"] = token
    return _pupil_page(
        request, lang, "education/quiz.html", context, status_code=status, token=token
    )


def _lookup(request: Request, db: Session, code: str) -> ClassSession | None:
    return schools.open_session(db, code)


async def _enter_code(request: Request, db: Session, lang: str) -> Response:
    try:
        fields = await answers_of(request)
    except (TooLarge, BadForm):
        return _code_form(request, lang, error="check.err.bad_form", status=400)
    code = fields.get("code", "")
    found = await run_in_threadpool(_lookup, request, db, code)
    if found is None:
        guard = guard_of(
            request, "class-code", per_window=CODE_TRIES_PER_WINDOW, window_seconds=WINDOW_SECONDS
        )
        status = 404 if guard.allow(request) else 429
        key = "class.err.code" if status == 404 else "check.err.slow_down"
        return _code_form(request, lang, error=key, code=code, status=status)
    if request.cookies.get(DONE_COOKIE) == found.code:
        return _pupil_page(request, lang, "education/class_done.html", {"already": True})
    audience: Audience = "teens" if found.audience == "teens" else "children"
    return _class_quiz(request, lang, found.code, audience)


def _store(
    db: Session, code: str, audience_answers: dict[str, str]
) -> tuple[Audience, ClassSession]:
    found = schools.open_session(db, code)
    if found is None:
        raise schools.SchoolError("code", "class.err.closed")
    audience: Audience = "teens" if found.audience == "teens" else "children"
    marked = mark(audience, audience_answers)
    schools.submit_answers(db, class_session=found, marked=marked)
    return audience, found


async def _answer(request: Request, db: Session, lang: str) -> Response:
    try:
        fields = await answers_of(request)
    except (TooLarge, BadForm):
        return _code_form(request, lang, error="check.err.bad_form", status=400)
    code = schools.normalise_code(fields.get("code", ""))
    refused = _refusal(request, lang, code, fields.get("csrf_token", ""))
    if refused is not None:
        return refused
    try:
        audience, found = await run_in_threadpool(_store, db, code, fields)
    except MissingAnswers as missing:
        session = await run_in_threadpool(_lookup, request, db, code)
        audience = "teens" if session is not None and session.audience == "teens" else "children"
        return _class_quiz(
            request, lang, code, audience, chosen=fields, missing=missing.missing, status=422
        )
    except schools.SchoolError as problem:
        return _code_form(request, lang, error=problem.key, code=code, status=409)
    return _answered(request, lang, audience, found, fields)


def _refusal(request: Request, lang: str, code: str, presented: str) -> Response | None:
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, presented):
        return _code_form(request, lang, error="class.err.expired", code=code, status=403)
    guard = guard_of(
        request, "class-answer", per_window=ANSWERS_PER_WINDOW, window_seconds=WINDOW_SECONDS
    )
    if not guard.allow(request, code):
        return _code_form(request, lang, error="check.err.slow_down", code=code, status=429)
    if request.cookies.get(DONE_COOKIE) == code:
        return _pupil_page(request, lang, "education/class_done.html", {"already": True})
    return None


def _answered(
    request: Request, lang: str, audience: Audience, found: ClassSession, fields: dict[str, str]
) -> Response:
    code = found.code
    context = {**marked_context(lang, audience, fields), "already": False}
    response = _pupil_page(request, lang, "education/class_done.html", context)
    lifetime = max(60, int((found.expires_at - datetime.now(UTC)).total_seconds()))
    response.set_cookie(
        DONE_COOKIE,
        code,
        max_age=lifetime,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


@router.get("/kelas", dependencies=[Public])
def code_ms(request: Request) -> Response:
    return switch_language(request, "ms", PUPIL) or _code_form(request, "ms")


@router.get("/class", dependencies=[Public])
def code_en(request: Request) -> Response:
    return switch_language(request, "en", PUPIL) or _code_form(request, "en")


@router.post("/kelas", dependencies=[Public])
async def enter_ms(request: Request, db: DbDep) -> Response:
    return await _enter_code(request, db, "ms")


@router.post("/class", dependencies=[Public])
async def enter_en(request: Request, db: DbDep) -> Response:
    return await _enter_code(request, db, "en")


@router.post("/kelas/jawab", dependencies=[Public])
async def answer_ms(request: Request, db: DbDep) -> Response:
    return await _answer(request, db, "ms")


@router.post("/class/answer", dependencies=[Public])
async def answer_en(request: Request, db: DbDep) -> Response:
    return await _answer(request, db, "en")

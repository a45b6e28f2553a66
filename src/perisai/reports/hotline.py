"""The public hotline: `/lapor` (Malay) and `/report` (English), anonymous by default.

Reports go through the same intake service as the platform API (reporter kind `hotline`). The
form carries a one-time submission id used as the idempotency key, so a double click or a
re-sent form stores one report. The reporter gets a receipt code to check the status later; only
its SHA-256 is kept. Rate limiting keys on an HMAC of the client address under a salt that
changes every day, so no raw address is kept, not even in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from perisai.audit.service import PUBLIC
from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, Public, RuntimeDep
from perisai.reports import service
from perisai.reports.hotline_chat import ChatNotReadable, conversation_from_chat
from perisai.reports.hotline_text import MESSAGES
from perisai.reports.identifiers import FieldError
from perisai.reports.models import ReporterKind
from perisai.reports.schemas import ReportIn
from perisai.web.i18n import register, translate
from perisai.web.templating import make_templates

register(MESSAGES)
router = APIRouter(include_in_schema=False, dependencies=[Public])
_templates: Jinja2Templates = make_templates([Path(__file__).parent / "templates"])

PATHS = {"ms": "/lapor", "en": "/report"}
CSRF_COOKIE = "hotline_csrf"
HOTLINE_CLIENT = "hotline"
KINDS = {
    "material": "child_pornography",
    "enticement": "online_enticement",
    "obscene": "unsolicited_obscene_material_to_child",
}
MAX_URLS = 20
MAX_DESCRIPTION = 5000
REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 600.0
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class HotlineGuard:
    """Per-application rate limiter keyed by HMAC(daily salt, client address)."""

    def __init__(self) -> None:
        self.limiter = RateLimiter(
            rate_per_second=REPORTS_PER_WINDOW / WINDOW_SECONDS, burst=REPORTS_PER_WINDOW
        )
        self._day = ""
        self._salt = b""

    def client_key(self, address: str) -> str:
        today = datetime.now(UTC).date().isoformat()
        if today != self._day:
            self._day, self._salt = today, secrets.token_bytes(32)
        return hmac.new(self._salt, address.encode(), hashlib.sha256).hexdigest()

    def allow(self, request: Request) -> bool:
        address = request.client.host if request.client else "unknown"
        allowed, _ = self.limiter.allow(self.client_key(address))
        return allowed


def _guard(request: Request) -> HotlineGuard:
    guard: HotlineGuard | None = getattr(request.app.state, "hotline_guard", None)
    if guard is None:
        guard = request.app.state.hotline_guard = HotlineGuard()
    return guard


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_code_sha256(code: str) -> str:
    """Hash of the code as typed, forgiving case, spaces, dashes and O/I/L look-alikes."""
    cleaned = re.sub(r"[\s-]", "", code.upper()).replace("O", "0").replace("I", "1")
    return hashlib.sha256(cleaned.replace("L", "1").encode()).hexdigest()


def _render(
    request: Request, lang: str, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    page = {
        "lang": lang,
        "t": lambda key, **values: translate(key, lang, **values),
        "demo": request.app.state.runtime.settings.demo,
        "csrf_token": token,
        "action": PATHS[lang],
        "status_url": f"{PATHS[lang]}/status",
        **context,
    }
    response = _templates.TemplateResponse(request, name, page, status_code=status_code)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.runtime.settings.cookie_secure,
    )
    return response


def _form_page(
    request: Request, lang: str, error: str | None = None, status_code: int = 200, **kept: str
) -> Response:
    context = {"error": error, "submission_id": secrets.token_urlsafe(24), **kept}
    return _render(request, lang, "hotline.html", context, status_code)


def _csrf_ok(request: Request, presented: object) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    return (
        bool(expected) and isinstance(presented, str) and hmac.compare_digest(expected, presented)
    )


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _report_body(form: Any) -> tuple[dict[str, Any], str | None]:
    """The report body from the form, or the translation key of what is wrong."""
    urls = [line.strip() for line in _field(form, "urls").splitlines() if line.strip()]
    description = _field(form, "description")
    chat = _field(form, "chat")
    if not urls and not description and not chat:
        return {}, "hotline.need_something"
    if len(urls) > MAX_URLS or any(not re.match(r"^https?://\S+$", url) for url in urls):
        return {}, "hotline.bad_url"
    if len(description) > MAX_DESCRIPTION:
        return {}, "hotline.too_long"
    kind = KINDS.get(_field(form, "kind"), KINDS["material"])
    body: dict[str, Any] = {"incident": {"type": kind}, "urls": urls}
    if description:
        body["additional_info"] = description
    if chat:
        try:
            body["conversations"] = [conversation_from_chat(chat)]
        except ChatNotReadable as exc:
            return {}, str(exc)
    return body, None


def _contact(form: Any) -> dict[str, str]:
    found = {key: _field(form, f"contact_{key}")[:320] for key in ("name", "email", "phone")}
    return {key: value for key, value in found.items() if value}


def _kept(form: Any) -> dict[str, str]:
    return {key: _field(form, key) for key in ("urls", "description", "kind", "chat")}


async def _submit_or_prefill(
    request: Request, runtime: RuntimeDep, db: DbDep, lang: str
) -> Response:
    form = await request.form()
    if _field(form, "prefill") == "1":
        # From "check a chat": the form filled in with the chat, for the person to read, change
        # or empty before sending. Nothing is stored until they send it.
        response = _form_page(request, lang, None, 200, **_kept(form))
        response.headers["Cache-Control"] = "no-store"
        return response
    return await _submit(request, runtime, db, lang)


async def _submit(request: Request, runtime: RuntimeDep, db: DbDep, lang: str) -> Response:
    form = await request.form()
    kept = _kept(form)
    if not _csrf_ok(request, form.get("csrf_token")):
        return _form_page(request, lang, translate("hotline.expired", lang), 403, **kept)
    if not _guard(request).allow(request):
        return _form_page(request, lang, translate("hotline.slow_down", lang), 429, **kept)
    submission_id = _field(form, "submission_id")
    body, problem = _report_body(form)
    if not _SUBMISSION_ID.match(submission_id):
        problem = "hotline.expired"
    if problem is not None:
        return _form_page(request, lang, translate(problem, lang), 422, **kept)
    try:
        data = ReportIn.model_validate(body)
    except ValidationError:
        return _form_page(request, lang, translate("hotline.bad_url", lang), 422, **kept)
    code = new_receipt_code()
    contact = _contact(form)
    try:
        result = await run_in_threadpool(
            service.submit,
            db,
            keyring=runtime.keyring,
            actor=PUBLIC,
            data=data,
            body_sha256=service.canonical_sha256({"report": body, "contact": contact}),
            client_id=HOTLINE_CLIENT,
            idempotency_key=submission_id,
            reporter_kind=ReporterKind.HOTLINE,
            hotline=service.HotlineExtras(receipt_code_sha256(code), contact),
        )
    except (service.IdempotencyConflict, FieldError):
        return _form_page(request, lang, translate("hotline.expired", lang), 409, **kept)
    shown = code if result.created else None
    return _render(request, lang, "hotline_receipt.html", {"code": shown}, 201)


async def _check_status(request: Request, db: DbDep, lang: str) -> Response:
    form = await request.form()
    if not _csrf_ok(request, form.get("csrf_token")):
        context = {"error": translate("hotline.expired", lang)}
        return _render(request, lang, "hotline_status.html", context, 403)
    if not _guard(request).allow(request):
        context = {"error": translate("hotline.slow_down", lang)}
        return _render(request, lang, "hotline_status.html", context, 429)
    digest = receipt_code_sha256(_field(form, "code")[:32])
    found = await run_in_threadpool(service.find_by_receipt_code, db, code_sha256=digest)
    if found is None:
        context = {"error": translate("hotline.status.unknown", lang)}
        return _render(request, lang, "hotline_status.html", context, 404)
    return _render(request, lang, "hotline_status.html", {"status": found.status})


@router.get("/lapor")
def hotline_ms(request: Request) -> Response:
    return _form_page(request, "ms")


@router.get("/report")
def hotline_en(request: Request) -> Response:
    return _form_page(request, "en")


@router.post("/lapor")
async def submit_ms(request: Request, runtime: RuntimeDep, db: DbDep) -> Response:
    return await _submit_or_prefill(request, runtime, db, "ms")


@router.post("/report")
async def submit_en(request: Request, runtime: RuntimeDep, db: DbDep) -> Response:
    return await _submit_or_prefill(request, runtime, db, "en")


@router.get("/lapor/status")
def status_ms(request: Request) -> Response:
    return _render(request, "ms", "hotline_status.html", {})


@router.get("/report/status")
def status_en(request: Request) -> Response:
    return _render(request, "en", "hotline_status.html", {})


@router.post("/lapor/status")
async def check_ms(request: Request, db: DbDep) -> Response:
    return await _check_status(request, db, "ms")


@router.post("/report/status")
async def check_en(request: Request, db: DbDep) -> Response:
    return await _check_status(request, db, "en")

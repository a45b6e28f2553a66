"""`/hentikan-sebaran` (Malay) and `/stop-the-spread` (English): fingerprint a picture on the
device, send only the hashes, check the status or withdraw with a case code and a secret.

The language is the path's. The page's script (`/static/spread/`) hashes the chosen files in a
Web Worker and fills a hidden field with the hashes; the file input has no name and sits outside
the form, so a browser never sends the file. Every answer is `Cache-Control: no-store`; errors
are pages in the person's language with the field named.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from perisai.banks.media_api import bank_indexes
from perisai.http.middleware import CSP
from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, Public, RuntimeDep
from perisai.spread import service
from perisai.spread import text as _text  # noqa: F401 - registers the strings
from perisai.spread.schemas import MAX_CONTACT, MAX_FILES, FileHashesIn
from perisai.web.i18n import LANGUAGES, translate

router = APIRouter(include_in_schema=False, dependencies=[Public])

PATHS: Final = {"ms": "/hentikan-sebaran", "en": "/stop-the-spread"}
HOTLINE: Final = {"ms": "/lapor", "en": "/report"}
NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
#: The tool page may play the chosen video from a blob: URL (to draw its frames); nothing else
#: is loosened, connect-src stays 'self'.
TOOL_CSP: Final = CSP + "; media-src 'self' blob:"
MAX_FORM_BYTES: Final = 2 * 1024 * 1024
SUBMISSIONS_PER_WINDOW: Final = 5
CHECKS_PER_WINDOW: Final = 30
WINDOW_SECONDS: Final = 600.0
MALAYSIA: Final = timezone(timedelta(hours=8), "MYT")
MONTHS: Final = {
    "ms": (
        "Januari",
        "Februari",
        "Mac",
        "April",
        "Mei",
        "Jun",
        "Julai",
        "Ogos",
        "September",
        "Oktober",
        "November",
        "Disember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


class FormProblem(Exception):
    def __init__(self, field: str, key: str, status: int) -> None:
        super().__init__(key)
        self.field, self.key, self.status = field, key, status


def malaysia_time(when: datetime, lang: str) -> str:
    local = when.astimezone(MALAYSIA)
    return f"{local.day} {MONTHS[lang][local.month - 1]} {local.year}, {local:%H:%M} MYT"


def _limiter(request: Request, name: str, per_window: int) -> RateLimiter:
    limiters: dict[str, RateLimiter] | None = getattr(request.app.state, "spread_limiters", None)
    if limiters is None:
        limiters = request.app.state.spread_limiters = {}
    if name not in limiters:
        limiters[name] = RateLimiter(rate_per_second=per_window / WINDOW_SECONDS, burst=per_window)
    return limiters[name]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _page(
    request: Request,
    lang: str,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    csp: str | None = None,
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    other = "en" if lang == "ms" else "ms"
    values = {
        "lang": lang,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "demo": request.app.state.settings.demo,
        "paths": PATHS,
        "home": PATHS[lang],
        "alternate": PATHS[other] + request.url.path.removeprefix(PATHS[lang]),
        "hotline_url": HOTLINE[lang],
        **context,
    }
    headers = dict(NO_STORE)
    if csp:
        headers["Content-Security-Policy"] = csp
    return templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=headers
    )


def _switch(request: Request, lang: str, suffix: str = "") -> Response | None:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and asked != lang:
        return RedirectResponse(PATHS[asked] + suffix, status_code=303, headers=NO_STORE)
    return None


async def _form(request: Request) -> dict[str, str]:
    """The URL-encoded form, read in memory with a cap; the first of a repeated name wins."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != (
        "application/x-www-form-urlencoded"
    ):
        raise FormProblem("hashes", "spread.err.bad_hashes", 415)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise FormProblem("hashes", "spread.err.too_large", 413)
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise FormProblem("hashes", "spread.err.too_large", 413)
        chunks.append(chunk)
    try:
        pairs = parse_qsl(
            b"".join(chunks).decode("utf-8"), keep_blank_values=True, max_num_fields=10
        )
    except (UnicodeDecodeError, ValueError):
        raise FormProblem("hashes", "spread.err.bad_hashes", 400) from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


# --- the tool and the submission ----------------------------------------------------------------


def _tool_page(
    request: Request, lang: str, *, error: FormProblem | None = None, contact: str = ""
) -> Response:
    context = {
        "max_files": MAX_FILES,
        "max_contact": MAX_CONTACT,
        "error": translate(error.key, lang) if error else None,
        "error_field": error.field if error else None,
        "contact": contact,
    }
    return _page(
        request,
        lang,
        "spread/index.html",
        context,
        status_code=error.status if error else 200,
        csp=TOOL_CSP,
    )


def _files(raw: str) -> list[FileHashesIn]:
    if not raw.strip():
        raise FormProblem("hashes", "spread.form.need_hashes", 422)
    try:
        items = json.loads(raw)
    except ValueError:
        raise FormProblem("hashes", "spread.err.bad_hashes", 422) from None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_FILES:
        raise FormProblem("hashes", "spread.err.bad_hashes", 422)
    try:
        return [FileHashesIn.model_validate(item) for item in items]
    except ValidationError:
        raise FormProblem("hashes", "spread.err.bad_hashes", 422) from None


async def _submit(request: Request, lang: str, db: Any, runtime: Any) -> Response:
    contact = ""
    try:
        fields = await _form(request)
        contact = fields.get("contact", "").strip()
        files = _files(fields.get("hashes", ""))
        if fields.get("under_18") != "yes":
            raise FormProblem("under_18", "spread.err.under18", 422)
        if len(contact) > MAX_CONTACT:
            raise FormProblem("contact", "spread.err.contact", 422)
        source = service.source_key(db, _address(request))
        if not _limiter(request, "submit", SUBMISSIONS_PER_WINDOW).allow(source)[0]:
            raise FormProblem("hashes", "spread.err.slow_down", 429)
        done = service.submit(
            db,
            keyring=runtime.keyring,
            indexes=bank_indexes(request),
            files=files,
            contact=contact,
            lang=lang,
            source=source,
        )
    except FormProblem as problem:
        return _tool_page(request, lang, error=problem, contact=contact[:MAX_CONTACT])
    except service.SpreadProblem as problem:
        return _tool_page(request, lang, error=FormProblem("hashes", problem.key, problem.status))
    context = {"code": done.report.code, "secret": done.secret, "state": done.report.state}
    return _page(request, lang, "spread/submitted.html", context, status_code=201)


@router.get("/hentikan-sebaran")
def tool_ms(request: Request) -> Response:
    return _switch(request, "ms") or _tool_page(request, "ms")


@router.get("/stop-the-spread")
def tool_en(request: Request) -> Response:
    return _switch(request, "en") or _tool_page(request, "en")


@router.post("/hentikan-sebaran")
async def submit_ms(request: Request, db: DbDep, runtime: RuntimeDep) -> Response:
    return await _submit(request, "ms", db, runtime)


@router.post("/stop-the-spread")
async def submit_en(request: Request, db: DbDep, runtime: RuntimeDep) -> Response:
    return await _submit(request, "en", db, runtime)


# --- status and withdrawal ----------------------------------------------------------------------


def _status_form(
    request: Request, lang: str, *, error: FormProblem | None = None, code: str = ""
) -> Response:
    context = {
        "error": translate(error.key, lang) if error else None,
        "error_field": error.field if error else None,
        "code": code,
    }
    return _page(
        request,
        lang,
        "spread/status_form.html",
        context,
        status_code=error.status if error else 200,
    )


async def _status(request: Request, lang: str, db: Any, *, withdraw: bool) -> Response:
    code = secret = ""
    try:
        fields = await _form(request)
        code, secret = fields.get("code", "")[:32], fields.get("secret", "")[:64]
        key = service.source_key(db, _address(request))
        if not _limiter(request, "status", CHECKS_PER_WINDOW).allow(key)[0]:
            raise FormProblem("code", "spread.err.slow_down", 429)
        if not code.strip() or not secret.strip():
            raise FormProblem("code", "spread.err.not_found", 422)
        try:
            report = service.find(db, code=code, secret=secret)
        except service.SpreadProblem as missing:
            raise FormProblem("code", missing.key, missing.status) from None
        if withdraw and fields.get("confirm") != "yes":
            unconfirmed = FormProblem("confirm", "spread.err.confirm", 422)
            found = service.status(db, report=report)
            return _result_page(request, lang, found, secret=secret, error=unconfirmed)
        if withdraw:
            service.withdraw(db, report=report)
        found = service.status(db, report=report)
    except FormProblem as problem:
        return _status_form(request, lang, error=problem, code=code.strip()[:32])
    return _result_page(request, lang, found, secret=secret, withdrawn_now=withdraw)


def _result_page(
    request: Request,
    lang: str,
    found: service.Status,
    *,
    secret: str,
    withdrawn_now: bool = False,
    error: FormProblem | None = None,
) -> Response:
    context = {
        "report": found.report,
        "secret": secret,
        "files": found.files,
        "seen": found.seen_and_blocked,
        "submitted_at": malaysia_time(found.report.created_at, lang),
        "withdrawn_now": withdrawn_now,
        "error": translate(error.key, lang) if error else None,
        "error_field": error.field if error else None,
    }
    return _page(
        request, lang, "spread/status.html", context, status_code=error.status if error else 200
    )


@router.get("/hentikan-sebaran/status")
def status_form_ms(request: Request) -> Response:
    return _switch(request, "ms", "/status") or _status_form(request, "ms")


@router.get("/stop-the-spread/status")
def status_form_en(request: Request) -> Response:
    return _switch(request, "en", "/status") or _status_form(request, "en")


@router.post("/hentikan-sebaran/status")
async def status_ms(request: Request, db: DbDep) -> Response:
    return await _status(request, "ms", db, withdraw=False)


@router.post("/stop-the-spread/status")
async def status_en(request: Request, db: DbDep) -> Response:
    return await _status(request, "en", db, withdraw=False)


@router.post("/hentikan-sebaran/withdraw")
async def withdraw_ms(request: Request, db: DbDep) -> Response:
    return await _status(request, "ms", db, withdraw=True)


@router.post("/stop-the-spread/withdraw")
async def withdraw_en(request: Request, db: DbDep) -> Response:
    return await _status(request, "en", db, withdraw=True)

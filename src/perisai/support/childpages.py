"""`/sokongan` (Malay) and `/support` (English): the child's own view of their support.

A plain form (code and secret) and a plain page: who is helping, the next appointment, how to
reach the caseworker — each only if the child agreed — and help now (999, Talian Kasih 15999).
The page names no one, shows no report or offender, and looks like an ordinary help page
(title "My support"), so that it does not hurt if someone else picks up the phone. Every answer
is `Cache-Control: no-store` with no referrer; tries are limited per source like the hotline's
status page (a key of the address under a per-process random salt, never stored).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, Public
from perisai.support import childview
from perisai.support import text as _text  # noqa: F401 - registers the strings
from perisai.support.service import SupportProblem
from perisai.web.i18n import LANGUAGES, translate
from perisai.web.timefmt import local_time

router = APIRouter(include_in_schema=False, dependencies=[Public])

PATHS: Final = {"ms": "/sokongan", "en": "/support"}
HEADERS: Final = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
MAX_FORM_BYTES: Final = 4096
#: Tries per source: a child who mistypes a few times is never stopped; guessing is.
TRIES_PER_WINDOW: Final = 10
WINDOW_SECONDS: Final = 600.0
_SALT: Final = secrets.token_bytes(32)


class FormProblem(Exception):
    def __init__(self, key: str, status: int) -> None:
        super().__init__(key)
        self.key, self.status = key, status


def _limiter(request: Request) -> RateLimiter:
    found: RateLimiter | None = getattr(request.app.state, "support_child_limiter", None)
    if found is None:
        found = request.app.state.support_child_limiter = RateLimiter(
            rate_per_second=TRIES_PER_WINDOW / WINDOW_SECONDS, burst=TRIES_PER_WINDOW
        )
    return found


def _source(request: Request) -> str:
    address = request.client.host if request.client else "unknown"
    return hmac.new(_SALT, address.encode(), hashlib.sha256).hexdigest()


def _page(
    request: Request, lang: str, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    other = "en" if lang == "ms" else "ms"
    values = {
        "lang": lang,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "demo": request.app.state.settings.demo,
        "home": PATHS[lang],
        "alternate": PATHS[other],
        **context,
    }
    return templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=dict(HEADERS)
    )


def _form_page(
    request: Request, lang: str, *, error: FormProblem | None = None, code: str = ""
) -> Response:
    context = {"error": translate(error.key, lang) if error else None, "code": code}
    return _page(request, lang, "support/child_form.html", context, error.status if error else 200)


async def _fields(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != (
        "application/x-www-form-urlencoded"
    ):
        raise FormProblem("support.child.err.bad_form", 415)
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise FormProblem("support.child.err.bad_form", 413)
        chunks.append(chunk)
    try:
        pairs = parse_qsl(
            b"".join(chunks).decode("utf-8"), keep_blank_values=True, max_num_fields=5
        )
    except (UnicodeDecodeError, ValueError):
        raise FormProblem("support.child.err.bad_form", 400) from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


async def _open(request: Request, lang: str, db: Any) -> Response:
    code = ""
    try:
        if not _limiter(request).allow(_source(request))[0]:
            raise FormProblem("support.child.err.slow_down", 429)
        fields = await _fields(request)
        code, secret = fields.get("code", "")[:32].strip(), fields.get("secret", "")[:64]
        if not code or not secret.strip():
            raise FormProblem("support.child.err.empty", 422)
        try:
            view = childview.open_view(db, code=code, secret=secret)
        except SupportProblem as missing:
            raise FormProblem(missing.key, missing.status) from None
    except FormProblem as problem:
        return _form_page(request, lang, error=problem, code=code)
    context = {
        "view": view,
        "helpers": sorted({h.kind for h in view.helpers}) if view.helpers is not None else None,
        "next_at": local_time(view.next_appointment) if view.next_appointment else None,
    }
    return _page(request, lang, "support/child_view.html", context)


def _switch(request: Request, lang: str) -> Response | None:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and asked != lang:
        return RedirectResponse(PATHS[asked], status_code=303, headers=dict(HEADERS))
    return None


@router.get("/sokongan")
def form_ms(request: Request) -> Response:
    return _switch(request, "ms") or _form_page(request, "ms")


@router.get("/support")
def form_en(request: Request) -> Response:
    return _switch(request, "en") or _form_page(request, "en")


@router.post("/sokongan")
async def open_ms(request: Request, db: DbDep) -> Response:
    return await _open(request, "ms", db)


@router.post("/support")
async def open_en(request: Request, db: DbDep) -> Response:
    return await _open(request, "en", db)

"""The public hotline: `/lapor` (Malay) and `/report` (English), anonymous by default.

Reports go through the same intake service as the platform API (reporter kind `hotline`). The
form carries a one-time submission id used as the idempotency key, so a double click or a
re-sent form stores one report. The reporter gets a receipt code to check the status later; only
its SHA-256 is kept; the status page shows the public stage (`perisai.reports.public_status`).

Rate limiting keys on an HMAC of the client address under a salt that changes every day, so no
raw address is kept, not even in memory. Only stored reports use up the reporter's allowance
(five per ten minutes): a form with a mistake, an expired form and a status check do not, so a
shared mobile or school connection is not locked out by someone's typing. Those attempts have a
separate, far larger allowance that only stops a flood.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from perisai.audit.service import PUBLIC
from perisai.http.ratelimit import RateLimiter
from perisai.identity.deps import DbDep, LaneDbDep, Public, RuntimeDep
from perisai.reports import service
from perisai.reports.hooks import STAGES, public_stage
from perisai.reports.hotline_chat import ChatNotReadable, conversation_from_chat
from perisai.reports.hotline_text import MESSAGES
from perisai.reports.identifiers import FieldError
from perisai.reports.models import ReporterKind
from perisai.reports.schemas import ReportIn
from perisai.reports.states import STATES
from perisai.web.cookies import secure_cookie_dropped
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
MAX_URL_CHARS = 2048
MAX_DESCRIPTION = 5000
REPORTS_PER_WINDOW = 5
ATTEMPTS_PER_WINDOW = 60  # status checks and refused forms: only a flood is stopped
WINDOW_SECONDS = 600.0
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = r"(?!-)[A-Za-z0-9\u00a1-\uffff-]{1,63}(?<!-)"
_HOSTNAME = re.compile(
    rf"^(?:{_LABEL}\.)+(?:[A-Za-z\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff-]{{1,62}})\.?$"
)


def _with_scheme(text: str) -> str | None:
    if text.lower().startswith(("http://", "https://")):
        return text
    if "://" in text:
        return None  # ftp://, file:// …
    if text.startswith("//"):
        return f"https:{text}"
    scheme = _SCHEME.match(text)
    if scheme is not None and "." not in scheme.group(1):
        return None  # javascript:, mailto:, data: … (a host name before a port has a dot)
    return f"https://{text}"


def _host_ok(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _HOSTNAME.match(host) is not None
    return True


def normalise_url(text: str) -> str | None:
    """A web address as people type it (`example.com/page`, `www.x.my`) → an http(s) URL.

    Addresses without a scheme get `https://`; other schemes (`javascript:`, `ftp://`) and
    anything without a real host name or IP address are refused (None).
    """
    if not text or len(text) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    url = _with_scheme(text)
    if url is None or len(url) > MAX_URL_CHARS or not _host_ok(url):
        return None
    return url


class HotlineGuard:
    """Per-application rate limiters keyed by HMAC(daily salt, client address).

    `reports` counts stored reports only (checked before, taken after storing); `attempts`
    counts every other post (status checks, refused forms) with a much larger allowance.
    """

    def __init__(self) -> None:
        self.limiter = RateLimiter(
            rate_per_second=REPORTS_PER_WINDOW / WINDOW_SECONDS, burst=REPORTS_PER_WINDOW
        )
        self.attempts = RateLimiter(
            rate_per_second=ATTEMPTS_PER_WINDOW / WINDOW_SECONDS, burst=ATTEMPTS_PER_WINDOW
        )
        self._day = ""
        self._salt = b""

    def client_key(self, address: str) -> str:
        today = datetime.now(UTC).date().isoformat()
        if today != self._day:
            self._day, self._salt = today, secrets.token_bytes(32)
        return hmac.new(self._salt, address.encode(), hashlib.sha256).hexdigest()

    def _key(self, request: Request) -> str:
        return self.client_key(request.client.host if request.client else "unknown")

    def may_report(self, request: Request) -> bool:
        """Whether a report from this connection would be accepted now (takes nothing)."""
        return self.limiter.available(self._key(request))

    def reported(self, request: Request) -> None:
        """A report was stored: it uses up one of the connection's reports."""
        self.limiter.allow(self._key(request))

    def attempt(self, request: Request) -> bool:
        """Any other post (a status check, a refused form): False only in a flood."""
        allowed, _ = self.attempts.allow(self._key(request))
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
    request: Request,
    lang: str,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    page_path: str = "",
) -> Response:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    other = "en" if lang == "ms" else "ms"
    page = {
        "lang": lang,
        "states": [
            (code, names[0] if lang == "ms" else names[1]) for code, names in STATES.items()
        ],
        "t": lambda key, **values: translate(key, lang, **values),
        "demo": request.app.state.runtime.settings.demo,
        "csrf_token": token,
        "action": PATHS[lang],
        "status_url": f"{PATHS[lang]}/status",
        "other_language_url": f"{PATHS[other]}{page_path}",
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
    if request.method == "POST":
        # What the person typed (contact details, a receipt code) is not kept by any cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _form_page(
    request: Request, lang: str, error: str | None = None, status_code: int = 200, **kept: str
) -> Response:
    context = {"error": error, "submission_id": secrets.token_urlsafe(24), **kept}
    return _render(request, lang, "hotline.html", context, status_code)


def _status_page(
    request: Request, lang: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    return _render(request, lang, "hotline_status.html", context, status_code, page_path="/status")


def _expired(request: Request, lang: str) -> str:
    """Why the form's cookie did not come back: over plain HTTP to a lab name it never will."""
    runtime = request.app.state.runtime
    if not request.cookies.get(CSRF_COOKIE) and secure_cookie_dropped(
        request, runtime.settings.cookie_secure
    ):
        return translate("hotline.needs_https", lang, host=request.url.hostname or "")
    return translate("hotline.expired", lang)


def _csrf_ok(request: Request, presented: object) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    return (
        bool(expected) and isinstance(presented, str) and hmac.compare_digest(expected, presented)
    )


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


class FormProblem(ValueError):
    """What is wrong with the form: a translation key and its values."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return translate(self.key, lang, **self.values)


def _urls(form: Any) -> list[str]:
    """The links, one per line or separated by spaces, each normalised (see `normalise_url`)."""
    typed = _field(form, "urls").split()
    if len(typed) > MAX_URLS:
        raise FormProblem("hotline.too_many_urls", limit=str(MAX_URLS))
    urls = []
    for text in typed:
        url = normalise_url(text)
        if url is None:
            shown = text if len(text) <= 80 else f"{text[:77]}..."
            raise FormProblem("hotline.bad_url", url=shown)
        urls.append(url)
    return urls


def _report_body(form: Any) -> dict[str, Any]:
    """The report body from the form; raises FormProblem naming what is wrong."""
    urls = _urls(form)
    description = _field(form, "description")
    chat = _field(form, "chat")
    if not urls and not description and not chat:
        raise FormProblem("hotline.need_something")
    if len(description) > MAX_DESCRIPTION:
        raise FormProblem("hotline.too_long")
    kind = KINDS.get(_field(form, "kind"))
    if kind is None:
        raise FormProblem("hotline.need_kind")
    body: dict[str, Any] = {"incident": {"type": kind}, "urls": urls}
    state = _field(form, "state")
    if state:
        # Optional; the report's jurisdiction (ISO 3166-2:MY), which monitoring counts by.
        if state not in STATES:
            raise FormProblem("hotline.bad_state")
        body["jurisdiction"] = state
    if description:
        body["additional_info"] = description
    if chat:
        try:
            body["conversations"] = [conversation_from_chat(chat)]
        except ChatNotReadable as exc:
            raise FormProblem(str(exc)) from None
    return body


CONTACT_LIMITS = {"name": 200, "email": 320, "phone": 64}


def _contact(form: Any) -> dict[str, str]:
    found = {key: _field(form, f"contact_{key}")[:limit] for key, limit in CONTACT_LIMITS.items()}
    return {key: value for key, value in found.items() if value}


def _kept(form: Any) -> dict[str, str]:
    """Everything typed, for the form shown again after a problem (nothing is lost)."""
    kept = {key: _field(form, key) for key in ("urls", "description", "kind", "chat", "state")}
    kept.update({f"contact_{k}": v for k, v in _contact(form).items()})
    return kept


async def _submit_or_prefill(
    request: Request, runtime: RuntimeDep, db: DbDep, lang: str
) -> Response:
    form = await request.form()
    if _field(form, "prefill") == "1":
        # From "check a chat": the form filled in with the chat, for the person to read, change
        # or empty before sending. Nothing is stored until they send it.
        return _form_page(request, lang, None, 200, **_kept(form))
    return await _submit(request, runtime, db, lang)


def _refused(request: Request, lang: str, problem: str, status_code: int, kept: Any) -> Response:
    """A refused form: shown again with everything typed; counts only as an attempt."""
    guard = _guard(request)
    if not guard.attempt(request):
        problem, status_code = translate("hotline.slow_down", lang), 429
    return _form_page(request, lang, problem, status_code, **kept)


async def _submit(request: Request, runtime: RuntimeDep, db: DbDep, lang: str) -> Response:
    form = await request.form()
    kept = _kept(form)
    submission_id = _field(form, "submission_id")
    if not _csrf_ok(request, form.get("csrf_token")) or not _SUBMISSION_ID.match(submission_id):
        return _refused(request, lang, _expired(request, lang), 403, kept)
    try:
        body = _report_body(form)
        data = ReportIn.model_validate(body)
    except FormProblem as problem:
        return _refused(request, lang, problem.text(lang), 422, kept)
    except ValidationError:
        return _refused(request, lang, translate("hotline.invalid", lang), 422, kept)
    guard = _guard(request)
    if not guard.may_report(request):
        return _form_page(request, lang, translate("hotline.slow_down", lang), 429, **kept)
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
        return _refused(request, lang, translate("hotline.expired", lang), 409, kept)
    if result.created:
        guard.reported(request)
    shown = code if result.created else None
    return _render(request, lang, "hotline_receipt.html", {"code": shown}, 201)


async def _check_status(request: Request, db: DbDep, lang: str) -> Response:
    form = await request.form()
    typed = _field(form, "code")[:32]
    kept = {"code": typed}
    if not _guard(request).attempt(request):
        return _status_page(
            request, lang, {"error": translate("hotline.slow_down", lang), **kept}, 429
        )
    if not _csrf_ok(request, form.get("csrf_token")):
        return _status_page(request, lang, {"error": _expired(request, lang), **kept}, 403)
    if not typed:
        return _status_page(request, lang, {"error": translate("hotline.status.empty", lang)}, 422)
    digest = receipt_code_sha256(typed)
    found = await run_in_threadpool(service.find_by_receipt_code, db, code_sha256=digest)
    if found is None:
        context = {"error": translate("hotline.status.unknown", lang), **kept}
        return _status_page(request, lang, context, 404)
    stage = await run_in_threadpool(public_stage, db, found)
    return _status_page(request, lang, {"stage": stage, "stages": STAGES})


@router.get("/lapor")
def hotline_ms(request: Request) -> Response:
    return _form_page(request, "ms")


@router.get("/report")
def hotline_en(request: Request) -> Response:
    return _form_page(request, "en")


# Public intake takes the priority lane's pool (as staff login and platform intake do).
@router.post("/lapor")
async def submit_ms(request: Request, runtime: RuntimeDep, db: LaneDbDep) -> Response:
    return await _submit_or_prefill(request, runtime, db, "ms")


@router.post("/report")
async def submit_en(request: Request, runtime: RuntimeDep, db: LaneDbDep) -> Response:
    return await _submit_or_prefill(request, runtime, db, "en")


@router.get("/lapor/status")
def status_ms(request: Request) -> Response:
    return _status_page(request, "ms", {})


@router.get("/report/status")
def status_en(request: Request) -> Response:
    return _status_page(request, "en", {})


@router.post("/lapor/status")
async def check_ms(request: Request, db: DbDep) -> Response:
    return await _check_status(request, db, "ms")


@router.post("/report/status")
async def check_en(request: Request, db: DbDep) -> Response:
    return await _check_status(request, db, "en")

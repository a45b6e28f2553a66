"""Errors on pages: a page in the person's language that keeps what they typed.

The API answers problem documents (`perisai.http.problems`); everything else a browser opens gets
this page instead of raw JSON: a translated title and explanation, the fields that were wrong,
and, after a form, what the person typed in editable fields with a button to send it again (so
nothing they wrote is lost), plus a link back to the page they came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from perisai.requestctx import current_request_id
from perisai.web.i18n import language_of, register, translate
from perisai.web.templating import render

# Fields never shown back: secrets, and the form's own token (re-sent hidden when still valid).
HIDDEN_FIELDS = frozenset({"csrf_token", "password", "new_password", "code", "totp", "secret"})
MAX_SHOWN_FIELDS = 20
MAX_SHOWN_CHARS = 8000
_TITLES = {400, 403, 404, 405, 409, 413, 422, 429, 500}


@dataclass(frozen=True)
class TypedField:
    name: str
    label: str
    value: str
    multiline: bool


def _title_key(status: int, kind: str | None) -> str:
    if kind in ("csrf", "validation"):
        return f"error.{kind}"
    return f"error.{status if status in _TITLES else 500 if status >= 500 else 400}"


def back_path(request: Request) -> str:
    """The page the person came from (same site only, path and query), else their home."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return "/app"
    path = parts.path or ""
    if not path.startswith("/") or path.startswith("//") or path == request.url.path:
        return "/app" if path == "" or path.startswith("//") else path
    return path + (f"?{parts.query}" if parts.query else "")


def typed_fields(form: Iterable[tuple[str, Any]] | None, lang: str) -> list[TypedField]:
    if form is None:
        return []
    shown: list[TypedField] = []
    for name, value in form:
        if not isinstance(value, str) or name in HIDDEN_FIELDS or name.startswith("_"):
            continue
        label = translate(f"field.{name}", lang)
        shown.append(
            TypedField(
                name=name[:64],
                label=label if label != f"field.{name}" else name[:64],
                value=value[:MAX_SHOWN_CHARS],
                multiline=len(value) > 60 or "\n" in value,
            )
        )
        if len(shown) >= MAX_SHOWN_FIELDS:
            break
    return shown


def field_problem(error: Mapping[str, Any], lang: str) -> str:
    """One pydantic/FastAPI validation error in words (`string_too_long` → too long, …)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]
    name = loc[-1] if loc else ""
    label = translate(f"field.{name}", lang)
    label = name if label == f"field.{name}" else label
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        problem = translate("error.field.missing", lang)
    elif kind == "string_too_long":
        problem = translate("error.field.too_long", lang, n=ctx.get("max_length", "?"))
    elif kind == "string_too_short":
        problem = translate("error.field.too_short", lang, n=ctx.get("min_length", "?"))
    else:
        problem = translate("error.field.invalid", lang)
    return f"{label}: {problem}" if label else problem


def error_page(
    request: Request,
    status: int,
    *,
    kind: str | None = None,
    detail_key: str | None = None,
    problems: list[str] | None = None,
    form: Iterable[tuple[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    lang = language_of(request)
    key = _title_key(status, kind)
    csrf = ""
    if form is not None and kind != "csrf":
        form = list(form)
        csrf = next((str(v) for n, v in form if n == "csrf_token" and isinstance(v, str)), "")
    fields = typed_fields(form, lang)
    response = render(
        request,
        "error.html",
        {
            "status": status,
            "title_key": key,
            "detail_key": detail_key or f"{key}.detail",
            "problems": problems or [],
            "fields": fields,
            "resend_to": request.url.path if fields and csrf else None,
            "resend_csrf": csrf,
            "back": back_path(request),
            "request_id": current_request_id(),
        },
        status_code=status,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


register(
    {
        "error.back": {"ms": "Kembali ke halaman sebelumnya", "en": "Back to the previous page"},
        "error.home": {"ms": "Ke halaman utama", "en": "To the home page"},
        "error.request_id": {
            "ms": "Nombor rujukan permintaan (sebut jika melaporkan masalah): {id}",
            "en": "Request reference (quote it when reporting a problem): {id}",
        },
        "error.typed": {"ms": "Apa yang anda taip", "en": "What you typed"},
        "error.typed.help": {
            "ms": "Tiada yang hilang: betulkan di sini dan hantar semula, atau salin sebelum "
            "kembali.",
            "en": "Nothing is lost: correct it here and send it again, or copy it before going "
            "back.",
        },
        "error.resend": {"ms": "Hantar semula", "en": "Send again"},
        "error.400": {"ms": "Permintaan tidak sah", "en": "Bad request"},
        "error.400.detail": {
            "ms": "Halaman tidak dapat memahami permintaan ini.",
            "en": "The page could not understand this request.",
        },
        "error.403": {"ms": "Tidak dibenarkan", "en": "Not allowed"},
        "error.403.detail": {
            "ms": "Peranan anda tidak membenarkan halaman atau tindakan ini.",
            "en": "Your role does not allow this page or action.",
        },
        "error.404": {"ms": "Tidak dijumpai", "en": "Not found"},
        "error.404.detail": {
            "ms": "Halaman ini tiada, atau anda tidak dibenarkan melihatnya.",
            "en": "This page does not exist, or you may not see it.",
        },
        "error.405": {"ms": "Tindakan tidak disokong", "en": "Action not supported"},
        "error.405.detail": {
            "ms": "Alamat ini tidak menerima permintaan jenis ini.",
            "en": "This address does not take this kind of request.",
        },
        "error.409": {"ms": "Tidak dapat dilakukan sekarang", "en": "Cannot be done now"},
        "error.409.detail": {
            "ms": "Keadaan semasa tidak membenarkan tindakan ini (mungkin sudah dilakukan).",
            "en": "The current state does not allow this action (it may already be done).",
        },
        "error.413": {"ms": "Terlalu besar", "en": "Too large"},
        "error.413.detail": {
            "ms": "Apa yang dihantar melebihi had saiz.",
            "en": "What was sent is over the size limit.",
        },
        "error.422": {"ms": "Maklumat tidak sah", "en": "Information not valid"},
        "error.422.detail": {
            "ms": "Sebahagian maklumat yang dimasukkan tidak sah.",
            "en": "Some of the information entered is not valid.",
        },
        "error.validation": {"ms": "Maklumat tidak sah", "en": "Information not valid"},
        "error.validation.detail": {
            "ms": "Sila betulkan medan berikut:",
            "en": "Please correct these fields:",
        },
        "error.429": {"ms": "Terlalu banyak permintaan", "en": "Too many requests"},
        "error.429.detail": {
            "ms": "Sila tunggu sebentar dan cuba lagi.",
            "en": "Please wait a moment and try again.",
        },
        "error.500": {"ms": "Ralat dalaman", "en": "Internal error"},
        "error.500.detail": {
            "ms": "Permintaan gagal. Tiada perubahan disimpan; cuba lagi.",
            "en": "The request failed. Nothing was saved; please try again.",
        },
        "error.csrf": {"ms": "Borang tamat tempoh", "en": "The form expired"},
        "error.csrf.detail": {
            "ms": "Muat semula halaman dan hantar borang sekali lagi.",
            "en": "Reload the page and submit the form again.",
        },
        "error.field.missing": {"ms": "wajib diisi", "en": "required"},
        "error.field.too_long": {
            "ms": "terlalu panjang (paling banyak {n} aksara)",
            "en": "too long (at most {n} characters)",
        },
        "error.field.too_short": {
            "ms": "terlalu pendek (sekurang-kurangnya {n} aksara)",
            "en": "too short (at least {n} characters)",
        },
        "error.field.invalid": {"ms": "nilai tidak sah", "en": "not a valid value"},
        "error.due": {
            "ms": "Tarikh akhir mesti tarikh sebenar (TTTT-BB-HH).",
            "en": "The due date must be a real date (YYYY-MM-DD).",
        },
        "error.agency": {"ms": "Agensi tidak dikenali.", "en": "Unknown agency."},
        "field.reason": {"ms": "Sebab", "en": "Reason"},
        "field.agency": {"ms": "Agensi", "en": "Agency"},
        "field.body": {"ms": "Catatan", "en": "Note"},
        "field.title": {"ms": "Tajuk", "en": "Title"},
        "field.due": {"ms": "Tarikh akhir", "en": "Due date"},
        "field.url": {"ms": "URL", "en": "URL"},
        "field.platform": {"ms": "Platform", "en": "Platform"},
        "field.priority": {"ms": "Keutamaan", "en": "Priority"},
        "field.choice": {"ms": "Pilihan", "en": "Choice"},
        "field.note": {"ms": "Catatan", "en": "Note"},
        "field.email": {"ms": "E-mel", "en": "Email"},
        "field.outcome": {"ms": "Keputusan", "en": "Outcome"},
        "field.user": {"ms": "Pengguna", "en": "User"},
        "field.role": {"ms": "Peranan", "en": "Role"},
        "field.cursor": {"ms": "Halaman", "en": "Page"},
        "field.q": {"ms": "Carian", "en": "Search"},
    }
)

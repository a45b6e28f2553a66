"""`/semak-chat` (Malay) and `/check-a-chat` (English): check a chat, storing and logging nothing.

The body is read into memory with a cap (never `request.form()`, which spools large uploads to
disk), parsed, scored and explained; the answer carries `Cache-Control: no-store`. There is no
database session on these routes, and the only log line of a failure is the exception's type
(never its message, which could quote the chat). The access log records method, path and status:
the chat travels only in the POST body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from perisai.chats import ChatFormatError, ParsedChat, parse_chat, parse_chat_text
from perisai.education import text as _text  # noqa: F401 - registers the strings
from perisai.education.checking import check_chat
from perisai.education.formread import BadForm, Field, TooLarge, parse_form, read_body
from perisai.education.guard import guard_of
from perisai.education.pages import other, page, switch_language
from perisai.education.signs import Audience
from perisai.identity.deps import Public
from perisai.web.i18n import translate

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False, dependencies=[Public])

PATHS = {"ms": "/semak-chat", "en": "/check-a-chat"}
HOTLINE = {"ms": "/lapor", "en": "/report"}
LEARN = {"ms": "/belajar", "en": "/learn"}
MAX_BODY_BYTES = 6 * 1024 * 1024  # the whole form, a file and its multipart framing
MAX_FILE_BYTES = 5 * 1024 * 1024  # what the page promises
MAX_TEXT_CHARS = 1_000_000
CHECKS_PER_WINDOW = 30
WINDOW_SECONDS = 600.0


class FieldProblem(Exception):
    def __init__(self, field: str, key: str, status: int) -> None:
        super().__init__(key)
        self.field, self.key, self.status = field, key, status


def _form_page(
    request: Request,
    lang: str,
    *,
    error: FieldProblem | None = None,
    text: str = "",
    who: str = "self",
) -> Response:
    message = None
    if error is not None:
        message = translate(error.key, lang, mb=MAX_FILE_BYTES // (1024 * 1024))
    context: dict[str, Any] = {
        "action": PATHS[lang],
        "error": message,
        "error_field": error.field if error else None,
        "text": text,
        "who": who if who in ("self", "parent") else "self",
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "learn_url": LEARN[lang],
        "hotline_url": HOTLINE[lang],
    }
    status = error.status if error else 200
    return page(
        request,
        lang,
        "education/check.html",
        context,
        status_code=status,
        alternate=PATHS[other(lang)],
    )


def _decode_text(field: Field | None) -> str:
    if field is None:
        return ""
    try:
        return field.value.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise FieldProblem("text", "check.err.unreadable", 422) from None


def _chat_from(fields: dict[str, Field]) -> ParsedChat:
    upload = fields.get("chat_file")
    has_file = upload is not None and bool(upload.value)
    pasted = _decode_text(fields.get("text"))
    if has_file and pasted:
        raise FieldProblem("chat_file", "check.err.both", 422)
    if not has_file and not pasted:
        raise FieldProblem("text", "check.err.need_chat", 422)
    where = "chat_file" if has_file else "text"
    try:
        if upload is not None and has_file:
            if len(upload.value) > MAX_FILE_BYTES:
                raise FieldProblem("chat_file", "check.err.too_large", 413)
            chat = parse_chat(upload.value, name=upload.filename, allow_plain=True)
        else:
            if len(pasted) > MAX_TEXT_CHARS:
                raise FieldProblem("text", "check.err.too_large", 413)
            chat = parse_chat_text(pasted, allow_plain=True)
    except ChatFormatError:
        raise FieldProblem(where, "check.err.unreadable", 422) from None
    if not chat.messages:
        raise FieldProblem(where, "check.err.empty", 422)
    return chat


def _result_page(request: Request, lang: str, fields: dict[str, Field]) -> Response:
    who_field = fields.get("who")
    who = who_field.value.decode("utf-8", "replace") if who_field else "self"
    audience: Audience = "parent" if who == "parent" else "self"
    chat = _chat_from(fields)
    result = check_chat(chat, lang=lang, audience=audience)
    context = {
        "result": result,
        "check_url": PATHS[lang],
        "hotline_url": HOTLINE[lang],
        "learn_url": LEARN[lang],
    }
    return page(request, lang, "education/check_result.html", context, alternate=PATHS[other(lang)])


async def _check(request: Request, lang: str) -> Response:
    guard = guard_of(request, "check", per_window=CHECKS_PER_WINDOW, window_seconds=WINDOW_SECONDS)
    if not guard.allow(request):
        return _form_page(request, lang, error=FieldProblem("text", "check.err.slow_down", 429))
    fields: dict[str, Field] = {}
    try:
        body = await read_body(request, MAX_BODY_BYTES)
        fields = parse_form(request.headers.get("content-type", ""), body)
        del body
        return await run_in_threadpool(_result_page, request, lang, fields)
    except TooLarge:
        return _form_page(
            request, lang, error=FieldProblem("chat_file", "check.err.too_large", 413)
        )
    except BadForm:
        return _form_page(request, lang, error=FieldProblem("text", "check.err.bad_form", 400))
    except FieldProblem as problem:
        kept = ""
        if problem.field == "text" and problem.status != 413:
            try:
                kept = _decode_text(fields.get("text"))
            except FieldProblem:
                kept = ""
        return _form_page(request, lang, error=problem, text=kept)
    except Exception as exc:  # never let a handler log the chat: the type only, no message
        log.error("check failed", extra={"fields": {"error": type(exc).__name__}})
        return _form_page(request, lang, error=FieldProblem("text", "check.err.failed", 500))


@router.get("/semak-chat")
def form_ms(request: Request) -> Response:
    return switch_language(request, "ms", PATHS) or _form_page(request, "ms")


@router.get("/check-a-chat")
def form_en(request: Request) -> Response:
    return switch_language(request, "en", PATHS) or _form_page(request, "en")


@router.post("/semak-chat")
async def check_ms(request: Request) -> Response:
    return await _check(request, "ms")


@router.post("/check-a-chat")
async def check_en(request: Request) -> Response:
    return await _check(request, "en")

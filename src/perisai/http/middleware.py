"""ASGI middleware: request id, access log, security headers and the request body limit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from sqlalchemy.exc import DataError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from perisai.http.problems import crash_response, problem_bytes
from perisai.requestctx import request_id_var

log = logging.getLogger("perisai.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
]

# Staff and API answers: `Cache-Control: no-store` on every response, errors and redirects too.
PRIVATE_PATHS = ("/api/", "/login", "/logout", "/app", "/workspace", "/admin")


class RequestContextMiddleware:
    """Assign a request id (or accept a well-formed one), log the request, add headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                if scope["path"].startswith(PRIVATE_PATHS):
                    # Never cached, whatever the handler said (victim identity is on these).
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            if _nul_in_url(scope):
                response = await crash_response(
                    Request(scope),
                    400,
                    "NUL character in the URL",
                    "The path or query holds a NUL character (%00), which no name contains.",
                )
                await response(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # Answered here, inside this middleware, so that the problem document and its
            # headers carry the request id (Starlette's outermost error handler runs after
            # the id is gone).
            if response_started:
                raise
            status_code, title, detail = _classify(exc)
            if status_code >= 500:
                log.exception("unhandled error")
            else:
                log.warning("refused: %s", title)
            response = await crash_response(Request(scope), status_code, title, detail)
            await response(scope, receive, send_with_headers)
        finally:
            elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": elapsed_ms,
                    }
                },
            )
            request_id_var.reset(token)


def _nul_in_url(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope["path"] or b"%00" in query or b"\x00" in query


def _classify(exc: Exception) -> tuple[int, str, str]:
    """An unexpected exception → (status, title, detail); input that no validator caught is
    answered 4xx, the rest 500 (never the exception's own text: it may carry data)."""
    if isinstance(exc, RecursionError):
        return 400, "Body nested too deeply", "Send JSON nested at most a few hundred levels."
    text = str(exc)
    if isinstance(exc, DataError) and (
        "NUL (0x00)" in text or "unsupported Unicode escape sequence" in text
    ):
        return 422, "NUL character refused", "A field holds a NUL character, which none may."
    return 500, "Internal error", "The request failed; quote the request id when reporting it."


class BodyLimitMiddleware:
    """Refuse bodies over the limit with 413, by Content-Length and by counting the stream."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, limit_for_path: Callable[[str, str], int | None]
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limit_for_path = limit_for_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for_path(scope["method"], scope["path"]) or self.default_limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_413(send, limit)
            return
        received = 0
        refused = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer 413 now; the app sees a disconnect and whatever it sends is dropped.
                    refused = True
                    if not response_started:
                        await _send_413(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _send_413(send: Send, limit: int) -> None:
    body = problem_bytes(
        status=413,
        title="Request body too large",
        detail=f"The body exceeds the limit of {limit} bytes.",
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

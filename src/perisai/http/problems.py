"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from perisai.http.refusals import audited_refusal
from perisai.identity.deps import NEXT_COOKIE, BadCsrf, LoginRequired, NotAllowed, safe_next
from perisai.requestctx import current_request_id

log = logging.getLogger(__name__)
PROBLEM_TYPE_BASE = "https://perisai.example/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a handler to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, str]] | None = None,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.kind, self.headers = errors, kind, headers


def problem_body(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (kind or str(status)),
        "title": title,
        "status": status,
        "request_id": current_request_id(),
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def problem_bytes(**kwargs: Any) -> bytes:
    return json.dumps(problem_body(**kwargs)).encode()


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, title, detail, errors, kind),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    return [
        {"field": field_path(err.get("loc", ())), "message": str(err.get("msg", ""))}
        for err in exc.errors()
    ]


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


async def _typed(request: Request) -> list[tuple[str, Any]] | None:
    """What a form POST carried (url-encoded only: never re-reads an upload), for the error page."""
    if request.method != "POST":
        return None
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    try:
        return list((await request.form()).multi_items())
    except Exception:
        return None


async def _page(
    request: Request,
    status: int,
    *,
    kind: str | None = None,
    problems: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    from perisai.web.errors import error_page

    return error_page(
        request, status, kind=kind, problems=problems, form=await _typed(request), headers=headers
    )


async def crash_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer to an exception no handler took, or to a request refused before the app
    (`http.middleware`, `http.admission`): a page in the person's language for pages, a problem
    document for the API; never the exception's text."""
    if _wants_html(request):
        try:
            # A Request without its receive channel: the error page never re-reads the body.
            return await _page(request, status, headers=headers)
        except Exception:
            log.exception("error page failed")
    return problem_response(status, title, detail, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        if _wants_html(request):
            response = await _page(request, exc.status, kind=exc.kind, headers=exc.headers)
        else:
            response = problem_response(
                exc.status, exc.title, exc.detail, exc.errors, exc.kind, exc.headers
            )
        return audited_refusal(request, response, reason=exc.detail or exc.title, kind=exc.kind)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_html(request):
            from perisai.web.errors import field_problem
            from perisai.web.i18n import language_of

            lang = language_of(request)
            found = [field_problem(err, lang) for err in exc.errors()][:20]
            return await _page(request, 422, kind="validation", problems=found)
        return problem_response(
            422,
            "Invalid request",
            "One or more fields are invalid.",
            _validation_errors(exc),
            "validation",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        if _wants_html(request):
            response = await _page(request, exc.status_code, headers=headers)
        else:
            response = problem_response(exc.status_code, str(exc.detail), headers=headers)
        return audited_refusal(request, response, reason=str(exc.detail))

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _wants_html(request):
            response = RedirectResponse("/login", status_code=303)
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method == "GET" and safe_next(wanted):
                # Back to this page after logging in (a deep link someone sent).
                response.set_cookie(
                    NEXT_COOKIE,
                    wanted,
                    max_age=3600,
                    httponly=True,
                    samesite="lax",
                    secure=request.app.state.settings.cookie_secure,
                )
            return response
        return problem_response(
            401,
            "Authentication required",
            "Send a valid API key or log in.",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(NotAllowed)
    async def _forbidden(request: Request, exc: NotAllowed) -> Response:
        if _wants_html(request):
            response = await _page(request, 403)
        else:
            response = problem_response(403, "Not allowed", f"This needs {exc}.")
        return audited_refusal(request, response, reason=f"needs {exc}", kind="permission")

    @app.exception_handler(BadCsrf)
    async def _csrf(request: Request, exc: BadCsrf) -> Response:
        if _wants_html(request):
            response = await _page(request, 403, kind="csrf")
        else:
            response = problem_response(
                403,
                "Form expired or forged",
                "Reload the page and submit the form again.",
                kind="csrf",
            )
        return audited_refusal(request, response, reason="form token missing or wrong", kind="csrf")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        if _wants_html(request):
            try:
                return await _page(request, 500)
            except Exception:
                log.exception("error page failed")
        return problem_response(
            500, "Internal error", "The request failed; quote the request id when reporting it."
        )

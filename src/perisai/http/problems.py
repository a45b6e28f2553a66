"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from perisai.identity.deps import BadCsrf, LoginRequired, NotAllowed
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


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(
            exc.status, exc.title, exc.detail, exc.errors, exc.kind, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
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
        return problem_response(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _wants_html(request):
            return RedirectResponse("/login", status_code=303)
        return problem_response(
            401,
            "Authentication required",
            "Send a valid API key or log in.",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(NotAllowed)
    async def _forbidden(request: Request, exc: NotAllowed) -> Response:
        return problem_response(403, "Not allowed", f"This needs {exc}.")

    @app.exception_handler(BadCsrf)
    async def _csrf(request: Request, exc: BadCsrf) -> Response:
        return problem_response(
            403, "Form expired or forged", "Reload the page and submit the form again.", kind="csrf"
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem_response(
            500, "Internal error", "The request failed; quote the request id when reporting it."
        )

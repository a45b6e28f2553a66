"""The public page for parents: `/umur` (Malay) and `/age-checks` (English)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from perisai.ageverify.text import MESSAGES
from perisai.identity.deps import Public
from perisai.web.i18n import LANGUAGES, register, translate

register(MESSAGES)
router = APIRouter(include_in_schema=False, dependencies=[Public])
PATHS = {"ms": "/umur", "en": "/age-checks"}
REPORT_PATHS = {"ms": "/lapor", "en": "/report"}


def _page(request: Request, default: str) -> Response:
    asked = request.query_params.get("lang")
    lang = asked if asked in LANGUAGES else default
    context = {
        "lang": lang,
        "t": lambda key, **values: translate(key, lang, **values),
        "demo": request.app.state.runtime.settings.demo,
        "report_path": REPORT_PATHS[lang],
    }
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "age_checks.html", context)  # type: ignore[no-any-return]


@router.get("/umur")
def page_ms(request: Request) -> Response:
    return _page(request, "ms")


@router.get("/age-checks")
def page_en(request: Request) -> Response:
    return _page(request, "en")

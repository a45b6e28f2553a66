"""Rendering of the public education pages: the language comes from the path (`/semak-chat` is
Malay, `/check-a-chat` English), every answer carries `Cache-Control: no-store`."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from perisai.web.i18n import LANGUAGES, translate

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def other(lang: str) -> str:
    return "en" if lang == "ms" else "ms"


def switch_language(request: Request, lang: str, paths: dict[str, str]) -> Response | None:
    """`?lang=xx` on a page whose language is its path: send the person to the other path."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and asked != lang:
        return RedirectResponse(paths[asked], status_code=303, headers=NO_STORE)
    return None


def page(
    request: Request,
    lang: str,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    alternate: str | None = None,
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    values = {
        "lang": lang,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "demo": request.app.state.settings.demo,
        "alternate": alternate,
        **context,
    }
    return templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=NO_STORE
    )

"""Jinja2 templates with autoescaping, the translation function and the page context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from perisai.web.codes import code_label
from perisai.web.i18n import language_of, translate
from perisai.web.timefmt import register_filters

TEMPLATES_DIR = Path(__file__).parent / "templates"


def make_templates(extra_dirs: list[Path] | None = None) -> Jinja2Templates:
    templates = Jinja2Templates(directory=[TEMPLATES_DIR, *(extra_dirs or [])])
    templates.env.autoescape = True
    register_filters(templates.env.filters)
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    lang = language_of(request)
    runtime = request.app.state.runtime
    page: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **values: translate(key, lang, **values),
        "c": lambda group, value: code_label(group, value, lang),
        "demo": runtime.settings.demo,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(
            "lang",
            lang,
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=runtime.settings.cookie_secure,
            httponly=True,
        )
    return response

"""`GET /app/links`: search form, the linkage tables and a graph (server-drawn SVG)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from perisai.identifiers import IdentifierError
from perisai.identity.deps import DbDep, Principal, require
from perisai.identity.permissions import Permission
from perisai.identity.views import add_home_link
from perisai.linkage import text  # noqa: F401 - registers the page's Malay and English strings
from perisai.linkage.detect import LOOKUP_KINDS, parse_identifier
from perisai.linkage.graph import drawing
from perisai.linkage.service import lookup
from perisai.sharing.viewers import viewer_of
from perisai.web.codes import code_label
from perisai.web.i18n import language_of, translate
from perisai.web.templating import make_templates

router = APIRouter(include_in_schema=False)
_templates: Jinja2Templates = make_templates([Path(__file__).parent / "templates"])
PAGE = "/app/links"
add_home_link(Permission.REPORTS_READ, PAGE, "links.home")

Identifier = Annotated[str, Query(max_length=2048)]
Kind = Annotated[str, Query(max_length=16)]
Platform = Annotated[str, Query(max_length=255)]


def _render(
    request: Request, principal: Principal, context: dict[str, Any], status_code: int = 200
) -> Response:
    lang = language_of(request)
    assert principal.user_session is not None
    page = {
        "lang": lang,
        "t": lambda key, **values: translate(key, lang, **values),
        "c": lambda group, value: code_label(group, value, lang),
        "demo": request.app.state.runtime.settings.demo,
        "user": principal.user,
        "csrf_token": principal.user_session.csrf_token,
        "kinds": LOOKUP_KINDS,
        **context,
    }
    return _templates.TemplateResponse(request, "links.html", page, status_code=status_code)


def _error_text(exc: IdentifierError, lang: str) -> str:
    """The parser's refusal in the person's language: which part is wrong and what to do."""
    field = exc.field.split(".")[0]
    key = f"links.error.{field}"
    found = translate(key, lang)
    return found if found != key else translate("links.error", lang)


@router.get(PAGE)
def links_page(
    request: Request,
    db: DbDep,
    identifier: Identifier = "",
    kind: Kind = "",
    platform: Platform = "",
    principal: Principal = require(Permission.REPORTS_READ),
) -> Response:
    form = {"identifier": identifier, "kind": kind, "platform": platform}
    if not identifier.strip():
        return _render(request, principal, {"form": form})
    try:
        parsed = parse_identifier(identifier, kind=kind or None, platform=platform or None)
    except IdentifierError as exc:
        error = _error_text(exc, language_of(request))
        return _render(request, principal, {"form": form, "error": error}, status_code=422)
    answer = lookup(db, actor=principal.actor, identifier=parsed, viewer=viewer_of(principal))
    return _render(request, principal, {"form": form, "answer": answer, "drawing": drawing(answer)})

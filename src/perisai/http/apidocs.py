"""`/api/v1/docs`: the API's documentation page, Swagger UI served from our own static files.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script, both of
which the Content-Security-Policy forbids (the page stayed blank). This one loads the vendored
copy (`web/static/swagger-ui/`, Apache-2.0, see its README) and starts it from
`/static/apidocs.js`, within `script-src 'self'`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from perisai.identity.deps import Public
from perisai.web.i18n import register
from perisai.web.templating import render

API_PREFIX = "/api/v1"
router = APIRouter(include_in_schema=False)

register(
    {
        "apidocs.title": {"ms": "Dokumentasi API Perisai", "en": "Perisai API documentation"},
        "apidocs.nav": {"ms": "Bahasa", "en": "Language"},
        "apidocs.intro": {
            "ms": "Setiap titik akhir /api/v1, skemanya dan ralatnya (RFC 9457). Panggilan "
            "memerlukan kunci API atau sesi yang sah. Spesifikasi OpenAPI:",
            "en": "Every /api/v1 endpoint, its schemas and its errors (RFC 9457). Calls need a "
            "valid API key or session. The OpenAPI specification:",
        },
        "apidocs.noscript": {
            "ms": "Halaman ini memerlukan JavaScript; spesifikasi OpenAPI boleh dibaca tanpanya.",
            "en": "This page needs JavaScript; the OpenAPI specification can be read without it.",
        },
    }
)


@router.get(f"{API_PREFIX}/docs", dependencies=[Public])
def api_docs(request: Request) -> Response:
    return render(request, "apidocs.html", {"openapi_url": f"{API_PREFIX}/openapi.json"})

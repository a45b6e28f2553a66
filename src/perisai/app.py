"""The FastAPI application factory. Nothing happens at import; `create_app` builds everything."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from perisai.config import Settings, load_settings
from perisai.heap import freeze_startup_objects
from perisai.http.admission import BodyAdmissionMiddleware
from perisai.http.logging import configure_logging
from perisai.http.middleware import BodyLimitMiddleware, RequestContextMiddleware
from perisai.http.problems import install_problem_handlers
from perisai.manifest import load, manifests
from perisai.runtime import Runtime
from perisai.web.templating import make_templates

API_PREFIX = "/api/v1"
# Evidence uploads stream into encrypted storage as they arrive (never spooled in plaintext).
EVIDENCE_UPLOAD = rf"{API_PREFIX}/reports/[^/]+/files/[^/]+$"


def _routers() -> list[object]:
    return [load(target) for manifest in manifests() for target in manifest.routers]


def _template_dirs() -> list[Path]:
    return [manifest.folder / folder for manifest in manifests() for folder in manifest.templates]


@asynccontextmanager
async def _freeze_after_startup(app: FastAPI) -> AsyncIterator[None]:
    """The last lifespan entered (routers' lifespans nest in the order they are included):
    everything the process built at start-up is in place, so move it out of the garbage
    collector's full passes (`perisai.heap`)."""
    freeze_startup_objects()
    yield


def create_app(
    settings: Settings | None = None, runtime: Runtime | None = None, *, freeze_heap: bool = False
) -> FastAPI:
    """The app; `freeze_heap` (a server process's own app, never a test's: a frozen object is
    never collected) freezes what start-up built once every lifespan has started."""
    settings = settings or (runtime.settings if runtime else load_settings())
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "runtime", None) is None:
            app.state.runtime = Runtime.start(settings)
        yield
        for close in reversed(app.state.closers):
            close()
        if runtime is None:
            app.state.runtime.db.dispose()

    app = FastAPI(
        title="Perisai",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # /api/v1/docs is perisai.http.apidocs (Swagger UI within our CSP)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.closers = []  # called at shutdown (e.g. the intake writer drains its queue)
    app.state.templates = make_templates(extra_dirs=_template_dirs())
    for router in _routers():
        app.include_router(router)  # type: ignore[arg-type]
    if freeze_heap:
        app.include_router(APIRouter(lifespan=_freeze_after_startup))
    app.mount(
        "/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static"
    )
    install_problem_handlers(app)

    # Path patterns (regular expressions matched at the start of the path) → larger limits.
    app.state.body_limits = {
        EVIDENCE_UPLOAD: settings.max_evidence_bytes,
        # Check a chat reads its body itself under a smaller cap and answers with a page in the
        # person's language; this is only the outer bound.
        r"/(?:semak-chat|check-a-chat)$": 64 * 1024 * 1024,
    }

    def body_limit(method: str, path: str) -> int | None:
        limits: dict[str, int] = getattr(app.state, "body_limits", {})
        for pattern, limit in limits.items():
            if re.match(pattern, path) and method in ("PUT", "POST"):
                return limit
        return None

    def streamed(method: str, path: str) -> bool:
        return method == "PUT" and re.match(EVIDENCE_UPLOAD, path) is not None

    # Innermost: the body limit (outside it) refuses an oversized body while it is spooled.
    app.add_middleware(
        BodyAdmissionMiddleware,
        min_bytes_per_second=settings.body_min_bytes_per_second,
        grace_seconds=settings.body_grace_seconds,
        per_client=settings.bodies_per_client,
        per_source=settings.bodies_per_source,
        streamed=streamed,
    )
    app.add_middleware(
        BodyLimitMiddleware, default_limit=settings.max_body_bytes, limit_for_path=body_limit
    )
    app.add_middleware(RequestContextMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """Entry point for `uvicorn --factory perisai.app:app_from_environment`."""
    return create_app(freeze_heap=True)

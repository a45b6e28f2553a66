"""Every refused request (403) leaves an audit entry: who asked for what, and why not.

A refusal rolls the request's transaction back, taking anything recorded in it along, so the
entry is written in a transaction of its own, as a background task of the response: by then the
request's transaction has ended (FastAPI closes dependencies before sending the response) and
holds no lock the audit chain could wait on. Who asked comes from ``request.state.actor``,
which the identity dependencies set once they know it; before that the caller is anonymous.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response

from perisai.audit.service import Actor, record
from perisai.requestctx import current_request_id
from perisai.runtime import Runtime

log = logging.getLogger(__name__)

REFUSED_ACTION = "access.refused"
_REASON_CHARS = 500
_PATH_CHARS = 300


def audited_refusal(
    request: Request, response: Response, *, reason: str, kind: str | None = None
) -> Response:
    """``response`` (a 403) with its audit entry to be written once it is sent."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None or response.status_code != 403:
        return response
    actor = getattr(request.state, "actor", None)
    details: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path[:_PATH_CHARS],
        "reason": reason[:_REASON_CHARS],
    }
    if kind:
        details["kind"] = kind
    response.background = BackgroundTask(
        _write,
        runtime,
        actor if isinstance(actor, Actor) else Actor(kind="anonymous"),
        current_request_id(),
        details,
    )
    return response


def _write(runtime: Runtime, actor: Actor, request_id: str | None, details: dict[str, Any]) -> None:
    try:
        with runtime.db.transaction() as session:
            record(
                session,
                actor=actor,
                action=REFUSED_ACTION,
                details=details,
                request_id=request_id,
            )
    except Exception:
        # The refusal has been answered; losing its audit entry must not hide the next one.
        log.exception("could not audit a refused request")

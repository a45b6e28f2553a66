"""The current request id, visible to log lines and audit entries of that request or job."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("perisai_request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()

"""Per-process rate limits keyed by HMAC(daily salt, client address): no address is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from starlette.requests import Request

from perisai.http.ratelimit import RateLimiter


class ClientGuard:
    def __init__(self, *, per_window: int, window_seconds: float) -> None:
        self.limiter = RateLimiter(rate_per_second=per_window / window_seconds, burst=per_window)
        self._day = ""
        self._salt = b""

    def key(self, address: str, extra: str = "") -> str:
        today = datetime.now(UTC).date().isoformat()
        if today != self._day:
            self._day, self._salt = today, secrets.token_bytes(32)
        return hmac.new(self._salt, f"{address}\n{extra}".encode(), hashlib.sha256).hexdigest()

    def allow(self, request: Request, extra: str = "") -> bool:
        address = request.client.host if request.client else "unknown"
        allowed, _ = self.limiter.allow(self.key(address, extra))
        return allowed


def guard_of(request: Request, name: str, *, per_window: int, window_seconds: float) -> ClientGuard:
    """The app's guard called `name`, made on first use (one per app, so tests stay apart)."""
    guards: dict[str, ClientGuard] | None = getattr(request.app.state, "education_guards", None)
    if guards is None:
        guards = request.app.state.education_guards = {}
    found = guards.get(name)
    if found is None:
        found = guards[name] = ClientGuard(per_window=per_window, window_seconds=window_seconds)
    return found

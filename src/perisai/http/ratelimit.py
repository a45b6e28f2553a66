"""A token-bucket rate limiter keyed by client.

Per process: with N server processes a client gets at most N times the rate, which is acceptable
for abuse protection of scoring endpoints (intake durability does not depend on it).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, *, rate_per_second: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _refilled(self, client: str, moment: float) -> _Bucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._buckets.clear()  # bounded memory; a reset only forgives
            bucket = self._buckets[client] = _Bucket(self.burst, moment)
        bucket.tokens = min(self.burst, bucket.tokens + (moment - bucket.updated) * self.rate)
        bucket.updated = moment
        return bucket

    def available(self, client: str, now: float | None = None) -> bool:
        """Whether a token is there now, without taking it (take it later with `allow`)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            return self._refilled(client, moment).tokens >= 1

    def allow(self, client: str, now: float | None = None) -> tuple[bool, float]:
        """Take one token; return (allowed, seconds until the next token)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._refilled(client, moment)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return True, 0.0
            return False, (1 - bucket.tokens) / self.rate

"""Verified API keys, remembered for a few seconds per process (the intake hot path).

Checking a bearer token costs a database round trip (and, on the async intake path, a hop to a
worker thread). At hundreds of reports a second from a handful of platforms the answer is almost
always the same, so a verified key is kept for `ttl` seconds. What can change in that time is
revocation: the routes that use this cache check it again in the transaction that writes
(:func:`live_api_key_ids`), so a revocation committed before that check stops the write. (One
that commits while the writing transaction runs does not, as with a check at the request's
start; locking the key row for the check would make intake wait behind every request that
records the key's use.)
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import Actor
from perisai.identity.models import ApiKey
from perisai.identity.service import apikey_client_id
from perisai.runtime import Runtime

DEFAULT_TTL_SECONDS = 30.0
DEFAULT_MAX_ENTRIES = 4096


@dataclass(frozen=True)
class VerifiedKey:
    """What a route needs of a verified key (no ORM object: it outlives its session)."""

    id: int
    scopes: frozenset[str]
    actor: Actor

    @property
    def client_id(self) -> str:
        return apikey_client_id(self.id)


class ApiKeyCache:
    """Token digest → verified key, each for `ttl_seconds`; bounded, thread-safe."""

    def __init__(
        self, ttl_seconds: float = DEFAULT_TTL_SECONDS, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[float, VerifiedKey]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(token: str) -> bytes:
        # Kept by digest so that the cache holds no usable secret.
        return hashlib.sha256(token.encode("utf-8")).digest()

    def get(self, token: str) -> VerifiedKey | None:
        digest = self._digest(token)
        with self._lock:
            found = self._entries.get(digest)
            if found is None:
                return None
            expires, key = found
            if expires <= time.monotonic():
                del self._entries[digest]
                return None
            return key

    def put(self, token: str, key: VerifiedKey) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._evict_expired_or_oldest()
            self._entries[self._digest(token)] = (time.monotonic() + self.ttl_seconds, key)

    def _evict_expired_or_oldest(self) -> None:
        now = time.monotonic()
        for digest in [d for d, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[digest]
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # insertion order: the oldest


def verified(key: ApiKey, actor: Actor) -> VerifiedKey:
    return VerifiedKey(id=key.id, scopes=frozenset(key.scopes), actor=actor)


def live_api_key_ids(session: Session, key_ids: set[int]) -> set[int]:
    """Those of `key_ids` not revoked, as the session's transaction sees them now."""
    if not key_ids:
        return set()
    return set(
        session.scalars(
            select(ApiKey.id).where(ApiKey.id.in_(key_ids), ApiKey.revoked_at.is_(None))
        )
    )


_CACHE_KEY = "identity.api_keys"


def api_key_cache(runtime: Runtime) -> ApiKeyCache:
    """This process's cache, kept in the runtime's extensions (the runtime imports no domain)."""
    cache = runtime.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = runtime.extensions.setdefault(_CACHE_KEY, ApiKeyCache())
    assert isinstance(cache, ApiKeyCache)
    return cache

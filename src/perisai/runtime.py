"""What a running process needs, built once at startup from settings: database and keys."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from perisai.audit.service import chain_key_from_master, register_chain_key
from perisai.audit.signing import load_or_create_signing_key
from perisai.config import Settings
from perisai.crypto import Keyring, load_or_create_key
from perisai.db.engine import Database
from perisai.identity.keycache import ApiKeyCache


@dataclass
class Runtime:
    settings: Settings
    db: Database
    # Per-process state a domain keeps for the life of the runtime (e.g. the banks' in-memory
    # indexes), under the domain's own key: the core need not import the domain.
    extensions: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Audit entries written through this database are keyed with this runtime's chain key
        # (read from the master key when the first entry is written, not now).
        me = weakref.ref(self)

        def key() -> bytes:
            runtime = me()
            if runtime is None:
                raise RuntimeError("the runtime that opened this database is gone")
            return runtime.audit_chain_key

        self.db.add_engine_hook(lambda engine: register_chain_key(engine, key))

    @classmethod
    def start(cls, settings: Settings, db: Database | None = None) -> Runtime:
        return cls(settings=settings, db=db or Database.from_settings(settings))

    @cached_property
    def keyring(self) -> Keyring:
        return Keyring(master=load_or_create_key(self.settings.master_key_path))

    @cached_property
    def audit_chain_key(self) -> bytes:
        """The audit chain's HMAC key, derived from the master key (never in the database)."""
        return chain_key_from_master(self.keyring.master)

    @cached_property
    def api_keys(self) -> ApiKeyCache:
        return ApiKeyCache()

    @cached_property
    def signing_key(self) -> Ed25519PrivateKey:
        return load_or_create_signing_key(self.settings.signing_key_path)

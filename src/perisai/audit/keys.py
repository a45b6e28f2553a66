"""The audit keys of a running process: the chain's HMAC key and the heads' signing key.

Both are kept in the runtime's extensions (the runtime does not import audit); the chain key is
registered on every database handle the runtime opens when the runtime starts (the audit
manifest's `runtime.started` hook).
"""

from __future__ import annotations

import weakref

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from perisai.audit.service import chain_key_from_master, register_chain_key
from perisai.audit.signing import load_or_create_signing_key
from perisai.runtime import Runtime

_CHAIN_KEY = "audit.chain_key"
_SIGNING_KEY = "audit.signing_key"


def chain_key(runtime: Runtime) -> bytes:
    """The audit chain's HMAC key, derived from the master key (never in the database)."""
    key = runtime.extensions.get(_CHAIN_KEY)
    if key is None:
        key = runtime.extensions.setdefault(
            _CHAIN_KEY, chain_key_from_master(runtime.keyring.master)
        )
    assert isinstance(key, bytes)
    return key


def signing_key(runtime: Runtime) -> Ed25519PrivateKey:
    """The Ed25519 key that signs the audit heads (created on first use)."""
    key = runtime.extensions.get(_SIGNING_KEY)
    if key is None:
        key = runtime.extensions[_SIGNING_KEY] = load_or_create_signing_key(
            runtime.settings.signing_key_path
        )
    assert isinstance(key, Ed25519PrivateKey)
    return key


def attach(runtime: Runtime) -> None:
    """Audit entries written through this runtime's database are keyed with its chain key
    (read from the master key when the first entry is written, not now)."""
    me = weakref.ref(runtime)

    def key() -> bytes:
        owner = me()
        if owner is None:
            raise RuntimeError("the runtime that opened this database is gone")
        return chain_key(owner)

    runtime.db.add_engine_hook(lambda engine: register_chain_key(engine, key))

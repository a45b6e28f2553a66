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
from perisai.db.engine import Database
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


# Each database handle's runtimes, oldest first (weakly: a handle does not keep them alive).
_owners: weakref.WeakKeyDictionary[Database, list[weakref.ref[Runtime]]] = (
    weakref.WeakKeyDictionary()
)


def attach(runtime: Runtime) -> None:
    """Audit entries written through this runtime's database are keyed with its chain key
    (read from the master key when the first entry is written, not now).

    Several runtimes may share one handle (tests and tools wrap a live runtime's database in
    another with different settings): the entries are keyed by the oldest of them still alive,
    so a short-lived one does not leave the handle keyed by a runtime that is gone.
    """
    owners = _owners.setdefault(runtime.db, [])
    owners.append(weakref.ref(runtime))
    if len(owners) > 1:
        return  # the handle's engines already ask the list

    def key() -> bytes:
        for owner in (ref() for ref in owners):
            if owner is not None:
                return chain_key(owner)
        raise RuntimeError("the runtime that opened this database is gone")

    runtime.db.add_engine_hook(lambda engine: register_chain_key(engine, key))

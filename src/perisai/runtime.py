"""What a running process needs, built once at startup from settings: database and keys.

The runtime sits below every domain and imports none: a domain that keeps per-process state
(the audit chain and signing keys, the API-key cache, the banks' indexes) keeps it in
`extensions` under its own key, and one that must act when a runtime starts registers a
:data:`RUNTIME_STARTED` hook in its manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from perisai.config import Settings
from perisai.crypto import Keyring, load_or_create_key
from perisai.db.engine import Database
from perisai.keystore import attach
from perisai.manifest import RUNTIME_STARTED, hooks


@dataclass
class Runtime:
    settings: Settings
    db: Database
    # Per-process state a domain keeps for the life of the runtime (e.g. the banks' in-memory
    # indexes), under the domain's own key: the core need not import the domain.
    extensions: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for started in hooks(RUNTIME_STARTED):
            started(self)

    @classmethod
    def start(cls, settings: Settings, db: Database | None = None) -> Runtime:
        return cls(settings=settings, db=db or Database.from_settings(settings))

    @cached_property
    def keyring(self) -> Keyring:
        master = Keyring(master=load_or_create_key(self.settings.master_key_path))
        return attach(master, self.settings.subject_keys_path, self.settings.erasure_ledger_path)

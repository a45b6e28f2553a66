"""What a running process needs, built once at startup from settings: database and keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from perisai.audit.signing import load_or_create_signing_key
from perisai.config import Settings
from perisai.crypto import Keyring, load_or_create_key
from perisai.db.engine import Database
from perisai.identity.keycache import ApiKeyCache


@dataclass
class Runtime:
    settings: Settings
    db: Database

    @classmethod
    def start(cls, settings: Settings, db: Database | None = None) -> Runtime:
        return cls(settings=settings, db=db or Database.from_settings(settings))

    @cached_property
    def keyring(self) -> Keyring:
        return Keyring(master=load_or_create_key(self.settings.master_key_path))

    @cached_property
    def api_keys(self) -> ApiKeyCache:
        return ApiKeyCache()

    @cached_property
    def signing_key(self) -> Ed25519PrivateKey:
        return load_or_create_signing_key(self.settings.signing_key_path)
